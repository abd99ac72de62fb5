"""Content negotiation for views that answer JSON only.

DRF's ``DefaultContentNegotiation`` parses the ``Accept`` header into media types and orders them
by precedence on every request; for a 304 that was a tenth of the work. Terminals send no
``Accept``, ``*/*`` or ``application/json``, and then the answer is known without parsing: the one
renderer. Anything else (``text/html`` → 406, ``?format=``, parameters) goes through DRF's rules.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

PLAIN_ACCEPTS = frozenset({"", "*/*", "application/json"})


class SingleRendererNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            len(renderers) == 1
            and not format_suffix
            and request.META.get("HTTP_ACCEPT", "").strip() in PLAIN_ACCEPTS
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
