"""Admin of the data interfaces (数据接口): registered terminals with their keys, and feeds.

Both are owned records under the one permission policy (``DepartmentOwnedModelViewSet``).
A terminal's key is shown once, in the response that issued it (at registration or rotation),
and never stored in clear; the edit page lists the keys and offers rotation and revocation.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup

import audit
from api import scopes as api_scopes
from audit import kinds as audit_kinds
from core.columns import LocalTimeColumn
from halls.viewsets import manageable_halls
from permissions.policy import policy_for
from permissions.viewsets import (
    MANAGE_ACTIONS,
    DepartmentOwnedModelViewSet,
    PolicyDeleteView,
    PolicyGuardMixin,
    guard_instance,
)

from . import service as terminals
from .forms import FeedForm, TerminalForm, feed_url, scope_labels
from .models import Feed, FeedSource, Terminal, TerminalKind

ROTATION_GRACE_HOURS = 24


def _actor(user) -> str:
    """Who issued a key, as Chinese names are written (surname first)."""
    return (f"{user.last_name}{user.first_name}".strip() or user.get_username())[:20]


# ---- the page that shows a new key, once ---------------------------------------------------------


class KeyIssuedView(WagtailAdminTemplateMixin, TemplateView):
    """Shows a key just issued. Rendered directly by the POST that issued it, never stored."""

    template_name = "terminals/admin/key_issued.html"
    page_title = "接口密钥"
    header_icon = "key"

    def get_page_subtitle(self):
        return self.terminal.name


def key_issued_response(request, terminal: Terminal, key: str, *, rotated: bool, viewset_urls: dict):
    view = KeyIssuedView()
    view.setup(request)
    view.terminal = terminal
    context = view.get_context_data(
        terminal=terminal,
        key=key,
        rotated=rotated,
        grace_hours=ROTATION_GRACE_HOURS,
        header=f"Authorization: Api-Key {key}",
        example_url=request.build_absolute_uri("/api/v1/matters/"),
        **viewset_urls,
    )
    response = view.render_to_response(context)
    response["Cache-Control"] = "no-store"
    return response


# ---- terminals ---------------------------------------------------------------------------------------


class TerminalFilterSet(WagtailFilterSet):
    stale = django_filters.BooleanFilter(label="失联（超过三个拉取间隔未访问）", method="filter_stale")
    kind = django_filters.ChoiceFilter(label="终端类型", choices=TerminalKind.choices)
    hall = django_filters.ModelChoiceFilter(label="所在大厅", queryset=manageable_halls)
    is_active = django_filters.BooleanFilter(label="启用")

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        stale = terminals.stale_terminals(queryset)
        return stale if value else queryset.exclude(pk__in=stale.values("pk"))

    class Meta:
        model = Terminal
        fields: list[str] = []


class TerminalStatusColumn(StatusTagColumn):
    def get_value(self, instance):
        if not instance.is_active:
            return "已停用"
        return "失联" if instance.is_stale else "正常"


class TerminalCreateView(generic.CreateView):
    """Registers the terminal, issues its first key and shows it once."""

    def form_valid(self, form):
        self.form = form
        with transaction.atomic():
            self.object = self.save_instance()
            key = terminals.issue_key(self.object, f"初始密钥（{_actor(self.request.user)}）")
            terminals.sync_service_user(self.object)
            # The key itself is never recorded: its terminal and its public prefix are.
            audit.record(
                audit_kinds.API_KEY_CREATED, request=self.request, obj=self.object, prefix=key.split(".", 1)[0]
            )
        return key_issued_response(
            self.request,
            self.object,
            key,
            rotated=False,
            viewset_urls={
                "edit_url": reverse(self.edit_url_name, args=[self.object.pk]),
                "index_url": reverse(self.index_url_name),
            },
        )


class TerminalEditView(PolicyGuardMixin, generic.EditView):
    """Edit; the page lists the keys with rotate and revoke buttons (separate POST forms)."""

    instance_actions = ("change",)
    template_name = "terminals/admin/terminal_edit.html"
    rotate_url_name = None
    revoke_url_name = None

    def save_instance(self):
        instance = super().save_instance()
        terminals.sync_service_user(instance)
        return instance

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        keys = list(self.object.keys.order_by("-created"))
        for key in keys:
            key.state = (
                "已吊销"
                if key.revoked
                else (
                    "已过期"
                    if key.expiry_date and key.expiry_date <= now
                    else ("过渡期" if key.expiry_date else "有效")
                )
            )
        context.update(
            keys=keys,
            rotate_url=reverse(self.rotate_url_name, args=[self.object.pk]),
            revoke_url=reverse(self.revoke_url_name, args=[self.object.pk]),
            grace_hours=ROTATION_GRACE_HOURS,
            scopes_label=scope_labels(self.object.scopes),
            service_user=self.object.service_user,
        )
        return context


class TerminalDeleteView(PolicyDeleteView):
    protected_message = "不能删除“{object}”。可以改为停用，停用后其密钥立即失效。"
    # Its service user is retired by the terminal's pre_delete signal (terminals.service).


class _KeyActionView(View):
    """POST-only actions on a terminal's keys; the record is loaded through the policy."""

    http_method_names = ["post"]
    edit_url_name = None
    index_url_name = None

    @cached_property
    def terminal(self) -> Terminal:
        terminal = get_object_or_404(Terminal, pk=self.kwargs["pk"])
        guard_instance(self.request.user, terminal, ("change",))
        return terminal

    def urls(self) -> dict:
        return {
            "edit_url": reverse(self.edit_url_name, args=[self.terminal.pk]),
            "index_url": reverse(self.index_url_name),
        }


