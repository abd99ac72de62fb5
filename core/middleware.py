"""Turn personal data that cannot be decrypted into a clear refusal, never a traceback.

When a view (or the template it renders, or an export it builds) touches an encrypted value that
no configured key opens (``core.pii.UndecryptableError``), the user gets HTTP 503 with the
operator's message in Chinese and the event is logged at ERROR for the administrators: which model
field, which path and user — never the ciphertext or any personal data. Nothing was written: the
value's ciphertext is kept by ``core.pii.EncryptedTextField`` (docs/personal-data.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .pii import OPERATOR_MESSAGE, UndecryptableError

logger = logging.getLogger("core.pii")


class UndecryptableDataMiddleware:
    """503 with the operator's message for ``UndecryptableError`` raised while answering a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UndecryptableError):
            return None
        user = getattr(request, "user", None)
        logger.error(
            "Personal data could not be decrypted (%s) at %s %s for user %s: check PII_ENCRYPTION_KEYS "
            "(manage.py rotate_pii_keys --check lists the rows)",
            exception.where or "an encrypted field",
            request.method,
            request.path,
            getattr(user, "pk", None),
        )
        if request.accepts("text/html"):
            body = loader.render_to_string("core/pii_undecryptable.html", {"message": OPERATOR_MESSAGE})
            response = HttpResponse(body, status=503)
        else:
            response = JsonResponse({"detail": OPERATOR_MESSAGE}, status=503)
        response["Cache-Control"] = "private, no-store"
        return response
