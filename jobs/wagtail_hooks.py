from wagtail import hooks

from .views import TaskRunViewSet, add_failed_tasks_panel

hooks.register("register_admin_viewset", TaskRunViewSet)
hooks.register("construct_homepage_panels", add_failed_tasks_panel)
