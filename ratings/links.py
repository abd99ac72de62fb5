"""Signed links to rate a case: printed as a QR code on the case's papers, offered on the progress page.

The token names the case and the channel and is signed (Django's signing, salted), so a number typed
into a URL cannot be rated by a stranger; it carries nothing personal. A QR code on paper does not
expire (the case can be rated once per channel whenever it is completed); the progress page's link is
valid for ``WEB_TOKEN_SECONDS``, the applicant having proved who they are by the lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing

from .models import RatingChannel

SALT = "ratings.case"
WEB_TOKEN_SECONDS = 7 * 24 * 3600


def make_token(case_id: int, channel: str) -> str:
    return signing.dumps({"c": case_id, "ch": channel}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    """(case id, channel) of a valid token; None when forged, mangled or expired."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("ch") not in (RatingChannel.QR, RatingChannel.WEB):
        return None
    if data["ch"] == RatingChannel.WEB:
        try:
            signing.loads(token, salt=SALT, max_age=WEB_TOKEN_SECONDS)
        except signing.SignatureExpired:
            return None
    case_id = data.get("c")
    return (case_id, data["ch"]) if isinstance(case_id, int) else None


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
