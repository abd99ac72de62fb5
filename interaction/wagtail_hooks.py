from wagtail import hooks

from .viewsets import add_interaction_panel, register_interaction_admin_urls, register_interaction_menu_item

hooks.register("register_admin_urls", register_interaction_admin_urls)
hooks.register("register_admin_menu_item", register_interaction_menu_item)
hooks.register("construct_homepage_panels", add_interaction_panel)
