"""预约: hall slots, bookings, check-in and no-shows, out-of-hours requests (docs/appointments.md).

A hall's department publishes a ``BookingSchedule`` (sessions, slot length, how many days ahead)
and ``ServiceGroup``s (a window group: the windows and matters it covers, places per slot). Slots
are computed from the schedule and the working-day calendar (``workdays.service``), never stored;
only the places taken are, one ``SlotCounter`` row per group, day and slot start, taken with a
conditional ``UPDATE`` in the same transaction as the booking (``appointments.service``).

Visitors' phone numbers are encrypted at rest with a keyed hash beside them (``core.pii``,
GB/T 39786-2021 level 3; 《个人信息保护法》 art. 51); a booking's history is its own
``BookingEvent`` rows (who, when, what), so no history table copies the phone number.
预约服务 outside working hours (《国务院办公厅关于加快推进政务服务标准化规范化便利化的指导意见》
国办发〔2022〕5号: 推行预约办、延时服务) is an ``OutOfHoursRequest`` the hall confirms or declines.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import new_lookup_code
from core.identity import masked_person_name
from core.pii import EncryptedTextField, is_undecryptable, keyed_hash, mask_phone
from permissions.models import DepartmentOwned

SESSION = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—~～至]\s*(\d{1,2}):(\d{2})\s*$")


new_code = new_lookup_code  # the name appointments' first migration refers to


def parse_sessions(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """ "09:00-12:00，13:30-17:00" → [(09:00, 12:00), (13:30, 17:00)]; ValidationError naming the problem."""
    sessions = []
    for part in re.split(r"[,，;；、\n]+", text or ""):
        if not part.strip():
            continue
        match = SESSION.match(part)
        if not match:
            raise ValidationError(f"“{part.strip()}”不是“开始-结束”时段，例如 09:00-12:00。")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationError(f"“{part.strip()}”的时间不正确。")
        start, end = datetime.time(h1, m1), datetime.time(h2, m2)
        if end <= start:
            raise ValidationError(f"“{part.strip()}”的结束时间应晚于开始时间。")
        if sessions and start < sessions[-1][1]:
            raise ValidationError("时段应按时间先后填写，且不能重叠。")
        sessions.append((start, end))
    if not sessions:
        raise ValidationError("请至少填写一个办公时段，例如 09:00-12:00，13:30-17:00。")
    return sessions


class BookingSchedule(DepartmentOwned):
    """How a hall takes bookings: its sessions, slot length and how many days ahead (one per hall)."""

    hall = models.OneToOneField(
        "halls.Hall", verbose_name="大厅", on_delete=models.CASCADE, related_name="booking_schedule"
    )
    sessions = models.CharField(
        "预约时段",
        max_length=200,
        default="09:00-12:00，13:30-17:00",
        help_text="工作日的办公时段，用逗号分隔，例如 09:00-12:00，13:30-17:00。节假日不开放，调休上班日开放。",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "每个时段（分钟）", default=30, help_text="例如 30：9:00-9:30、9:30-10:00……"
    )
    days_ahead = models.PositiveSmallIntegerField("可提前预约天数", default=7, help_text="含今天，最多 30 天。")
    is_active = models.BooleanField("开放预约", default=True)
    notes = models.CharField("预约须知", max_length=300, blank=True, help_text="显示在预约页，例如需携带的证件。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="预约设置历史")

    class Meta:
        verbose_name = "预约设置"
        verbose_name_plural = "预约设置"
        ordering = ["hall__sort_order", "hall__code"]

    def __str__(self) -> str:
        return f"{self.hall.name} 预约设置"

    def clean(self) -> None:
        super().clean()
        errors = {}
        try:
            parse_sessions(self.sessions)
        except ValidationError as error:
            errors["sessions"] = error.messages
        if not 5 <= (self.slot_minutes or 0) <= 240:
            errors["slot_minutes"] = ["每个时段应在 5 到 240 分钟之间。"]
        if not 1 <= (self.days_ahead or 0) <= 30:
            errors["days_ahead"] = ["可提前预约天数应在 1 到 30 天之间。"]
        if errors:
            raise ValidationError(errors)
        if self.hall_id:
            self.department_id = self.hall.department_id

    def save(self, *args, **kwargs) -> None:
        if self.hall_id:
            from halls.models import Hall

            self.department_id = Hall.objects.values_list("department_id", flat=True).get(pk=self.hall_id)
        super().save(*args, **kwargs)

    def slots(self) -> list[tuple[datetime.time, datetime.time]]:
        """The slots of one working day: each session cut into ``slot_minutes`` pieces (a short tail is dropped)."""
        result = []
        step = datetime.timedelta(minutes=self.slot_minutes)
        base = datetime.date(2000, 1, 1)
        for start, end in parse_sessions(self.sessions):
            at = datetime.datetime.combine(base, start)
            stop = datetime.datetime.combine(base, end)
            while at + step <= stop:
                result.append((at.time(), (at + step).time()))
                at += step
        return result


class ServiceGroup(DepartmentOwned):
    """A window group of a hall: the windows and matters it serves, and how many visitors per slot."""

    hall = models.ForeignKey("halls.Hall", verbose_name="大厅", on_delete=models.CASCADE, related_name="service_groups")
    name = models.CharField("分组名称", max_length=60, help_text="例如 商事登记、社保医保。")
    windows = models.ManyToManyField(
        "halls.Window",
        verbose_name="窗口",
        blank=True,
        related_name="service_groups",
        help_text="签到后到这些窗口办理；这些窗口的可办理事项都可预约到本组。",
    )
    matters = models.ManyToManyField(
        "matters.Matter",
        verbose_name="另加事项",
        blank=True,
        related_name="service_groups",
        help_text="窗口可办理事项以外，本组也接受预约的事项。",
    )
    capacity = models.PositiveSmallIntegerField("每时段可预约人数", default=2)
    is_active = models.BooleanField("开放预约", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="预约分组历史", m2m_fields=[windows, matters])

    class Meta:
        verbose_name = "预约分组"
        verbose_name_plural = "预约分组"
        ordering = ["hall__sort_order", "hall__code", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "name"],
                name="unique_service_group_name",
                violation_error_message="同一大厅已有同名分组。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hall.name}·{self.name}" if self.hall_id else self.name

    def clean(self) -> None:
        super().clean()
        if not 1 <= (self.capacity or 0) <= 200:
            raise ValidationError({"capacity": "每时段可预约人数应在 1 到 200 之间。"})

    def save(self, *args, **kwargs) -> None:
        if self.hall_id:
            from halls.models import Hall

            self.department_id = Hall.objects.values_list("department_id", flat=True).get(pk=self.hall_id)
        super().save(*args, **kwargs)

    def matter_ids(self) -> set[int]:
        """Every matter this group takes bookings for: its windows' matters and its own."""
        from matters.models import Matter

        through = Matter.windows.through
        ids = set(through.objects.filter(window__in=self.windows.all()).values_list("matter_id", flat=True))
        return ids | set(self.matters.values_list("pk", flat=True))