class RotateKeysView(_KeyActionView):
    def post(self, request, pk):
        terminal = self.terminal
        privileged = api_scopes.user_scopes().intersection(terminal.scopes or [])
        if privileged and not policy_for(Terminal).user_has_permission_for_instance(request.user, "add", terminal):
            # A key that acts as a department owner goes only to someone who may create there.
            raise PermissionDenied
        if not terminal.is_active:
            messages.error(request, "终端已停用，请先启用再轮换密钥。")
            return redirect(self.edit_url_name, terminal.pk)
        key = terminals.rotate_keys(terminal, grace_hours=ROTATION_GRACE_HOURS, by=_actor(request.user))
        audit.record(
            audit_kinds.API_KEY_ROTATED,
            request=request,
            obj=terminal,
            prefix=key.split(".", 1)[0],
            grace_hours=ROTATION_GRACE_HOURS,
        )
        return key_issued_response(request, terminal, key, rotated=True, viewset_urls=self.urls())


class RevokeKeysView(_KeyActionView):
    def post(self, request, pk):
        count = terminals.revoke_keys(self.terminal)
        audit.record(audit_kinds.API_KEY_REVOKED, request=request, obj=self.terminal, revoked=count)
        if count:
            messages.success(request, f"已吊销“{self.terminal}”的全部 {count} 个密钥，该终端已无法访问接口。")
        else:
            messages.warning(request, f"“{self.terminal}”没有可吊销的密钥。")
        return redirect(self.edit_url_name, self.terminal.pk)


