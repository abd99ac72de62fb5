from wagtail import hooks

from .dashboard import pending_reviews_first, without_english_guides
from .names import avatar_url
from .views import user_listing_buttons

hooks.register("register_user_listing_buttons", user_listing_buttons)
hooks.register("get_avatar_url", avatar_url)
hooks.register("construct_homepage_panels", pending_reviews_first)
hooks.register("construct_help_menu", without_english_guides)
