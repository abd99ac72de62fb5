from wagtail import hooks

from .viewsets import add_stale_guides_panel, register_guide_admin_urls, register_guide_listings

hooks.register("register_admin_viewset", register_guide_listings)
hooks.register("register_admin_urls", register_guide_admin_urls)
hooks.register("construct_homepage_panels", add_stale_guides_panel)
