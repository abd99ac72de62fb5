"""Malformed admin requests are refusals with a message, never a server error (issue 14).

Some of Wagtail's admin views read a POST field or load a row without checking that it is there
(the page copy view reads ``new_parent_page`` before its form validates; the external link
chooser accepts an empty address and then fails on it). A request that lacks a required field
or names a row that does not exist is the client's fault: 400 or 404 with a message in Chinese,
logged at WARNING — not a 500 (GB/T 22239-2019 8.1.4.7 软件容错: 数据有效性检验).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.utils.datastructures import MultiValueDictKeyError
from wagtail.admin.views.chooser import ExternalLinkView
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from .choosers import CreationFormRequiredMixin

logger = logging.getLogger(__name__)

MISSING_FIELD = "请求缺少必填内容，未作任何修改。请返回页面重新填写后提交。"
NO_SUCH_ROW = "没有找到所请求的记录，它可能已被删除。"


class AdminBadRequestMiddleware:
    """Under ``/admin/``: a missing POST field is a 400, a missing row a 404 (both with a message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/admin/"):
            return None
        if isinstance(exception, MultiValueDictKeyError):
            response = HttpResponseBadRequest(MISSING_FIELD, content_type="text/plain; charset=utf-8")
        elif isinstance(exception, ObjectDoesNotExist):
            response = HttpResponseNotFound(NO_SUCH_ROW, content_type="text/plain; charset=utf-8")
        else:
            return None
        logger.warning("Malformed admin request %s %s: %r", request.method, request.path, exception)
        return response


class CheckedExternalLinkView(ExternalLinkView):
    """The external link chooser, refusing an empty address instead of failing on it."""

    def post(self, request):
        if not (request.POST.get(f"{self.form_prefix}-url") or "").strip():
            return HttpResponseBadRequest("请填写链接地址。", content_type="text/plain; charset=utf-8")
        return super().post(request)


class CheckedSnippetChooserCreateView(CreationFormRequiredMixin, snippet_chooser.SnippetCreateView):
    pass


class CheckedSnippetChooserViewSet(SnippetChooserViewSet):
    create_view_class = CheckedSnippetChooserCreateView
