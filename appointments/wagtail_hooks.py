from wagtail import hooks

from .viewsets import (
    MENU_HOOK,
    add_appointments_panel,
    register_appointment_admin_urls,
    register_appointments_menu,
    register_day_menu_item,
    register_group_viewset,
    register_requests_menu_item,
    register_schedule_viewset,
)

hooks.register("register_admin_urls", register_appointment_admin_urls)
hooks.register("register_admin_menu_item", register_appointments_menu)
hooks.register(MENU_HOOK, register_day_menu_item)
hooks.register(MENU_HOOK, register_requests_menu_item)
hooks.register("register_admin_viewset", register_schedule_viewset)
hooks.register("register_admin_viewset", register_group_viewset)
hooks.register("construct_homepage_panels", add_appointments_panel)
