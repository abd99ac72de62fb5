"""Which fields a feed may pick, per source (the top-level keys of each API record)."""

from __future__ import annotations


def available_fields(source: str) -> list[tuple[str, str]]:
    """(field name, Chinese label) pairs a feed of this source may include, in display order."""
    from api.resources import resource_for_source

    return resource_for_source(source).field_choices()
