from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.grants import register_department_section

        from .models import DisclosureIndexPage, DisclosureSectionPage

        register_department_section(DisclosureIndexPage, "政府信息公开", "xxgk", DisclosureSectionPage)
        _register_report_column()

        from permissions.policy import register_owned_model

        from . import index_numbers
        from .models import DisclosureRequest

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for requests.
        register_owned_model(DisclosureRequest)
        index_numbers.connect_signals()
        _connect_calendar()


REPORT_PAGE_RIGHTS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def _register_report_column() -> None:
    """The annual-report column, kept by the disclosure office (政务公开办编辑) and by nobody else."""
    from permissions.grants import register_role_page
    from permissions.roles import DISCLOSURE_EDITOR

    from .models import AnnualReportIndexPage, AnnualReportPage, DisclosureIndexPage

    def adopt(column) -> None:
        # Reports made before the column existed sat directly under the disclosure index.
        for report in AnnualReportPage.objects.child_of(column.get_parent()):
            report.move(column, pos="last-child")

    register_role_page(
        DISCLOSURE_EDITOR.key,
        DisclosureIndexPage,
        AnnualReportIndexPage,
        "政府信息公开工作年度报告",
        "ndbg",
        REPORT_PAGE_RIGHTS,
        adopt=adopt,
    )


def _connect_calendar() -> None:
    """Entering a year's holidays (or correcting one) recomputes every request's clock.

    ``calendar_changed`` is sent once after the commit of whatever changed the calendar; requests
    whose dates were estimated (预计) get the official ones, each change kept in their history.
    """
    from workdays.service import calendar_changed

    def refresh(sender, **kwargs):
        from .request_flow import recompute_all

        recompute_all()

    calendar_changed.connect(refresh, weak=False, dispatch_uid="disclosure-recompute-clocks")
