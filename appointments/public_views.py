"""The public views of ``AppointmentIndexPage``: book, receipt, 我的预约 and 延时预约.

Booking is a server-rendered step form (hall → window group and matter → day → slot, name and
phone), each step a plain link or form, so it works without JavaScript and in elderly mode. The
receipt (the code) is kept in the session, never in a URL. 我的预约 answers a code with the phone
number given: a wrong pair and an unknown code get the same answer, every attempt counts against
``APPOINTMENTS_LOOKUPS_PER_HOUR``; the booking found is then held in the session for the cancel
and reschedule buttons, so the code is not posted again with every step.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core.challenge import new_challenge
from core.http import rate_limited

from . import service
from .models import Booking, BookingSchedule, BookingState, OutOfHoursRequest, ServiceGroup
from .public_forms import AfterHoursForm, BookForm, LookupForm

RECEIPT_KEY = "appointments_receipt"
MINE_KEY = "appointments_mine"
MINE_SECONDS = 900


def _render(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    response = TemplateResponse(request, template, {"page": page, "self": page, **context}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _url(page, name: str = "index") -> str:
    return page.url + page.reverse_subpage(name)


def _with_challenge(form):
    question, token = new_challenge()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["challenge_token"] = token
        form.data["challenge_answer"] = ""
    else:
        form.initial["challenge_token"] = token
    return question


def _add_error(form, error: service.BookingError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "date" and "slot" in form.fields:
        field = "slot"
    form.add_error(field, error.message)


def open_halls():
    from halls.models import Hall

    return (
        Hall.public_queryset()
        .filter(booking_schedule__is_active=True, service_groups__is_active=True)
        .distinct()
        .order_by("sort_order", "code")
    )


def group_matters(groups: list[ServiceGroup]) -> dict[int, list]:
    """Group id → the public matters it takes bookings for (two queries for all groups)."""
    from matters.models import Matter

    through = Matter.windows.through
    wanted: dict[int, set[int]] = {g.pk: set() for g in groups}
    window_groups: dict[int, list[int]] = {}
    for group_id, window_id in ServiceGroup.windows.through.objects.filter(servicegroup__in=groups).values_list(
        "servicegroup_id", "window_id"
    ):
        window_groups.setdefault(window_id, []).append(group_id)
    for window_id, matter_id in through.objects.filter(window__in=window_groups).values_list("window_id", "matter_id"):
        for group_id in window_groups[window_id]:
            wanted[group_id].add(matter_id)
    for group_id, matter_id in ServiceGroup.matters.through.objects.filter(servicegroup__in=groups).values_list(
        "servicegroup_id", "matter_id"
    ):
        wanted[group_id].add(matter_id)
    every = {m.pk: m for m in Matter.public_queryset().filter(pk__in=set().union(*wanted.values())).order_by("name")}
    return {gid: sorted((every[m] for m in ids if m in every), key=lambda m: m.name) for gid, ids in wanted.items()}


def _day_summaries(schedule, group, days, at) -> list[dict]:
    summaries = []
    for day in days:
        slots = service.slots_for(schedule, [group], day, at)[group.pk]
        free = sum(s.free for s in slots)
        summaries.append({"date": day, "free": free, "name": _holiday_note(day)})
    return summaries


def _holiday_note(day: datetime.date) -> str:
    """调休上班 when a weekend day is a working day (a make-up day)."""
    return "调休上班" if day.weekday() >= 5 else ""


def book(page, request):
    halls = list(open_halls())
    at = service.now()
    params = request.POST if request.method == "POST" else request.GET
    context: dict = {
        "halls": halls,
        "step": "hall",
        "no_show_rule": (
            f"{settings.APPOINTMENTS_NO_SHOW_PERIOD_DAYS} 天内爽约 {settings.APPOINTMENTS_NO_SHOW_LIMIT} 次，"
            f"将暂停网上预约 {settings.APPOINTMENTS_BLOCK_DAYS} 天。"
        ),
    }
    code = (params.get("hall") or "")[:40]
    hall = next((h for h in halls if h.code == code), None)
    if hall is None:
        if code:
            context["notice"] = "该大厅不存在或暂未开放预约，请重新选择。"
        return _render(request, page, "appointments/book.html", context)
    schedule = BookingSchedule.objects.get(hall=hall)
    groups = list(ServiceGroup.objects.filter(hall=hall, is_active=True).order_by("sort_order", "pk"))
    matters = group_matters(groups)
    context.update(
        hall=hall, schedule=schedule, step="matter", group_rows=[(g, matters[g.pk]) for g in groups if matters[g.pk]]
    )
    group = next((g for g in groups if str(g.pk) == params.get("group", "")), None)
    matter = None
    if group is not None:
        matter = next((m for m in matters[group.pk] if str(m.pk) == params.get("matter", "")), None)
    if group is None or matter is None:
        return _render(request, page, "appointments/book.html", context)
    days = service.bookable_days(schedule, at)
    context.update(group=group, matter=matter, step="date", days=_day_summaries(schedule, group, days, at))
    try:
        day = datetime.date.fromisoformat(params.get("date", ""))
    except ValueError:
        day = None
    if day not in days:
        if day is not None:
            context["notice"] = "该日期不开放预约（休息日、法定节假日或超出可预约天数），请重新选择。"
        return _render(request, page, "appointments/book.html", context)
    slots = service.slots_for(schedule, [group], day, at)[group.pk]
    context.update(day=day, step="slot", slots=slots, full=not any(s.free for s in slots))
    if request.method == "POST":
        if rate_limited(request, "appointments-book", settings.APPOINTMENTS_BOOKINGS_PER_HOUR):
            return _render(request, page, "appointments/limited.html", {}, status=429)
        form = BookForm(request.POST, slots=slots)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = service.book(
                    group=group,
                    matter=matter,
                    day=day,
                    start=data["slot"],
                    name=data["name"],
                    phone=data["phone"],
                    at=at,
                )
            except service.BookingError as error:
                _add_error(form, error)
            else:
                request.session[RECEIPT_KEY] = booking.pk
                return redirect(_url(page, "receipt"))
        # The slots may have changed meanwhile: offer what is free now.
        slots = service.slots_for(schedule, [group], day, at)[group.pk]
        form.fields["slot"].choices = BookForm(slots=slots).fields["slot"].choices
        context.update(slots=slots, full=not any(s.free for s in slots))
    else:
        form = BookForm(slots=slots)
    context.update(form=form, question=_with_challenge(form))
    return _render(request, page, "appointments/book.html", context, status=200)


def receipt(page, request):
    pk = request.session.get(RECEIPT_KEY)
    booking = Booking.objects.select_related("hall", "group", "matter").filter(pk=pk).first() if pk else None
    if booking is None:
        return redirect(_url(page, "mine"))
    windows = list(booking.group.windows.order_by("sort_order", "number"))
    return _render(request, page, "appointments/receipt.html", {"booking": booking, "windows": windows})


# ---- 我的预约 -------------------------------------------------------------------------------------


def _held(request) -> tuple[Booking | None, OutOfHoursRequest | None]:
    held = request.session.get(MINE_KEY) or {}
    if held.get("expires", 0) < time.time():
        return None, None
    if held.get("kind") == "booking":
        return Booking.objects.select_related("hall", "group", "matter").filter(pk=held.get("pk")).first(), None
    if held.get("kind") == "request":
        return None, OutOfHoursRequest.objects.select_related("hall", "matter").filter(pk=held.get("pk")).first()
    return None, None


def _hold(request, kind: str, pk: int) -> None:
    request.session[MINE_KEY] = {"kind": kind, "pk": pk, "expires": time.time() + MINE_SECONDS}


def mine(page, request):
    at = service.now()
    context: dict = {"form": LookupForm(), "looked_up": False, "at": at}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("cancel", "reschedule", "pick"):
        booking, _ = _held(request)
        if booking is None:
            context["notice"] = "查询已过期，请重新输入预约码和手机号码。"
            return _render(request, page, "appointments/mine.html", context)
        context.update(looked_up=True, booking=booking)
        try:
            if action == "cancel":
                service.cancel(booking, at=at)
                context["done"] = "预约已取消，名额已释放。"
            elif action == "reschedule":
                day = datetime.date.fromisoformat(request.POST.get("date", ""))
                start = datetime.time.fromisoformat(request.POST.get("slot", ""))
                service.reschedule(booking, day=day, start=start, at=at)
                context["done"] = f"已改约到 {booking.date:%Y年%-m月%-d日} {booking.start:%H:%M}-{booking.end:%H:%M}。"
        except ValueError:
            context["error"] = "请选择新的日期和时段。"
        except service.BookingError as error:
            context["error"] = error.message
        booking.refresh_from_db()
        context.update(_booking_context(booking, request.POST.get("date", ""), at))
        return _render(request, page, "appointments/mine.html", context)
    if request.method == "POST":
        if rate_limited(request, "appointments-lookup", settings.APPOINTMENTS_LOOKUPS_PER_HOUR):
            return _render(request, page, "appointments/limited.html", {}, status=429)
        form = LookupForm(request.POST)
        context["form"] = form
        if form.is_valid():
            context["looked_up"] = True
            code, phone = form.cleaned_data["code"], form.cleaned_data["phone"]
            booking = service.find_booking(code, phone)
            found_request = None if booking else service.find_request(code, phone)
            if booking is not None:
                _hold(request, "booking", booking.pk)
                context.update(booking=booking, **_booking_context(booking, "", at))
            elif found_request is not None:
                _hold(request, "request", found_request.pk)
                context["ooh"] = found_request
            context["form"] = LookupForm()  # the code and phone are not echoed back
    elif request.GET.get("date"):
        booking, _ = _held(request)
        if booking is not None:
            context.update(looked_up=True, booking=booking, **_booking_context(booking, request.GET["date"], at))
    return _render(request, page, "appointments/mine.html", context)


def _booking_context(booking: Booking, picked: str, at) -> dict:
    """What the visitor may do with their booking: cancel, and reschedule to another day/slot."""
    may_change = booking.state == BookingState.BOOKED and booking.starts_at > at
    context = {"may_change": may_change, "events": list(booking.events.all())}
    if not may_change:
        return context
    schedule = BookingSchedule.objects.filter(hall_id=booking.hall_id).first()
    if schedule is None:
        return context
    days = service.bookable_days(schedule, at)
    context["days"] = days
    try:
        day = datetime.date.fromisoformat(picked)
    except ValueError:
        day = None
    if day in days:
        slots = service.slots_for(schedule, [booking.group], day, at)[booking.group_id]
        context.update(
            picked=day, new_slots=[s for s in slots if s.free and (day, s.start) != (booking.date, booking.start)]
        )
    return context


# ---- 延时预约 -------------------------------------------------------------------------------------


def after_hours(page, request):
    from matters.models import Matter

    halls = open_halls()
    matters = Matter.public_queryset().filter(windows__hall__in=halls).distinct().order_by("name")
    form = AfterHoursForm(request.POST or None, halls=halls, matters=matters)
    context: dict = {"created": None}
    if request.method == "POST":
        if rate_limited(request, "appointments-book", settings.APPOINTMENTS_BOOKINGS_PER_HOUR):
            return _render(request, page, "appointments/limited.html", {}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = service.submit_request(
                    hall=data["hall"],
                    matter=data["matter"],
                    requester_kind=data["requester_kind"],
                    organisation=data["organisation"],
                    name=data["name"],
                    phone=data["phone"],
                    wanted_date=data["wanted_date"],
                    wanted_time=data["wanted_time"],
                    reason=data["reason"],
                )
            except service.BookingError as error:
                _add_error(form, error)
            else:
                return _render(request, page, "appointments/after_hours.html", {"created": created})
    context.update(form=form, question=_with_challenge(form))
    return _render(request, page, "appointments/after_hours.html", context)
