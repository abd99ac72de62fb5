from wagtail import hooks

from .views import user_listing_buttons

hooks.register("register_user_listing_buttons", user_listing_buttons)
