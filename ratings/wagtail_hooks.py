from wagtail import hooks

from .viewsets import add_ratings_panel, register_rating_admin_urls, register_ratings_menu_item

hooks.register("register_admin_urls", register_rating_admin_urls)
hooks.register("register_admin_menu_item", register_ratings_menu_item)
hooks.register("construct_homepage_panels", add_ratings_panel)
