"""The 区划 a copy of a record belongs to, as the search page names it: 市级, 东湖区, 湖滨街道 …

When a kind groups copies of one thing kept at several levels (``SearchKind.group_key``: a
matter's 基本编码 in the city's and each district's catalog), each copy is labelled with the
区划 of its owner department, the same regions the 区划 switch offers
(``permissions.regions``): a copy owned inside a 街道乡镇 is that street or town, inside a 区县
that district, anywhere else the city (“市级”). Read from the cached region table: no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from permissions.regions import region_choices, region_department_ids

CITY_LABEL = "市级"


@dataclass(frozen=True)
class Level:
    """A copy's 区划: its name and where it sorts (the city, then each 区县 followed by its 街道乡镇)."""

    label: str
    order: int


def levels(department_ids: Iterable[int]) -> dict[int, Level]:
    """The 区划 of each of ``department_ids``: the deepest region whose departments include it."""
    wanted = set(department_ids)
    found = dict.fromkeys(wanted, Level(CITY_LABEL, 0))
    for order, choice in enumerate(region_choices()):
        if choice.department is None:  # the whole city
            continue
        # A 街道乡镇 follows its 区县 in the choices, so the deeper region is written last.
        for pk in wanted & (region_department_ids(choice.department) or set()):
            found[pk] = Level(choice.label, order)
    return found
