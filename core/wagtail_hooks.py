"""Registrations only: the admin's shared behaviours script (core/admin_assets.py)."""

from wagtail import hooks

from .admin_assets import admin_behaviours_js

hooks.register("insert_global_admin_js", admin_behaviours_js)
