"""Admin history for plain models tracked by django-simple-history.

Who changed what and why, a field-level comparison of any two versions, and revert to a
version (the revert is itself a recorded change with the acting user and a reason).
Used by every ModelViewSet of a history-tracked model through ``SimpleHistoryViewSetMixin``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import SnippetViewSet

HISTORY_TYPES = {"+": "新建", "~": "修改", "-": "删除"}


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def _tracked_fields(model) -> list[models.Field]:
    """The model's fields that its history keeps (excluded fields and the pk left out)."""
    kept = {f.name for f in model.history.model._meta.fields}
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name in kept]


def _is_automatic(field: models.Field) -> bool:
    return isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)


class _Display:
    """Turns stored values into what an editor reads (choice labels, related names, 是/否)."""

    def __init__(self) -> None:
        self._related: dict[tuple[type, Any], str] = {}

    def __call__(self, field: models.Field, value: Any) -> str:
        if value is None or value == "":
            return "（空）"
        if field.is_relation:
            key = (field.related_model, value)
            if key not in self._related:
                obj = field.related_model._default_manager.filter(pk=value).first()
                self._related[key] = str(obj) if obj is not None else f"（已删除 #{value}）"
            return self._related[key]
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return "是" if value else "否"
        if isinstance(field, models.DateTimeField):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return str(value)


def _value(record, field: models.Field) -> Any:
    return getattr(record, field.attname)


def diff_records(model, old, new, display: _Display | None = None) -> list[FieldChange]:
    """Field-level differences between two versions (either may be a live instance)."""
    display = display or _Display()
    changes = []
    for field in _tracked_fields(model):
        if _is_automatic(field):
            continue
        before = _value(old, field) if old is not None else None
        after = _value(new, field)
        if before != after:
            changes.append(
                FieldChange(field.name, str(field.verbose_name), display(field, before), display(field, after))
            )
    return changes


class _HistoryBase(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = None
    index_url_name = None
    edit_url_name = None
    history_url_name = None
    compare_url_name = None
    revert_url_name = None
    header_icon = "history"
    any_permission_required = ["change", "view"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(self.model._default_manager, pk=kwargs["pk"])

    def record(self, history_id):
        try:
            return self.object.history.get(history_id=int(history_id))
        except (TypeError, ValueError, self.model.history.model.DoesNotExist) as exc:
            raise Http404("没有这个历史版本。") from exc

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": reverse(self.edit_url_name, args=[self.object.pk]), "label": str(self.object)},
            {"url": reverse(self.history_url_name, args=[self.object.pk]), "label": "修改历史"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            history_url=reverse(self.history_url_name, args=[self.object.pk]),
            compare_url=reverse(self.compare_url_name, args=[self.object.pk]),
            edit_url=reverse(self.edit_url_name, args=[self.object.pk]),
            can_revert=self.user_has_permission("change"),
        )
        return context


class SimpleHistoryView(_HistoryBase):
    """Every version, newest first, with who, when, why and which fields changed."""

    template_name = "core/history/index.html"

    def get_page_title(self):
        return f"修改历史：{self.object}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = list(self.object.history.select_related("history_user").order_by("history_date", "history_id"))
        display = _Display()
        rows = []
        previous = None
        for record in records:
            rows.append(
                {
                    "record": record,
                    "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                    "changes": diff_records(self.model, previous, record, display),
                    "revert_url": reverse(self.revert_url_name, args=[self.object.pk, record.history_id]),
                }
            )
            previous = record
        rows.reverse()
        context["rows"] = rows
        return context


class SimpleHistoryCompareView(_HistoryBase):
    """Compare any two versions: ?old=<history id>&new=<history id> (new defaults to current)."""

    template_name = "core/history/compare.html"

    def get_page_title(self):
        return f"版本比较：{self.object}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        old = self.record(self.request.GET.get("old"))
        new_id = self.request.GET.get("new")
        new = self.record(new_id) if new_id else self.object.history.first()
        context.update(old=old, new=new, changes=diff_records(self.model, old, new))
        return context


class RevertForm(forms.Form):
    change_reason = forms.CharField(label="变更原因", max_length=100)


class SimpleHistoryRevertView(_HistoryBase):
    """Put a record back to an earlier version; the revert is itself a recorded change."""

    template_name = "core/history/revert.html"
    permission_required = "change"
    any_permission_required = None

    def get_page_title(self):
        return f"恢复到历史版本：{self.object}"

    @cached_property
    def target(self):
        return self.record(self.kwargs["history_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        when = timezone.localtime(self.target.history_date)
        form = kwargs.get("form") or RevertForm(initial={"change_reason": f"恢复到 {when:%Y-%m-%d %H:%M} 的版本"})
        context.update(
            target=self.target,
            form=form,
            changes=diff_records(self.model, self.object, self.target),
            action_url=reverse(self.revert_url_name, args=[self.object.pk, self.target.history_id]),
        )
        return context

    def revert_problems(self, instance) -> list[str]:
        """Reasons the reverted record may not be saved by this user (subclasses add rules)."""
        return []

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission("change"):
            raise PermissionDenied
        form = RevertForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        instance = self.object
        for field in _tracked_fields(self.model):
            if _is_automatic(field):
                continue
            setattr(instance, field.attname, _value(self.target, field))
        try:
            instance.full_clean()
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form))
        for message in self.revert_problems(instance):
            form.add_error(None, message)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        instance._change_reason = form.cleaned_data["change_reason"]
        with transaction.atomic():
            instance.save()
        messages.success(request, f"“{instance}”已恢复到所选版本，本次恢复已记入修改历史。")
        return redirect(self.history_url_name, instance.pk)


class SimpleHistoryViewSetMixin:
    """Give a ModelViewSet of a simple-history model the history, compare and revert views."""

    history_view_class = SimpleHistoryView
    history_compare_view_class = SimpleHistoryCompareView
    history_revert_view_class = SimpleHistoryRevertView

    def _history_kwargs(self):
        return {
            "model": self.model,
            # Snippet viewsets name their listing "list", model viewsets "index".
            "index_url_name": self.get_url_name("list" if isinstance(self, SnippetViewSet) else "index"),
            "edit_url_name": self.get_url_name("edit"),
            "history_url_name": self.get_url_name("history"),
            "compare_url_name": self.get_url_name("history_compare"),
            "revert_url_name": self.get_url_name("history_revert"),
        }

    @property
    def history_view(self):
        return self.history_view_class.as_view(**self._history_kwargs())

    @property
    def history_results_view(self):
        return self.history_view

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "history/<int:pk>/compare/",
                self.history_compare_view_class.as_view(**self._history_kwargs()),
                name="history_compare",
            ),
            path(
                "history/<int:pk>/revert/<int:history_id>/",
                self.history_revert_view_class.as_view(**self._history_kwargs()),
                name="history_revert",
            ),
        ]
