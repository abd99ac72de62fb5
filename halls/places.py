"""The halls' answer to "where is this matter handled": the halls whose windows list it.

Registered with ``matters.places`` from ``HallsConfig.ready()``; one address per hall (name,
address, hours, phone) with the numbers of its windows that take the matter, in the halls'
order. Inactive halls are left out; a window paused for the day still says where to go.
"""

from __future__ import annotations

from collections.abc import Sequence

from matters.places import Counter, Place

from .models import Window


def window_places(matter_ids: Sequence[int]) -> dict[int, list[Place]]:
    """``{matter_id: [Place per hall]}`` for the matters some active hall's window lists (one query)."""
    if not matter_ids:
        return {}
    through = Window.matters.through
    links = (
        through.objects.filter(matter_id__in=list(matter_ids), window__hall__is_active=True)
        .select_related("window__hall")
        .order_by("window__hall__sort_order", "window__hall__code", "window__sort_order", "window__number")
    )
    places: dict[int, dict[int, Place]] = {}
    for link in links:
        window, hall = link.window, link.window.hall
        by_hall = places.setdefault(link.matter_id, {})
        place = by_hall.get(hall.pk)
        if place is None:
            place = by_hall[hall.pk] = Place(
                hall.name,
                hall.address,
                hours=hall.hours,
                phone=hall.phone,
                directions=hall.directions,
                source="windows",
                key=f"hall:{hall.pk}",
            )
        place.windows.append(Counter(window.number, window.name, window.is_open))
    return {pk: list(by_hall.values()) for pk, by_hall in places.items()}
