"""``{% hall_appointments hall %}``: the free places of a hall's next bookable days, and a link to book.

Used from the hall's public page (``theme/templates/halls/hall_detail.html`` includes
``appointments/includes/hall_slots.html``). Counts only, no personal data; two queries whatever
the number of groups and days. Nothing is shown when the hall takes no bookings.
"""

from __future__ import annotations

from django import template
from django.db.models import Sum

register = template.Library()


def _index_page():
    from appointments.pages import AppointmentIndexPage

    return AppointmentIndexPage.objects.live().public().first()


@register.inclusion_tag("appointments/includes/hall_appointments.html", takes_context=True)
def hall_appointments(context, hall) -> dict:
    from appointments import service
    from appointments.models import BookingSchedule, ServiceGroup, SlotCounter

    schedule = BookingSchedule.objects.filter(hall=hall, is_active=True).first()
    if schedule is None:
        return {"days": []}
    at = service.now()
    groups = list(ServiceGroup.objects.filter(hall=hall, is_active=True).values_list("pk", "capacity"))
    if not groups:
        return {"days": []}
    days = service.bookable_days(schedule, at)
    taken = dict(
        SlotCounter.objects.filter(group__in=[pk for pk, _ in groups], date__in=days)
        .values("date")
        .annotate(total=Sum("booked"))
        .values_list("date", "total")
    )
    per_slot = sum(capacity for _, capacity in groups)
    today_taken = {}
    if days and days[0] == at.date():
        for start, booked in SlotCounter.objects.filter(group__in=[pk for pk, _ in groups], date=days[0]).values_list(
            "start", "booked"
        ):
            today_taken[start] = today_taken.get(start, 0) + booked
    rows = []
    for day in days:
        if day == at.date():
            slots = [s for s, _ in schedule.slots() if service.at_time(day, s) > at]
            free = sum(max(per_slot - today_taken.get(s, 0), 0) for s in slots)
        else:
            free = max(per_slot * len(schedule.slots()) - (taken.get(day) or 0), 0)
        rows.append({"date": day, "free": free})
    page = _index_page()
    request = context.get("request")
    book_url = ""
    if page is not None:
        book_url = page.get_url(request) + f"?hall={hall.code}"
    return {"days": rows, "book_url": book_url}


@register.inclusion_tag("appointments/includes/matter_booking.html", takes_context=True)
def matter_booking_links(context, matter) -> dict:
    """预约办理 links of a matter: each hall where a window group takes bookings for it (one query)."""
    from django.db.models import Q

    from appointments.models import ServiceGroup

    page = _index_page() if matter is not None and getattr(matter, "pk", None) else None
    if page is None:
        return {"links": []}
    groups = (
        ServiceGroup.objects.filter(is_active=True, hall__is_active=True, hall__booking_schedule__is_active=True)
        .filter(Q(matters=matter.pk) | Q(windows__matters=matter.pk))
        .select_related("hall")
        .order_by("hall__sort_order", "hall__code", "sort_order", "pk")
        .distinct()
    )
    base = page.get_url(context.get("request"))
    links, seen = [], set()
    for group in groups:
        if group.hall_id in seen:
            continue
        seen.add(group.hall_id)
        links.append((group.hall.name, f"{base}?hall={group.hall.code}&group={group.pk}&matter={matter.pk}"))
    return {"links": links}
