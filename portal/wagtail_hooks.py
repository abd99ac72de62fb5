from wagtail import hooks

from .viewsets import portal_department_chooser

hooks.register("register_admin_viewset", portal_department_chooser)
