"""办理地点: where a matter is handled, wherever it is shown (matter page, guide, printable notice, API).

The truth is the halls' windows: a matter is handled at every hall one of whose windows lists it
(one address per hall, with the windows' numbers). The matter's own ``HandlingPlace`` rows are
what its department typed and are shown only when no window handles the matter (a registry or a
police hall that is not in the halls' register, a matter no window has taken yet).

``matters`` knows no halls (the halls app depends on it, not the reverse): the halls app
registers a provider here from its ``AppConfig.ready()``, the way domains register with the
framework.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .models import Matter


@dataclass(frozen=True)
class Counter:
    """A window of a hall that handles the matter: 窗口号 and name (as the hall's floor sign says)."""

    number: str
    name: str
    is_open: bool = True

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


@dataclass
class Place:
    """One hall (or, without windows, one of the matter's own places): name, address, hours, phone."""

    name: str
    address: str
    hours: str = ""
    phone: str = ""
    directions: str = ""
    windows: list[Counter] = field(default_factory=list)
    source: str = "matter"  # "windows": from the halls' windows; "matter": the matter's own rows
    key: str = ""  # identifies a hall across matters ("hall:12"); empty for the matter's own rows


PlaceProvider = Callable[[Sequence[int]], dict[int, list[Place]]]
_PROVIDERS: list[PlaceProvider] = []


def register_place_provider(provider: PlaceProvider) -> PlaceProvider:
    """Register ``provider(matter_ids) -> {matter_id: [Place, ...]}`` (idempotent; usable as a decorator)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def own_places(matter: Matter) -> list[Place]:
    """The matter's own 办理地点 rows (prefetched with ``Matter.with_elements``)."""
    return [
        Place(p.name, p.address, hours=p.hours, phone=p.phone, directions=p.directions) for p in matter.places.all()
    ]


def handling_places(matters: Iterable[Matter]) -> dict[int, list[Place]]:
    """Where each matter is handled: its halls' windows, else its own places. One query per provider."""
    matters = list(matters)
    ids = [m.pk for m in matters]
    found: dict[int, list[Place]] = {}
    for provider in _PROVIDERS:
        for pk, places in provider(ids).items():
            found.setdefault(pk, []).extend(places)
    return {m.pk: found.get(m.pk) or own_places(m) for m in matters}


def places_of(matter: Matter) -> list[Place]:
    """Where one matter is handled (see ``handling_places``)."""
    return handling_places([matter])[matter.pk]