class SlotCounter(models.Model):
    """Places taken in one slot of one group on one day (only ever changed by conditional UPDATEs)."""

    group = models.ForeignKey(ServiceGroup, verbose_name="分组", on_delete=models.CASCADE, related_name="counters")
    date = models.DateField("日期")
    start = models.TimeField("开始时间")
    booked = models.PositiveSmallIntegerField("已预约", default=0)

    class Meta:
        verbose_name = "时段余量"
        verbose_name_plural = "时段余量"
        constraints = [models.UniqueConstraint(fields=["group", "date", "start"], name="unique_slot_counter")]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M} 已约{self.booked}"


class BookingState(models.TextChoices):
    BOOKED = "booked", "已预约"
    CANCELLED = "cancelled", "已取消"
    CHECKED_IN = "checked_in", "已签到"
    NO_SHOW = "no_show", "爽约"


class Booking(DepartmentOwned):
    """One visitor's booking of a matter in a slot of a group (owned by the hall's department).

    Rescheduling moves the booking (same code) to another slot; the move is a ``BookingEvent``.
    """

    code = models.CharField("预约码", max_length=8, unique=True, default=new_lookup_code, editable=False)
    hall = models.ForeignKey("halls.Hall", verbose_name="大厅", on_delete=models.PROTECT, related_name="bookings")
    group = models.ForeignKey(ServiceGroup, verbose_name="分组", on_delete=models.PROTECT, related_name="bookings")
    matter = models.ForeignKey("matters.Matter", verbose_name="事项", on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField("预约日期")
    start = models.TimeField("开始时间")
    end = models.TimeField("结束时间")
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("手机号码")
    phone_hash = models.CharField("手机号码摘要", max_length=64, editable=False, db_index=True)
    state = models.CharField("状态", max_length=12, choices=BookingState.choices, default=BookingState.BOOKED)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    reschedules = models.PositiveSmallIntegerField("改约次数", default=0)
    created_at = models.DateTimeField("预约时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["date", "start", "pk"]
        default_permissions = ("add", "change", "view")  # bookings are kept (no-shows count), never deleted
        constraints = [
            # One active booking per phone, matter and day (checked in the service, kept here under races).
            models.UniqueConstraint(
                fields=["phone_hash", "matter", "date"],
                condition=models.Q(state="booked"),
                name="unique_active_booking",
            )
        ]
        indexes = [models.Index(fields=["hall", "date", "state"]), models.Index(fields=["state", "date"])]

    def __str__(self) -> str:
        return f"{self.code} {self.date:%Y-%m-%d} {self.start:%H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not is_undecryptable(self.phone):
            self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        return cls._default_manager.none()  # no booking is public; the slots API gives counts only

    @property
    def masked_name(self) -> str:
        return masked_person_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start))

    @property
    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end))


