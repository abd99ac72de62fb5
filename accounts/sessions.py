"""Staff session limits and ending every session of a user.

GB/T 22239-2019 8.1.4.1 a)–b) (level 3): login sessions end after a period of inactivity
(``STAFF_SESSION_IDLE_SECONDS``, 30 minutes by default) and in any case after
``STAFF_SESSION_ABSOLUTE_SECONDS`` (12 hours) from sign-in; logging out ends the user's sessions
on every device (a ``SessionCutoff`` time after which only newer sign-ins count). A password
change ends every other session through Django's session hash (``update_session_auth_hash``
keeps only the session that changed it).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out

from .models import SessionCutoff

AUTH_AT = "accounts_auth_at"  # when this session signed in (epoch seconds)
SEEN_AT = "accounts_seen_at"  # the last request seen (written at most once a SEEN_EVERY)
SEEN_EVERY = 60  # seconds: the idle clock's resolution, so a session is not saved on every request

IDLE = "idle"
ABSOLUTE = "absolute"
ENDED = "ended"

NOTICES = {
    IDLE: "您已超过 {minutes} 分钟未操作，为保护账号安全已自动退出，请重新登录。",
    ABSOLUTE: "本次登录已超过 {hours} 小时，为保护账号安全已自动退出，请重新登录。",
    ENDED: "您的账号已在其他位置退出登录或被管理员重置，请重新登录。",
}


def now() -> float:
    return time.time()


def is_staff(user) -> bool:
    """Whoever can reach the admin: the staff the limits and the second factor apply to."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        moment = now()
        request.session[AUTH_AT] = moment
        request.session[SEEN_AT] = moment


def end_all_sessions(user, sender=None, request=None, **kwargs) -> None:
    """Every session of ``user`` signed in until now is over, on every device."""
    if user is None or not getattr(user, "pk", None):
        return
    SessionCutoff.objects.update_or_create(user=user, defaults={"not_before": now()})


def connect() -> None:
    user_logged_in.connect(stamp_login, dispatch_uid="accounts.stamp_login")
    user_logged_out.connect(end_all_sessions, dispatch_uid="accounts.end_all_sessions")


def expiry(request, user) -> str | None:
    """Why the signed-in session of ``request`` is over (IDLE, ABSOLUTE, ENDED), or None.

    Touches the idle clock of a session that goes on.
    """
    session = request.session
    auth_at = session.get(AUTH_AT)
    moment = now()
    if auth_at is None:
        # Signed in before these limits existed (or by a path that sent no user_logged_in).
        return ABSOLUTE if is_staff(user) else None
    cutoff = SessionCutoff.objects.filter(user=user).values_list("not_before", flat=True).first()
    if cutoff is not None and auth_at < cutoff:
        return ENDED
    if is_staff(user):
        if moment - auth_at > settings.STAFF_SESSION_ABSOLUTE_SECONDS:
            return ABSOLUTE
        seen_at = session.get(SEEN_AT, auth_at)
        if moment - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
            return IDLE
        if moment - seen_at >= SEEN_EVERY:
            session[SEEN_AT] = moment
    return None


def notice(reason: str) -> str:
    return NOTICES[reason].format(
        minutes=max(1, settings.STAFF_SESSION_IDLE_SECONDS // 60),
        hours=max(1, settings.STAFF_SESSION_ABSOLUTE_SECONDS // 3600),
    )
