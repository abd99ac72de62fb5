from wagtail import hooks

from .viewsets import register_case_admin_urls, register_cases_menu_item

hooks.register("register_admin_urls", register_case_admin_urls)
hooks.register("register_admin_menu_item", register_cases_menu_item)