class BookingEvent(models.Model):
    """One thing that happened to a booking: who (visitor, staff, terminal, the day's close), when, what."""

    booking = models.ForeignKey(Booking, verbose_name="预约", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    label = models.CharField("操作名称", max_length=30)
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人（显示）", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "预约记录"
        verbose_name_plural = "预约记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"


class RequestState(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DECLINED = "declined", "未能安排"


class RequesterKind(models.TextChoices):
    PERSON = "person", "个人"
    COMPANY = "company", "企业或其他组织"


class OutOfHoursRequest(DepartmentOwned):
    """预约服务 outside working hours (延时、节假日): asked by a visitor, confirmed or declined by the hall."""

    code = models.CharField("查询码", max_length=8, unique=True, default=new_lookup_code, editable=False)
    hall = models.ForeignKey(
        "halls.Hall", verbose_name="大厅", on_delete=models.PROTECT, related_name="out_of_hours_requests"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name="事项", on_delete=models.PROTECT, related_name="out_of_hours_requests"
    )
    requester_kind = models.CharField("申请人类型", max_length=8, choices=RequesterKind.choices)
    organisation = models.CharField("单位名称", max_length=100, blank=True)
    name = models.CharField("联系人", max_length=50)
    phone = EncryptedTextField("手机号码")
    phone_hash = models.CharField("手机号码摘要", max_length=64, editable=False, db_index=True)
    wanted_date = models.DateField("希望日期")
    wanted_time = models.TimeField("希望时间")
    reason = models.CharField("事由", max_length=500, help_text="例如 重点项目开工在即、节假日期间急需办理。")
    state = models.CharField("状态", max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    arranged_at = models.DateTimeField("安排时间", null=True, blank=True)
    staff_note = models.CharField(
        "答复说明", max_length=300, blank=True, help_text="确认时的到场安排，或未能安排的理由。"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("答复时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    revision = models.PositiveIntegerField("版本", default=0)

    history = HistoricalRecords(verbose_name="延时预约历史", excluded_fields=["phone", "phone_hash"])

    class Meta:
        verbose_name = "延时预约申请"
        verbose_name_plural = "延时预约申请"
        ordering = ["-created_at", "-pk"]
        default_permissions = ("add", "change", "view")
        indexes = [models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.wanted_date:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not is_undecryptable(self.phone):
            self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

    @classmethod
    def public_queryset(cls) -> models.QuerySet:
        return cls._default_manager.none()

    @property
    def masked_name(self) -> str:
        return masked_person_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


from .pages import AppointmentIndexPage  # noqa: E402,F401  (the portal column 预约服务)
