"""Admin of the working-day calendar (工作日历): the years entered and their holidays and make-up days."""

from __future__ import annotations

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core.forms import HistoryReasonForm
from core.history import SimpleHistoryViewSetMixin

from .models import CalendarDay, CalendarYear, DayKind
from .service import package_years
from .views import YearScheduleViewSet


class CalendarYearForm(HistoryReasonForm):
    default_reason_on_create = "录入年度节假日安排"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shipped = package_years()
        self.fields[
            "is_complete"
        ].help_text += (
            f"系统已内置{shipped.start}年至{shipped.stop - 1}年的安排，这些年份无需勾选，录入的日期用于更正。"
        )


class CalendarDayForm(HistoryReasonForm):
    default_reason_on_create = "录入节假日安排"


def _entered_years() -> list[tuple[int, str]]:
    return [(d.year, f"{d.year}年") for d in CalendarDay.objects.dates("date", "year", order="DESC")]


class CalendarDayFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(label="年份", field_name="date__year", choices=_entered_years)
    kind = django_filters.ChoiceFilter(label="类型", choices=DayKind.choices)

    class Meta:
        model = CalendarDay
        fields = ["year", "kind"]


class CalendarYearViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = CalendarYear
    icon = "date"
    menu_label = "年度"
    name = "calendar-years"
    list_display = [
        "year",
        BooleanColumn("is_complete", label="已完整录入"),
        Column("day_count", label="已录入日期数"),
        "source",
    ]
    list_filter = ["is_complete"]
    ordering = ["-year"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("is_complete")]),
            FieldPanel("source"),
            FieldPanel("note"),
            FieldPanel("change_reason"),
        ],
        base_form_class=CalendarYearForm,
    )

    def get_queryset(self, request):
        days = (
            CalendarDay.objects.filter(date__year=OuterRef("year"))
            .order_by()
            .values("date__year")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return CalendarYear.objects.annotate(day_count=Coalesce(Subquery(days, output_field=IntegerField()), 0))


class CalendarDayViewSet(SimpleHistoryViewSetMixin, ModelViewSet):
    model = CalendarDay
    icon = "calendar-alt"
    menu_label = "节假日与调休"
    name = "calendar-days"
    list_display = ["date", Column("weekday_label", label="星期"), "kind", "name", "note"]
    filterset_class = CalendarDayFilterSet
    search_fields = ["name", "note"]
    search_backend_name = None
    ordering = ["-date"]
    list_per_page = 100
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
            FieldPanel("name"),
            FieldPanel("note"),
            FieldPanel("change_reason"),
        ],
        base_form_class=CalendarDayForm,
    )


class WorkingDayCalendarGroup(ModelViewSetGroup):
    menu_label = "工作日历"
    menu_icon = "date"
    menu_order = 850
    items = (YearScheduleViewSet, CalendarYearViewSet, CalendarDayViewSet)
