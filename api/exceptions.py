"""DRF's exception handler with Chinese messages where DRF's own are English or vague."""

from __future__ import annotations

import math

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        detail = f"请求过于频繁，请在 {wait} 秒后重试。" if wait else "请求过于频繁，请稍后重试。"
        exc = exceptions.Throttled(wait=exc.wait, detail=detail)
    elif isinstance(exc, exceptions.NotAuthenticated) and str(exc.detail) == str(
        exceptions.NotAuthenticated.default_detail
    ):
        exc = exceptions.NotAuthenticated("需要身份认证：请在 Authorization 头中提供“Api-Key <密钥>”或登录。")
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc = exceptions.MethodNotAllowed(exc.args[0] if exc.args else "", detail="该接口不支持此请求方法。")
    elif isinstance(exc, exceptions.NotAcceptable):
        exc = exceptions.NotAcceptable("该接口只返回 JSON，请使用 Accept: application/json。")
    return drf_exception_handler(exc, context)


def unknown_endpoint(request, *args, **kwargs):
    """Any /api/ path no endpoint answers: a JSON 404, not the portal's HTML page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"detail": "没有这个接口地址，请查阅 /api/docs/ 中的接口列表。"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
