"""The public disclosure catalog (公开目录): filters and the listing shared by the column, each
department's section and each statutory category page."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from permissions.models import Department
from permissions.regions import in_region, region_department_ids, request_region

from .models import Classification, DisclosureDocumentPage, Facet, Validity
from .search import DOCUMENT_LIST_SEARCH, identified

PER_PAGE = 20


class YearField(forms.TypedChoiceField):
    """A select of the years that have documents; a year typed into the address is still a filter."""

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or (str(value).isdigit() and 2000 <= int(value) <= 2100)


class CatalogFilterForm(forms.Form):
    """What a visitor narrows the catalog by; every field optional, bad values ignored."""

    q = forms.CharField(label="关键词", required=False, max_length=50)
    body = forms.ModelChoiceField(
        label="发布机构", required=False, empty_label="全部机构", queryset=Department.objects.active()
    )
    category = forms.ModelChoiceField(
        label="组配分类", required=False, empty_label="全部", queryset=Classification.objects.of(Facet.CATEGORY)
    )
    topic = forms.ModelChoiceField(
        label="主题分类", required=False, empty_label="全部", queryset=Classification.objects.of(Facet.TOPIC)
    )
    genre = forms.ModelChoiceField(
        label="体裁分类", required=False, empty_label="全部", queryset=Classification.objects.of(Facet.GENRE)
    )
    year = YearField(label="发布年份", required=False, coerce=int, empty_value=None)
    validity = forms.ChoiceField(label="有效性", required=False, choices=[("", "全部"), *Validity.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年份"), *((y, f"{y}年") for y in publication_years())]

    def filter(self, queryset: QuerySet) -> QuerySet:
        self.is_valid()
        data = self.cleaned_data  # the valid fields only: a bad value drops its own filter, not the others
        if body := data.get("body"):
            queryset = queryset.filter(issuing_body=body)
        if category := data.get("category"):
            queryset = queryset.filter(categories=category)
        for field in ("topic", "genre", "validity"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("year"):
            queryset = queryset.filter(publication_date__year=data["year"])
        self.ranking = None
        if q := (data.get("q") or "").strip():
            self.ranking = ranked_ids(queryset, q)
            queryset = queryset.filter(pk__in=self.ranking)
        return queryset


def publication_years() -> list[int]:
    """The years the catalog has documents of, newest first (one query): the year filter offers
    only years that find something."""
    dates = DisclosureDocumentPage.catalog_queryset().dates("publication_date", "year", order="DESC")
    return [d.year for d in dates]


LITERAL_FIELDS = ("title", "document_number", "keywords", "index_number", "summary")


def ranked_ids(queryset: QuerySet, q: str) -> list[int]:
    """The documents of ``queryset`` the keyword ``q`` finds, most relevant first.

    A (part of a) document number or index number is a look-up: the documents carrying it, in
    the catalog's order. Otherwise the portal search's results (words, pinyin, initials,
    Traditional characters, synonyms; its relevance order), then the documents whose title,
    number, keywords or summary contain ``q`` literally, in the catalog's order. At most four
    queries (and the search vocabulary's, when its cache is cold), whatever the number of
    documents.
    """
    if (numbered := identified(queryset, q)) is not None:
        return numbered
    found = dict.fromkeys(DOCUMENT_LIST_SEARCH(queryset, q))
    literal = Q()
    for name in LITERAL_FIELDS:
        literal |= Q(**{f"{name}__icontains": q})
    found.update(dict.fromkeys(queryset.filter(literal).exclude(pk__in=list(found)).values_list("pk", flat=True)))
    return list(found)


def catalog_context(request, *, section=None, category=None) -> dict:
    """The filtered, paginated catalog (below ``section`` or in ``category`` when given).

    Across departments (no ``section``) only the documents issued in the visitor's 区划 (the
    header's switch, a sub-site's own) are listed; a department's own section lists all of its.
    """
    documents = DisclosureDocumentPage.catalog_queryset()
    region = request_region(request) if section is None else None
    documents = in_region(documents, region, field="issuing_body")
    if section is not None:
        documents = documents.child_of(section)
    if category is not None:
        documents = documents.filter(categories=category)
    data = request.GET.copy()
    data.pop("region", None)  # the switch's parameter, read by the site layer: not a filter
    form = CatalogFilterForm(data or None)
    if (region_ids := region_department_ids(region)) is not None:
        form.fields["body"].queryset = form.fields["body"].queryset.filter(pk__in=sorted(region_ids))
    if form.is_bound:
        documents = form.filter(documents)
    if getattr(form, "ranking", None) is not None:
        # A keyword search: pages of the documents in relevance order, loaded a page at a time.
        page = Paginator(form.ranking, PER_PAGE).get_page(request.GET.get("page"))
        loaded = documents.in_bulk(list(page.object_list))
        page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
    else:
        page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page_obj": page,
        "documents": page.object_list,
        "filtered": form.is_bound and form.has_changed(),
        "query_string": query.urlencode(),
    }
