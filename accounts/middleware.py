"""Staff sessions' time limits, and the second factor on every admin URL and staff API call.

Both come after django-otp's ``OTPMiddleware`` (which sets ``request.user.is_verified()``) and
Django's ``MessageMiddleware`` (the notices). GB/T 22239-2019 8.1.4.1 b) (session timeout) and
d) (two or more authentication techniques for administrators).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import factors, sessions

API_PREFIX = "/api/"
# Reachable with a password-only session: signing in and out, the password reset (a user who
# forgot the password is not signed in anyway), the enrolment and verification pages, and the
# two static assets Wagtail serves under /admin/ that those pages load (the icon sprite and the
# JavaScript translations: the same for everyone, no data).
EXEMPT_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "accounts_enrol",
        "accounts_verify",
        "accounts_backup_codes_shown",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    }
)
SECOND_FACTOR_REQUIRED = "请先完成双因素身份验证（动态验证码）后再访问。"


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


def with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def wants_json(request: HttpRequest) -> bool:
    """Admin calls made by scripts (Wagtail's admin API, choosers' fetches) get JSON, not a page."""
    if request.path_info.startswith(admin_prefix() + "api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def carries_terminal_key(request: HttpRequest) -> bool:
    """The request names a terminal key, which DRF's first authentication class then decides
    (``Authorization: Api-Key …`` or ``X-Api-Key``, as terminals.auth parses them): a session
    cookie beside it plays no part. Any other Authorization header leaves session auth in play."""
    keyword, found, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if found and key and keyword.lower() == "api-key":
        return True
    return bool(request.META.get("HTTP_X_API_KEY"))


class StaffSessionMiddleware:
    """Ends staff sessions idle past ``STAFF_SESSION_IDLE_SECONDS`` or older than
    ``STAFF_SESSION_ABSOLUTE_SECONDS``, and any session signed in before the user logged out
    elsewhere (``SessionCutoff``). An admin page then goes to the login with a notice in Chinese;
    elsewhere the request simply goes on signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = sessions.expiry(request, user)
            if reason:
                # Not auth.logout(): that would also end the user's sessions on other devices.
                request.session.flush()
                request.user = AnonymousUser()
                if request.path_info.startswith(admin_prefix()):
                    if wants_json(request):
                        return JsonResponse({"detail": sessions.notice(reason)}, status=401)
                    messages.warning(request, sessions.notice(reason))
                    return redirect(with_next(reverse("wagtailadmin_login"), request))
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session signed in with the password alone reaches no admin URL and no API call.

    HTML goes to enrolment (no factor yet) or verification; JSON gets 403. API requests that
    name a terminal key are the key's business, not the session's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if path.startswith(admin_prefix()):
            match = request.resolver_match
            if match is not None and match.view_name in EXEMPT_VIEWS:
                return None
            as_json = wants_json(request)
        elif path.startswith(API_PREFIX):
            if carries_terminal_key(request):
                return None
            as_json = True
        else:
            return None
        if user.is_verified():
            return None
        if as_json:
            return JsonResponse({"detail": SECOND_FACTOR_REQUIRED}, status=403)
        target = "accounts_verify" if factors.has_factor(user) else "accounts_enrol"
        return redirect(with_next(reverse(target), request))
