"""Under ``make run`` (DEBUG on) visitors see the portal's own 404 and 500 pages, not Django's
debug pages with every URL pattern or a traceback (theme/middleware.py)."""

from __future__ import annotations

import pytest
from django.test import Client, modify_settings, override_settings

DEBUG_PAGES = modify_settings(MIDDLEWARE={"prepend": "theme.middleware.PortalErrorPagesMiddleware"})


@pytest.mark.urls("tests.theme.error_urls")
@override_settings(DEBUG=True)
@DEBUG_PAGES
def test_a_missing_page_and_a_failure_show_the_portal_pages_under_debug(db):
    client = Client(raise_request_exception=False)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert "页面不存在" in body and "URLconf" not in body and "Using the URLconf" not in body
    failed = client.get("/boom/")
    assert failed.status_code == 500
    assert "系统繁忙" in failed.content.decode()
    assert "测试用的错误" not in failed.content.decode() and "Traceback" not in failed.content.decode()


@pytest.mark.urls("tests.theme.error_urls")
@override_settings(DEBUG=True)
def test_without_the_middleware_django_shows_its_debug_page(db):
    """What the middleware replaces (so the test above cannot pass by accident)."""
    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404 and "URLconf" in missing.content.decode()
