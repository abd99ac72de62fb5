"""``record()``: the one way a row enters the security audit log.

Who (the user, or the user name typed at a failed login), what (the kind), on which object (type,
id and a label that is never personal data), when, from where (``core.http.client_address``, the
one notion of the client's address: a forged ``X-Forwarded-For`` changes nothing) and with what
result — GB/T 22239-2019 8.1.4.3 b). ``detail`` is a small JSON object checked here: no key that
names personal data or a secret, only short scalars (《个人信息保护法》第五十一条: the log must not
become a second copy of the personal data it watches over).

A failure to record is not swallowed: an action that cannot be audited fails with it.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.http import HttpRequest

from core.http import client_address

from . import kinds
from .context import current_request
from .models import AuditEvent, Result

# Keys that would put personal data or a secret into ``detail``; record ids instead.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "password",
        "raw_password",
        "secret",
        "token",
        "key",
        "api_key",
        "otp",
        "otp_code",
        "id_number",
        "phone",
        "mobile",
        "email",
        "name",
        "address",
        "applicant",
        "credentials",
    }
)
MAX_TEXT = 200
MAX_DETAIL_CHARS = 100_000  # a few thousand record ids for a large export


class AuditDetailError(ValueError):
    """``detail`` would hold something an audit row must not (personal data, secrets, blobs)."""


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    obj=None,
    result: str = Result.SUCCESS,
    **detail: Any,
) -> AuditEvent:
    """Append one event to the security audit log and return it.

    - ``kind``: a key registered with ``audit.register_kind`` (``audit.kinds`` for the framework's).
    - ``request``: gives the client address and, unless ``user`` is given, the actor; when omitted,
      the request being served (``AuditContextMiddleware``) is used, if any.
    - ``user``: the actor — a user, or a ``str`` for a user name that matches no account (a failed
      login: the name as typed, never the password). Defaults to the request's authenticated user.
    - ``obj``: the object acted on — a model instance (type, pk and a safe label: its
      ``audit_label`` if it has one, a page's title, a user's user name, a group's name, else
      "<verbose name>#<pk>"; never ``str(obj)``, which may name a person), or a model class
      (type only, e.g. an export of many records whose ids go in ``detail``).
    - ``result``: "success", "failure" or "denied".
    - ``detail``: short JSON scalars or lists of them; no personal data (checked).
    """
    if not kinds.is_registered(kind):
        raise ValueError(f"unknown audit kind {kind!r}: register it with audit.register_kind()")
    if result not in Result.values:
        raise ValueError(f"audit result must be one of {Result.values}, not {result!r}")
    request = request if request is not None else current_request()
    actor, username = _actor(user, request)
    object_type, object_id, object_repr = _object(obj)
    event = AuditEvent(
        kind=kind,
        actor=actor,
        actor_username=username[:150],
        client_address=(client_address(request) or None) if request is not None else None,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:MAX_TEXT],
        result=result,
        detail=_checked(detail),
    )
    event.save()
    return event


def _actor(user, request):
    if isinstance(user, str):
        return None, user
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None, ""
    return user, user.get_username()


def safe_label(obj: models.Model) -> str:
    """A label for the object that names no person (see ``record``)."""
    from wagtail.models import Page

    label = getattr(obj, "audit_label", None)
    if label is not None:
        return str(label() if callable(label) else label)
    if isinstance(obj, Page):
        return obj.title
    if isinstance(obj, Group):
        return obj.name
    if isinstance(obj, Permission):
        return f"{obj.content_type.app_label}.{obj.codename}"
    if hasattr(obj, "get_username"):
        return obj.get_username()
    return f"{obj._meta.verbose_name}#{obj.pk}"


def _object(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, type) and issubclass(obj, models.Model):
        return obj._meta.label_lower, "", str(obj._meta.verbose_name)
    if isinstance(obj, models.Model):
        concrete = obj._meta.concrete_model
        # Pages are recorded as what they are (a guide, a section), not as wagtailcore.page.
        return concrete._meta.label_lower, str(obj.pk or "")[:64], safe_label(obj)
    raise TypeError(f"audit obj must be a model instance or class, not {type(obj).__name__}")


def _checked(detail: dict) -> dict:
    for key, value in detail.items():
        if key.lower() in FORBIDDEN_DETAIL_KEYS:
            raise AuditDetailError(f"audit detail key {key!r} could hold personal data or a secret")
        _check_value(key, value)
    if len(json.dumps(detail, ensure_ascii=False)) > MAX_DETAIL_CHARS:
        raise AuditDetailError("audit detail too large")
    return detail


def _check_value(key: str, value) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise AuditDetailError(f"audit detail {key!r}: text longer than {MAX_TEXT} characters")
        return
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, list | tuple | dict):
                raise AuditDetailError(f"audit detail {key!r}: lists hold scalars only")
            _check_value(key, item)
        return
    raise AuditDetailError(f"audit detail {key!r}: {type(value).__name__} is not allowed")
