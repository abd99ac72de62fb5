"""The working-day calendar as entered by staff: years and the days that differ from the plain week.

See ``workdays/service.py`` for how deadlines are counted on it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .service import MAX_YEAR, MIN_YEAR

CALENDAR_MIN_YEAR = MIN_YEAR
CALENDAR_MAX_YEAR = MAX_YEAR
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarYear(models.Model):
    """One year's official holiday schedule as entered by staff (published each November).

    A year the shipped package does not know counts only once it is marked complete, so a half-entered
    year cannot silently produce deadlines that ignore a holiday.
    """

    year = models.PositiveSmallIntegerField(
        "年份",
        unique=True,
        validators=[MinValueValidator(CALENDAR_MIN_YEAR), MaxValueValidator(CALENDAR_MAX_YEAR)],
        error_messages={"unique": "该年份已录入，请直接修改原记录。"},
    )
    is_complete = models.BooleanField(
        "已完整录入",
        default=False,
        help_text="该年全部法定节假日和调休上班日都已按国务院办公厅通知录入后再勾选；勾选后才按本表计算该年期限。",
    )
    source = models.CharField("依据文件", max_length=100, blank=True, help_text="如 国办发明电〔2026〕7号。")
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords(verbose_name="工作日历年度历史", table_name="cms_historicalcalendaryear")

    class Meta:
        db_table = "cms_calendaryear"  # moved from cms; the table and its rows stay
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"

    def clean(self) -> None:
        from .service import package_years

        if not self.is_complete or self.year is None or self.year in package_years():
            return
        errors = {}
        if not self.source.strip():
            errors["source"] = "标记为已完整录入时，请填写依据的国务院办公厅通知文号。"
        if not CalendarDay.objects.filter(date__year=self.year, kind=DayKind.HOLIDAY).exists():
            errors["is_complete"] = (
                f"{self.year}年还没有录入任何法定节假日，不能标记为已完整录入。请先在“节假日与调休”中录入该年安排。"
            )
        if errors:
            raise ValidationError(errors)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """A day whose status differs from the plain week: a holiday (放假) or a make-up working day.

    Applies on top of the shipped package in any year: to enter a year the package does not know,
    or to correct the package.
    """

    date = models.DateField("日期", unique=True, error_messages={"unique": "该日期已录入，请直接修改原记录。"})
    kind = models.CharField(
        "类型",
        max_length=10,
        choices=DayKind.choices,
        help_text="放假的日子（含调休放假的工作日）选“法定节假日”；调为上班的周六、周日选“调休上班”。",
    )
    name = models.CharField("节日名称", max_length=30, help_text="如 春节、国庆节；调休上班日填所调休的节日。")
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords(verbose_name="节假日与调休历史", table_name="cms_historicalcalendarday")

    class Meta:
        db_table = "cms_calendarday"  # moved from cms; the table and its rows stay
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"

    @property
    def weekday_label(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()] if self.date else ""

    def clean(self) -> None:
        from .service import package_is_working_day

        if self.date is None:
            return
        if not CALENDAR_MIN_YEAR <= self.date.year <= CALENDAR_MAX_YEAR:
            raise ValidationError({"date": f"工作日历只支持{CALENDAR_MIN_YEAR}年至{CALENDAR_MAX_YEAR}年的日期。"})
        if self.kind == DayKind.WORKDAY and self.date.weekday() < 5 and package_is_working_day(self.date):
            raise ValidationError(
                {
                    "kind": f"{self.date:%Y-%m-%d}是{self.weekday_label}，本来就是工作日，无需录入为调休上班。"
                    "调休上班只用于调为上班的周六、周日。"
                }
            )
