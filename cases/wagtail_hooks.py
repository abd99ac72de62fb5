from wagtail import hooks

from .supervision_views import register_rates_menu_item, register_supervision_menu_item, register_supervision_urls
from .viewsets import register_case_admin_urls, register_cases_menu_item

hooks.register("register_admin_urls", register_case_admin_urls)
hooks.register("register_admin_menu_item", register_cases_menu_item)
# 电子监察、督办与办件统计
hooks.register("register_admin_urls", register_supervision_urls)
hooks.register("register_admin_menu_item", register_supervision_menu_item)
hooks.register("register_admin_menu_item", register_rates_menu_item)
