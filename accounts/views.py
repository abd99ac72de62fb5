"""Enrolment, verification, backup codes and the system administrator's reset (all in Chinese)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.admin.widgets import Button

from . import factors
from .forms import CodeForm, EnrolForm

NEW_CODES = "accounts_new_backup_codes"
LOGIN_URL = "wagtailadmin_login"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def _to(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _throttled(form, error: factors.Throttled) -> None:
    form.add_error(None, f"验证码错误次数过多，请在 {error.seconds} 秒后再试。")


@never_cache
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in: scan the QR code (or type the secret), confirm with a first code."""
    user = request.user
    if factors.has_factor(user):
        return redirect(_to("accounts_verify", request))
    device = factors.pending_totp(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if factors.confirm_enrolment(request, device, form.cleaned_data["code"]):
                request.session[NEW_CODES] = factors.new_backup_codes(user)
                return redirect(_to("accounts_backup_codes_shown", request))
            form.add_error("code", "验证码不正确，请核对手机时间后输入身份验证器当前显示的 6 位数字。")
        except factors.Throttled as error:
            _throttled(form, error)
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": factors.qr_svg(device),
            "secret": factors.grouped(factors.base32_secret(device)),
            "next": _next(request),
        },
    )


@never_cache
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def verify(request):
    """Later sign-ins: a code from the authenticator, or a backup code."""
    user = request.user
    if not factors.has_factor(user):
        return redirect(_to("accounts_enrol", request))
    if user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = factors.verify(request, user, form.cleaned_data["code"])
        except factors.Throttled as error:
            _throttled(form, error)
        else:
            if device is not None:
                if device.name == factors.BACKUP_NAME:
                    left = factors.remaining_backup_codes(user)
                    messages.warning(request, f"已使用一个备用验证码，还剩 {left} 个。用完前请重新生成。")
                return redirect(_next(request))
            form.add_error("code", "验证码不正确或已使用。")
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required(login_url=LOGIN_URL)
def backup_codes_shown(request):
    """The backup codes just made, shown this once (only their hashes are kept)."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect(_next(request))
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)})


@never_cache
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def new_backup_codes(request):
    """A verified user replaces their backup codes (the old ones stop working)."""
    if request.method == "POST":
        request.session[NEW_CODES] = factors.new_backup_codes(request.user)
        return redirect(reverse("accounts_backup_codes_shown"))
    return render(
        request, "accounts/new_backup_codes.html", {"remaining": factors.remaining_backup_codes(request.user)}
    )


@never_cache
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def reset(request, user_id: int):
    """A system administrator removes another user's second factor (recorded by the audit log)."""
    target = get_object_or_404(get_user_model(), pk=user_id)
    if not factors.may_reset(request.user, target):
        raise PermissionDenied("只有系统管理员可以重置其他用户的双因素认证。")
    if request.method == "POST":
        factors.reset(target, actor=request.user, request=request)
        messages.success(
            request, f"已重置用户“{target.get_username()}”的双因素认证，该用户下次登录时需重新绑定身份验证器。"
        )
        return redirect(reverse("wagtailusers_users:index"))
    return render(request, "accounts/reset.html", {"target": target, "enrolled": factors.has_factor(target)})


def user_listing_buttons(user, request_user):
    """The users list's 重置双因素认证 action, for those who may reset it."""
    if factors.may_reset(request_user, user):
        yield Button("重置双因素认证", url=reverse("accounts_reset", args=[user.pk]), icon_name="key", priority=90)
