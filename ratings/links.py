"""Signed links to rate a case: printed as a QR code on the case's papers, offered on the progress page.

The token names the case and the channel and is signed (an HMAC of the secret key, salted), so a number typed
into a URL cannot be rated by a stranger; it carries nothing personal. A QR code on paper does not
expire (the case can be rated once per channel whenever it is completed); the progress page's link is
valid for ``WEB_TOKEN_SECONDS``, the applicant having proved who they are by the lookup.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from .models import RatingChannel

SALT = "ratings.case"
WEB_TOKEN_SECONDS = 7 * 24 * 3600
TOKEN = re.compile(r"^([0-9a-z]+)-(qr|web)-([0-9a-z]+)-([0-9a-f]{32})$")


def _mac(payload: str, secret: str) -> str:
    return salted_hmac(SALT, payload, secret=secret, algorithm="sha256").hexdigest()[:32]


def make_token(case_id: int, channel: str) -> str:
    """``<case id>-<channel>-<time>-<mac>``: only letters, digits and hyphens, as Wagtail's page URLs
    allow (Django's ``signing`` tokens carry a colon), signed with the secret key."""
    payload = f"{int_to_base36(case_id)}-{channel}-{int_to_base36(int(time.time()))}"
    return f"{payload}-{_mac(payload, settings.SECRET_KEY)}"


def read_token(token: str) -> tuple[int, str] | None:
    """(case id, channel) of a valid token; None when forged, mangled or expired. Tokens signed with a
    key in ``SECRET_KEY_FALLBACKS`` stay valid while it is kept there (docs/security.md)."""
    match = TOKEN.match(token or "")
    if match is None:
        return None
    case, channel, stamp, mac = match.groups()
    payload = f"{case}-{channel}-{stamp}"
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if not any(constant_time_compare(mac, _mac(payload, secret)) for secret in secrets):
        return None
    try:
        case_id, signed_at = base36_to_int(case), base36_to_int(stamp)
    except ValueError:
        return None
    if channel == RatingChannel.WEB and time.time() - signed_at > WEB_TOKEN_SECONDS:
        return None
    return case_id, channel


def rating_page():
    from .pages import RatingIndexPage

    return RatingIndexPage.objects.live().public().first()


def case_rating_path(case_id: int, channel: str, page=None) -> str:
    """The path of the rating form of a case, or "" without a live 好差评 page."""
    page = page if page is not None else rating_page()
    if page is None:
        return ""
    return page.url + page.reverse_subpage("rate_case", args=[make_token(case_id, channel)])


def rating_qr_link(case, absolute: Callable[[str], str]) -> tuple[str, str] | None:
    """The QR code printed on the case's papers (``cases.documents.register_document_link``)."""
    path = case_rating_path(case.pk, RatingChannel.QR)
    return ("扫码评价本次服务（办结后）", absolute(path)) if path else None
