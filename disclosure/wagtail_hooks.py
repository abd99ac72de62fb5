from wagtail import hooks

from .viewsets import (
    add_request_deadlines_panel,
    register_disclosure_viewsets,
    register_report_admin_urls,
    register_request_admin_urls,
    register_requests_menu_item,
    report_regenerate_button,
)

hooks.register("register_admin_viewset", register_disclosure_viewsets)
hooks.register("register_admin_urls", register_request_admin_urls)
hooks.register("register_admin_menu_item", register_requests_menu_item)
hooks.register("construct_homepage_panels", add_request_deadlines_panel)
hooks.register("register_admin_urls", register_report_admin_urls)
hooks.register("register_page_header_buttons", report_regenerate_button)
