"""Admin forms of terminals and feeds."""

from __future__ import annotations

from django import forms

from api import scopes as api_scopes
from permissions.forms import DepartmentOwnedModelForm, group_choices
from permissions.policy import policy_for

from .feed_fields import available_fields
from .models import FeedSource, Terminal

# How a feed may be ordered: (value stored on the feed, label).
FEED_ORDERINGS = [
    ("-updated", "最近更新在前"),
    ("name", "按名称"),
    ("-published", "最新发布在前"),
]
FEED_MIN_SIZE = 1
FEED_MAX_SIZE = 200


class TerminalForm(DepartmentOwnedModelForm):
    """A terminal: what it is, where it stands, what its keys may do.

    Scopes that act as a department member (read drafts, write matters) may be granted only
    by someone who could create records in that department themselves.
    """

    default_reason_on_create = "登记接入终端"
    owned_choice_fields = {"hall": "change"}

    scopes = forms.MultipleChoiceField(
        label="授权范围",
        choices=api_scopes.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="读取公开数据无需授权。勾选“读取未发布事项”或“修改事项”时，终端以本部门内容维护员的身份访问接口。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._original_scopes = set(self.instance.scopes or []) if self.instance.pk else set()
        if "hall" in self.fields:
            self.fields["hall"].required = False
        if "expected_interval" in self.fields:
            self.fields["expected_interval"].min_value = 1
            self.fields["expected_interval"].widget.attrs["min"] = 1

    def clean_expected_interval(self):
        value = self.cleaned_data.get("expected_interval")
        if value is not None and value < 1:
            raise forms.ValidationError("预期拉取间隔至少为 1 分钟。")
        return value

    def clean(self):
        cleaned = super().clean()
        department = cleaned.get("department")
        scopes = set(cleaned.get("scopes") or [])
        privileged = scopes & api_scopes.user_scopes()
        unchanged = department is not None and department.pk == self._original_department_id
        if privileged and department is not None and self.for_user is not None:
            if unchanged and privileged <= self._original_scopes:
                return cleaned
            allowed = policy_for(Terminal).departments_for_action(self.for_user, "add")
            if not allowed.filter(pk=department.pk).exists():
                labels = api_scopes.labels(sorted(privileged))
                self.add_error(
                    "scopes",
                    f"授权“{labels}”后，终端将以{department.name}内容维护员的身份访问接口；"
                    "只有能在该部门新建内容的人员才能授予。",
                )
        return cleaned


class SourceFieldsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of output fields, one group per source; a small script shows only the group
    of the source chosen in the form (and disables the others, so they are not submitted).
    Without the script every group shows and the form still validates by source."""

    template_name = "terminals/admin/source_fields_widget.html"
    source_field = "source"

    class Media:
        js = ["terminals/admin/feed_form.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        sources = {str(label): value for value, label in FeedSource.choices}
        context["widget"]["source_groups"] = [
            {"source": sources.get(str(group), ""), "label": group, "options": options}
            for group, options, _ in context["widget"]["optgroups"]
        ]
        context["widget"]["source_field"] = self.source_field
        return context


def fields_of_source(source: str) -> list[tuple[str, str]]:
    """The (name, label) fields a feed of this source may pick; none for a source not served yet."""
    try:
        return list(available_fields(source))
    except LookupError:
        return []


def _field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """One group of (name, label) per source."""
    return [
        (label, [(name, f"{title}（{name}）") for name, title in fields_of_source(value)])
        for value, label in FeedSource.choices
    ]


class FeedForm(DepartmentOwnedModelForm):
    """A named feed: source, filters, output fields, ordering and size."""

    default_reason_on_create = "新建数据订阅"

    fields = forms.MultipleChoiceField(
        label="输出字段",
        required=False,
        widget=SourceFieldsWidget,
        help_text="只能选择所选数据来源的字段；不选表示输出该来源的全部字段。",
    )
    ordering = forms.ChoiceField(label="排序", choices=FEED_ORDERINGS, initial="-updated")
    size = forms.IntegerField(
        label="条数",
        initial=20,
        help_text=f"每页最多返回的条数（{FEED_MIN_SIZE}-{FEED_MAX_SIZE}）。",
        error_messages={"required": "请填写条数。", "invalid": "条数必须是整数。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _field_choices()
        self.fields["fields"].choices = choices
        self.fields["fields"].error_messages["invalid_choice"] = "“%(value)s”不是任何数据来源的可选字段。"
        for name, group in (
            ("terms", lambda t: t.get_vocabulary_display()),
            ("classifications", lambda c: c.get_facet_display()),
        ):
            if name in self.fields:
                group_choices(self.fields[name], group)

    def clean_size(self):
        size = self.cleaned_data.get("size")
        if size is None or not FEED_MIN_SIZE <= size <= FEED_MAX_SIZE:
            raise forms.ValidationError(f"条数必须在 {FEED_MIN_SIZE} 到 {FEED_MAX_SIZE} 之间。")
        return size

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        chosen = cleaned.get("fields") or []
        if source:
            valid = dict(fields_of_source(source))
            source_label = FeedSource(source).label
            for name in chosen:
                if name not in valid:
                    self.add_error("fields", f"“{name}”不是“{source_label}”数据来源的可选字段。")
        # Keep the order the source lists its fields in, without repeats.
        if source and "fields" in cleaned:
            order = [name for name, _ in fields_of_source(source)]
            cleaned["fields"] = [name for name in order if name in set(chosen)]
        return cleaned


def feed_url(feed) -> str:
    """Where the feed is served (the API's feed endpoint)."""
    return f"/api/v1/feeds/{feed.slug}/"


def scope_labels(scopes) -> str:
    return api_scopes.labels(scopes)
