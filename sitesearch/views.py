"""The public search page: /search/?q=…&kind=…&department=…&page=…

Within the visitor's 区划 (``permissions.regions.request_region``: the 区划 switch, or the
sub-site's): records owned by the region's departments and those below it; pages everywhere.
One entry per matter with its copies at several levels and its guide (``engine.group_entries``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from permissions.models import Department
from permissions.regions import region_department_ids, region_label, request_region

from . import analysis, engine

MAX_QUERY_LENGTH = 50
PER_KIND_OVERVIEW = 5  # hits per kind on the 全部 tab
PER_PAGE = 10  # hits per page on a kind's tab
POPULAR = ("营业执照", "身份证", "社保", "结婚登记", "开饭店", "退休", "信息公开申请", "yyzz")
TIPS = (
    "检查有没有错别字，或者换一个常用的说法，例如“身份证”“营业执照”。",
    "可以只输入关键的几个字，例如“食品经营”。",
    "可以输入拼音或拼音首字母，例如“yingyezhizhao”或“yyzz”。",
    "繁体字也可以搜索，例如“營業執照”。",
    "按部门筛选时结果会少一些，可以改为“全部部门”。",
)


class SearchForm(forms.Form):
    """What a visitor searches for; a bad kind, department or page number is ignored."""

    q = forms.CharField(
        label="搜索关键词",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"关键词太长了（最多{MAX_QUERY_LENGTH}个字），请只输入最关键的几个词。"},
    )
    kind = forms.ChoiceField(label="类别", required=False, choices=lambda: [("", "全部"), *engine.KIND_LABELS.items()])
    department = forms.ModelChoiceField(
        label="部门", required=False, empty_label="全部部门", queryset=Department.objects.active()
    )

    def __init__(self, *args, region_ids: set[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_ids is not None:  # only the departments of the visitor's 区划 can be chosen
            field = self.fields["department"]
            field.queryset = field.queryset.filter(pk__in=region_ids)
        self.fields["q"].widget.attrs.update({"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off", "type": "search"})

    def value(self, name: str):
        """The cleaned value of a field, or empty when it was not valid."""
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name)


def _url(**params) -> str:
    return reverse("search") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    region = request_region(request)
    region_ids = region_department_ids(region)
    form = SearchForm(request.GET or None, region_ids=region_ids)
    if form.is_bound:
        form.is_valid()
    query = (form.value("q") or "").strip()
    kind = form.value("kind") or ""
    department = form.value("department")
    context = {
        "form": form,
        "query": query,
        "kind": kind,
        "department": department,
        "region": region,
        "region_name": region_label(region),
        "popular": [(word, _url(q=word)) for word in POPULAR],
        "tips": TIPS,
        "max_length": MAX_QUERY_LENGTH,
        "breadcrumbs": [("站内搜索", "")],
    }
    if not analysis.compact(analysis.normalise(query)):  # nothing, or only spaces and punctuation
        context["query"] = ""
        return render(request, "sitesearch/search.html", context)

    result = engine.group_entries(engine.search(query, department=department, region_ids=region_ids))
    department_pk = department.pk if department else None
    tabs = [
        {"kind": kind_, "label": label, "count": count, "url": _url(q=query, kind=kind_, department=department_pk)}
        for kind_, label, count in [
            ("", "全部", result.total),
            *((g.kind, g.label, g.count) for g in result.groups.values()),
        ]
    ]
    page_obj = None
    if kind and kind in result.groups:
        group = result.groups[kind]
        page_obj = Paginator(group.ranked, PER_PAGE).get_page(request.GET.get("page"))
        engine.build_hits(group, result.plan, request, page_obj.start_index() - 1, page_obj.end_index())
        shown = [group]
    else:
        kind = ""
        shown = [g for g in result.groups.values() if g.count]
        for group in shown:
            engine.build_hits(group, result.plan, request, 0, PER_KIND_OVERVIEW)
            group.more_url = _url(q=query, kind=group.kind, department=department_pk)
    context.update(
        kind=kind,
        result=result,
        tabs=tabs,
        groups=shown,
        page_obj=page_obj,
        page_url=_url(q=query, kind=kind, department=department_pk),
        # the whole city's results: the switch's "全市" (?region= empty), not on a sub-site (fixed)
        city_url="" if getattr(request, "portal_region_fixed", False) else _url(q=query, kind=kind) + "&region=",
        suggestion_url=_url(q=result.suggestion) if result.suggestion else "",
    )
    return render(request, "sitesearch/search.html", context)
