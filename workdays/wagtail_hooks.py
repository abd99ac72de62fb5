from wagtail import hooks

from .viewsets import WorkingDayCalendarGroup


@hooks.register("register_admin_viewset")
def register_working_day_calendar() -> WorkingDayCalendarGroup:
    return WorkingDayCalendarGroup()
