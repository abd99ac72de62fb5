"""Staff names in Chinese order, and avatars drawn from them (no image fetched from outside).

Django's ``User.get_full_name`` gives "名 姓" with a space ("敏 张"); Chinese staff are named
姓 then 名 without one ("张敏"). Wagtail shows ``get_full_name`` wherever it names a user (the
user listing, "by …" in histories and workflow panels, notification e-mails), so the one method is
replaced when the app is ready. Latin names ("Anna Smith") keep their order and space.

Avatars: without Gravatar (``WAGTAIL_GRAVATAR_PROVIDER_URL = None``: staff e-mail hashes are not
sent abroad) every user would get the same grey silhouette; the ``get_avatar_url`` hook gives each
the first character of their family name on a colour of their own, as an inline SVG ``data:`` URL
(the admin's CSP allows ``img-src data:``). An avatar uploaded in 账号设置 still wins.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.utils.html import escape

_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")
# Darker tones: white text on them keeps a contrast ratio above 4.5:1.
PALETTE = ("#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c", "#0f766e", "#4d7c0f", "#9d174d")


def full_name(user) -> str:
    """姓名 without a space for Chinese names; "first last" for Latin ones; "" when none is set."""
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if family and given and _LATIN.match(family) and _LATIN.match(given):
        return f"{given} {family}"
    return f"{family}{given}"


def _get_full_name(self) -> str:
    return full_name(self)


def use_chinese_name_order() -> None:
    """Make ``User.get_full_name`` give 姓名 (called from ``AccountsConfig.ready``). The short name
    (Wagtail's e-mail greeting, "{short name}，您好") is the full name too: a Chinese colleague is
    not greeted by the given name alone."""
    user_model = get_user_model()
    user_model.get_full_name = _get_full_name
    user_model.get_short_name = _get_full_name


def initial(user) -> str:
    """The character on the avatar: the family name's first, else the name's or username's."""
    for text in (user.last_name, user.first_name, user.get_username()):
        text = (text or "").strip()
        if text:
            return text[0].upper()
    return "?"


def avatar_data_url(user, size: int = 50) -> str:
    """An SVG circle with the user's initial, as a ``data:`` URL (no request to any server)."""
    colour = PALETTE[(user.pk or 0) % len(PALETTE)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<circle cx="50" cy="50" r="50" fill="{colour}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" fill="#fff" font-size="52" '
        'font-family="PingFang SC,Microsoft YaHei,Noto Sans CJK SC,sans-serif">'
        f"{escape(initial(user))}</text></svg>"
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def avatar_url(user, size: int = 50) -> str | None:
    """``get_avatar_url`` hook: the generated avatar unless the user uploaded one."""
    if not getattr(user, "pk", None):
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    return avatar_data_url(user, size)