class TerminalViewSet(DepartmentOwnedModelViewSet):
    model = Terminal
    icon = "desktop"
    menu_label = "接入终端"
    name = "api-terminals"
    add_to_admin_menu = False
    add_view_class = TerminalCreateView
    edit_view_class = TerminalEditView
    delete_view_class = TerminalDeleteView
    list_display = [
        "name",
        "kind",
        Column("hall", label="所在大厅", accessor=lambda t: t.hall.name if t.hall else "—", sort_key="hall__name"),
        Column("department", label="所属部门", accessor="department.short_name"),
        Column("scopes", label="授权范围", accessor=lambda t: scope_labels(t.scopes)),
        LocalTimeColumn("last_seen_at", label="最后访问", empty="从未访问", sort_key="last_seen_at"),
        TerminalStatusColumn("status", label="状态", primary=lambda t: t.is_active and not t.is_stale),
    ]
    filterset_class = TerminalFilterSet
    search_fields = ["name", "contact"]
    search_backend_name = None
    ordering = ["department__sort_order", "name"]
    list_select_related = ("department", "hall")
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("department")]),
                    FieldPanel("hall"),
                    FieldPanel("contact"),
                ],
                heading="终端",
            ),
            MultiFieldPanel(
                [FieldPanel("scopes"), FieldRowPanel([FieldPanel("expected_interval"), FieldPanel("is_active")])],
                heading="授权与监测",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=TerminalForm,
    )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            rotate_url_name=self.get_url_name("rotate_keys"), revoke_url_name=self.get_url_name("revoke_keys"), **kwargs
        )

    def get_urlpatterns(self):
        action_kwargs = {"edit_url_name": self.get_url_name("edit"), "index_url_name": self.get_url_name("index")}
        return super().get_urlpatterns() + [
            path("keys/<int:pk>/rotate/", RotateKeysView.as_view(**action_kwargs), name="rotate_keys"),
            path("keys/<int:pk>/revoke/", RevokeKeysView.as_view(**action_kwargs), name="revoke_keys"),
        ]


# ---- feeds -------------------------------------------------------------------------------------------


class FeedFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(label="数据来源", choices=FeedSource.choices)
    requires_key = django_filters.BooleanFilter(label="需要接口密钥")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = Feed
        fields: list[str] = []


class FeedViewSet(DepartmentOwnedModelViewSet):
    model = Feed
    icon = "list-ul"
    menu_label = "数据订阅"
    name = "api-feeds"
    add_to_admin_menu = False
    list_display = [
        "title",
        Column("url", label="接口地址", accessor=feed_url),
        "source",
        Column("size", label="条数"),
        Column("department", label="所属部门", accessor="department.short_name"),
        BooleanColumn("requires_key", label="需要密钥"),
        BooleanColumn("is_active", label="启用"),
    ]
    filterset_class = FeedFilterSet
    search_fields = ["title", "slug", "description"]
    search_backend_name = None
    ordering = ["slug"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("source"), FieldPanel("department")]),
                ],
                heading="数据订阅",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("departments", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("halls", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("terms", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("matter_types", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("classifications", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("keyword"),
                ],
                heading="筛选条件",
                classname="collapsed",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("fields"),
                    FieldRowPanel([FieldPanel("ordering"), FieldPanel("size")]),
                    FieldRowPanel([FieldPanel("requires_key"), FieldPanel("is_active")]),
                ],
                heading="输出",
            ),
            FieldPanel("change_reason"),
        ],
        base_form_class=FeedForm,
    )


class DataInterfaceGroup(ViewSetGroup):
    menu_label = "数据接口"
    menu_icon = "link"
    menu_order = 820
    items = (TerminalViewSet, FeedViewSet)


# ---- dashboard -----------------------------------------------------------------------------------------


class StaleTerminalsPanel(Component):
    """Dashboard: active terminals the user manages that have stopped polling."""

    name = "stale_terminals"
    template_name = "terminals/admin/stale_terminals_panel.html"
    order = 60

    def __init__(self, request, stale):
        self.request = request
        self.stale = stale

    def get_context_data(self, parent_context=None):
        edit = TerminalViewSet.name + ":edit"
        rows = [
            {"terminal": t, "edit_url": reverse(edit, args=[t.pk])}
            for t in self.stale.select_related("hall", "department").order_by("last_seen_at")[:20]
        ]
        return {
            "rows": rows,
            "count": self.stale.count(),
            "index_url": reverse(TerminalViewSet.name + ":index") + "?stale=true",
        }


def add_stale_terminals_panel(request, panels) -> None:
    """The dashboard panel of stale terminals, for users who manage terminals."""
    policy = policy_for(Terminal)
    if not policy.user_has_any_permission(request.user, MANAGE_ACTIONS):
        return
    stale = terminals.stale_terminals(policy.instances_user_has_any_permission_for(request.user, MANAGE_ACTIONS))
    if stale.exists():
        panels.append(StaleTerminalsPanel(request, stale))
