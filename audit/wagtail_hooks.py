from wagtail import hooks

from .viewsets import AuditEventViewSet

hooks.register("register_admin_viewset", AuditEventViewSet)
