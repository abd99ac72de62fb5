"""Choosers and choice lists the portal blocks offer editors.

Departments get a real chooser (a searchable modal, Wagtail's ``ChooserViewSet``); the small
vocabularies (themes, handling types, categories, halls) are drop-downs whose choices are read
when the form is built, so a new term or hall appears without a migration. Stored values are
primary keys (halls: their code), checked again when a block renders: a value deleted or
deactivated since is treated as "nothing matches", never as "no filter".
"""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.db.models import Q
from wagtail import blocks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from core.choosers import CheckedChooserCreateView
from permissions.models import Department, DepartmentLevel

# ---- departments -----------------------------------------------------------------------------


class DepartmentFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="名称",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "部门全称或简称"}),
    )
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部层级"), *DepartmentLevel.choices])

    def filter(self, objects):
        objects = super().filter(objects)
        if q := (self.cleaned_data.get("q") or "").strip():
            objects = objects.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
            self.is_searching, self.search_query = True, q
        if level := self.cleaned_data.get("level"):
            objects = objects.filter(level=level)
        return objects


class _DepartmentColumns:
    filter_form_class = DepartmentFilterForm

    @property
    def columns(self):
        columns = super().columns
        columns[0].label = "部门"
        return [*columns, Column("level", label="层级", accessor="get_level_display")]


class DepartmentChooseView(_DepartmentColumns, chooser_views.ChooseView):
    pass


class DepartmentChooseResultsView(_DepartmentColumns, chooser_views.ChooseResultsView):
    pass


class DepartmentChooserViewSet(ChooserViewSet):
    """A modal listing active departments, searchable by name and filterable by level."""

    model = Department
    icon = "group"
    choose_one_text = "选择部门"
    choose_another_text = "改选其他部门"
    edit_item_text = "查看部门"
    page_title = "选择部门"
    per_page = 20
    # Only the portal blocks use it: the other admin forms keep their own department fields.
    register_widget = False
    choose_view_class = DepartmentChooseView
    choose_results_view_class = DepartmentChooseResultsView
    create_view_class = CheckedChooserCreateView  # no creation form: "create" is refused, not a 500

    def get_object_list(self):
        return Department.objects.active().order_by("sort_order", "name")


department_chooser_viewset = DepartmentChooserViewSet("portal_department_chooser", url_prefix="portal/departments")

_BaseDepartmentChooserBlock = department_chooser_viewset.get_block_class(
    name="_BaseDepartmentChooserBlock", module_path="portal.blocks.choosers"
)


class DepartmentChooserBlock(_BaseDepartmentChooserBlock):
    """A department chosen in a block. Only active departments can be chosen; one deleted since
    comes back as an inactive stand-in, so the block shows nothing rather than everything."""

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=Department.objects.active(),
            widget=self.widget,
            required=self._required,
            help_text=self._help_text,
            error_messages={"invalid_choice": "所选部门不存在或已停用，请重新选择。"},
        )

    def bulk_to_python(self, values):
        ids = [_pk(v) for v in values]
        found = Department.objects.in_bulk([pk for pk in ids if pk is not None])
        return [None if pk is None else found.get(pk) or _deleted_department(pk) for pk in ids]

    def to_python(self, value):
        return self.bulk_to_python([value])[0]

    def value_from_form(self, value):
        # Saving the page again must not silently drop a department deleted since: keep the
        # stand-in, which validation then refuses with a message.
        if value is None or isinstance(value, Department):
            return value
        return self.to_python(value)


def _pk(value) -> int | None:
    if isinstance(value, Department):
        return value.pk
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _deleted_department(pk: int) -> Department:
    return Department(pk=pk, name="（已删除的部门）", short_name="已删除", is_active=False)


# ---- small vocabularies (callable choices: read when the form is built) ---------------------


class DynamicChoiceBlock(blocks.ChoiceBlock):
    """A drop-down whose choices come from the database.

    Wagtail's ChoiceBlock matches a stored value against its choices when the page loads, which
    for callable choices is one query per block; the stored text is what the block filters by
    anyway, so it is kept as it is and the choices are read only by the editing form.
    """

    def to_python(self, value):
        return value

    def bulk_to_python(self, values):
        return list(values)


class DynamicMultipleChoiceBlock(blocks.MultipleChoiceBlock):
    """Several choices from the database, kept as stored (see DynamicChoiceBlock)."""

    def to_python(self, value):
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else []

    def bulk_to_python(self, values):
        return [self.to_python(v) for v in values]


def _term_choices(vocabulary: str) -> list[tuple[str, str]]:
    from matters.models import Term

    return [
        (str(pk), name) for pk, name in Term.objects.of(vocabulary).order_by("sort_order").values_list("pk", "name")
    ]


def theme_choices() -> list:
    """Both theme lists, grouped, for one drop-down."""
    from matters.models import Vocabulary

    return [
        ("面向自然人主题", _term_choices(Vocabulary.NATURAL_THEME)),
        ("面向法人主题", _term_choices(Vocabulary.LEGAL_THEME)),
    ]


def handling_type_choices() -> list[tuple[str, str]]:
    from matters.models import Vocabulary

    return _term_choices(Vocabulary.HANDLING_TYPE)


def service_object_choices() -> list[tuple[str, str]]:
    from matters.models import Vocabulary

    return _term_choices(Vocabulary.SERVICE_OBJECT)


def online_depth_choices() -> list[tuple[str, str]]:
    from matters.models import Vocabulary

    return _term_choices(Vocabulary.ONLINE_DEPTH)


def category_choices() -> list[tuple[str, str]]:
    from disclosure.models import Classification, Facet

    return [(str(pk), name) for pk, name in Classification.objects.of(Facet.CATEGORY).values_list("pk", "name")]


def hall_choices() -> list[tuple[str, str]]:
    from halls.models import Hall

    return list(Hall.public_queryset().values_list("code", "name"))
