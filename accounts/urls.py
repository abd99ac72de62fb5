"""Mounted at ``admin/2fa/`` before Wagtail's admin URLs (cms/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("enrol/", views.enrol, name="accounts_enrol"),
    path("verify/", views.verify, name="accounts_verify"),
    path("backup-codes/", views.backup_codes_shown, name="accounts_backup_codes_shown"),
    path("backup-codes/new/", views.new_backup_codes, name="accounts_new_backup_codes"),
    path("reset/<int:user_id>/", views.reset, name="accounts_reset"),
]
