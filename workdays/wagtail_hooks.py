from wagtail import hooks

from .viewsets import WorkingDayCalendarGroup

hooks.register("register_admin_viewset", WorkingDayCalendarGroup)
