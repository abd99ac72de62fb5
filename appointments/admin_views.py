"""The admin's appointment screens: the day at a hall's desk, and the out-of-hours requests.

Every read and write asks the one policy (``policy_for(Booking)`` / ``policy_for(OutOfHoursRequest)``):
the hall department's roles, and — for bookings — the staff posted to the hall's windows. A
record the user may not see is a 404; one they may see but not change is a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

import audit
from audit import kinds as audit_kinds
from permissions.policy import policy_for

from . import service
from .models import Booking, BookingState, OutOfHoursRequest, RequestState

VIEW = ["view", "change"]


def booking_policy():
    return policy_for(Booking)


def request_policy():
    return policy_for(OutOfHoursRequest)


def visible_bookings(user):
    return booking_policy().instances_user_has_any_permission_for(user, VIEW)


def visible_requests(user):
    return request_policy().instances_user_has_any_permission_for(user, VIEW)


def desk_halls(user):
    """Halls whose bookings the user may see: their departments' halls and the halls they serve at."""
    from halls.models import Hall

    if user.has_perm("appointments.view_booking"):
        return Hall.objects.filter(booking_schedule__isnull=False).order_by("sort_order", "code")
    from permissions.policy import department_roles

    from .policy import desk_hall_ids

    departments = [d for d, actions in department_roles(user).items() if actions & set(VIEW)]
    return (
        Hall.objects.filter(booking_schedule__isnull=False)
        .filter(Q(department_id__in=departments) | Q(pk__in=desk_hall_ids(user)))
        .order_by("sort_order", "code")
    )


class DayForm(forms.Form):
    hall = forms.ModelChoiceField(label="大厅", queryset=None, empty_label=None)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, halls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = halls


class DayView(WagtailAdminTemplateMixin, TemplateView):
    """当日预约: a hall's bookings of one day by slot, with check-in and no-show at the desk."""

    template_name = "appointments/admin/day.html"
    page_title = "当日预约"
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not booking_policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        hall_choices = desk_halls(user)
        halls = list(hall_choices)
        today = service.now().date()
        data = self.request.GET.copy()
        data.setdefault("date", today.isoformat())
        if halls:
            data.setdefault("hall", str(halls[0].pk))
        form = DayForm(data, halls=hall_choices)
        hall = day = None
        if form.is_valid():
            hall, day = form.cleaned_data["hall"], form.cleaned_data["date"]
        elif halls:
            hall, day = halls[0], today
        rows, counts = [], {}
        if hall is not None:
            bookings = list(
                visible_bookings(user)
                .filter(hall=hall, date=day)
                .select_related("matter", "group")
                .order_by("start", "group__sort_order", "pk")
            )
            for booking in bookings:
                counts[booking.state] = counts.get(booking.state, 0) + 1
            policy = booking_policy()
            rows = [(b, policy.user_has_permission_for_instance(user, "change", b)) for b in bookings]
        context.update(
            form=form,
            hall=hall,
            day=day,
            rows=rows,
            total=len(rows),
            counts=[(label, counts.get(value, 0)) for value, label in BookingState.choices],
            now=service.now(),
        )
        return context


class BookingDetailView(WagtailAdminTemplateMixin, TemplateView):
    """One booking and its history (every event: who, when, what)."""

    template_name = "appointments/admin/booking_detail.html"
    header_icon = "date"

    def get_page_title(self):
        return f"预约 {self.booking.code}"

    def dispatch(self, request, *args, **kwargs):
        found = visible_bookings(request.user).select_related("hall", "group", "matter").filter(pk=kwargs["pk"])
        self.booking = found.first()
        if self.booking is None:
            raise Http404("没有该预约，或您无权查看。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        day = reverse("appointments_day") + f"?hall={self.booking.hall_id}&date={self.booking.date:%Y-%m-%d}"
        return [
            *super().get_breadcrumbs_items(),
            {"url": day, "label": "当日预约"},
            {"url": "", "label": self.booking.code},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            booking=self.booking,
            events=list(self.booking.events.select_related("actor")),
            may_act=booking_policy().user_has_permission_for_instance(self.request.user, "change", self.booking),
        )
        return context


class BookingActionView(View):
    """POST check_in / no_show / cancel for one booking; refusals come back as Chinese messages."""

    def post(self, request, pk: int):
        booking = visible_bookings(request.user).select_related("group").filter(pk=pk).first()
        if booking is None:
            raise Http404("没有该预约，或您无权查看。")
        if not booking_policy().user_has_permission_for_instance(request.user, "change", booking):
            raise PermissionDenied
        action = request.POST.get("action", "")
        actions = {
            "check_in": (service.check_in, "已签到"),
            "no_show": (service.mark_no_show, "已记为爽约"),
            "cancel": (service.cancel, "已取消，名额已释放"),
        }
        if action not in actions:
            messages.error(request, "未知的操作。")
        else:
            run, done = actions[action]
            try:
                run(booking, user=request.user)
            except service.BookingError as error:
                messages.error(request, f"预约 {booking.code}：{error.message}")
            else:
                messages.success(request, f"预约 {booking.code} {done}。")
        url = reverse("appointments_day") + f"?hall={booking.hall_id}&date={booking.date:%Y-%m-%d}"
        return redirect(url)


# ---- out-of-hours requests (延时预约申请) -------------------------------------------------------


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RequestState.choices])


class RequestIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "appointments/admin/request_index.html"
    page_title = "延时预约申请"
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        if not request_policy().user_has_any_permission(request.user, VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RequestFilterForm(self.request.GET or None)
        form.is_valid()
        queryset = visible_requests(self.request.user).select_related("hall", "matter", "department")
        if state := getattr(form, "cleaned_data", {}).get("state"):
            queryset = queryset.filter(state=state)
        page = Paginator(queryset.order_by("-created_at", "-pk"), 50).get_page(self.request.GET.get("p"))
        context.update(form=form, page_obj=page)
        return context


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="答复", choices=[("confirm", "确认安排"), ("decline", "未能安排")])
    arranged_at = forms.DateTimeField(
        label="安排时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    staff_note = forms.CharField(
        label="答复说明",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="确认时写到场安排（接待人员、入口），未能安排时写理由。",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


def load_request(user, pk: int) -> OutOfHoursRequest:
    found = visible_requests(user).select_related("hall", "matter", "decided_by").filter(pk=pk).first()
    if found is None:
        raise Http404("没有该申请，或您无权查看。")
    return found


class RequestDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "appointments/admin/request_detail.html"
    header_icon = "time"

    def get_page_title(self):
        return f"延时预约申请 {self.object.code}"

    def dispatch(self, request, *args, **kwargs):
        self.object = load_request(request.user, kwargs["pk"])
        self.may_decide = request_policy().user_has_permission_for_instance(request.user, "change", self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("appointments_requests"), "label": "延时预约申请"},
            {"url": "", "label": self.object.code},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.may_decide:
            # Whoever answers calls the requester back: the number in full, one audit event per view.
            audit.record(audit_kinds.PII_VIEW, request=self.request, obj=self.object, view="out_of_hours_request")
        context.update(
            item=self.object,
            may_decide=self.may_decide and self.object.state == RequestState.PENDING,
            show_phone=self.may_decide,
            form=form or DecideForm(initial={"revision": self.object.revision}),
            history=list(self.object.history.select_related("history_user").order_by("-history_date")[:20]),
        )
        return context

    def post(self, request, pk: int):
        if not self.may_decide:
            raise PermissionDenied
        form = DecideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.decide(
                    self.object,
                    confirm=data["decision"] == "confirm",
                    note=data["staff_note"],
                    arranged_at=data["arranged_at"],
                    user=request.user,
                    expected_revision=data["revision"],
                )
            except service.BookingError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, f"已答复申请 {self.object.code}。")
                return redirect("appointments_request", pk)
        return self.render_to_response(self.get_context_data(form=form))


# ---- the dashboard panel ---------------------------------------------------------------------


def dashboard_figures(user) -> dict:
    """Today's bookings by hall and state, and pending out-of-hours requests, for the user's halls."""
    today = service.now().date()
    rows: dict[int, dict] = {}
    for hall_id, hall_name, state in (
        visible_bookings(user)
        .filter(date=today)
        .values_list("hall_id", "hall__name", "state")
        .order_by("hall__sort_order")
    ):
        row = rows.setdefault(hall_id, {"hall": hall_name, "total": 0, "checked_in": 0, "no_show": 0, "waiting": 0})
        row["total"] += 1
        if state == BookingState.CHECKED_IN:
            row["checked_in"] += 1
        elif state == BookingState.NO_SHOW:
            row["no_show"] += 1
        elif state == BookingState.BOOKED:
            row["waiting"] += 1
    pending = visible_requests(user).filter(state=RequestState.PENDING).count()
    return {"halls": list(rows.values()), "pending": pending, "today": today}
