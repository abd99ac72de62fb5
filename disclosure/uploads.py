"""Files staff attach to letters and applicants attach to requests: ``core.uploads``' check
with this domain's policies (``LETTER_ATTACHMENTS``, ``ATTACHMENTS``).

Both are stored in the private storage under generated names and served only through views
that check the right, as downloads with ``nosniff``.
"""

from __future__ import annotations

from core.uploads import ATTACHMENTS, LETTER_ATTACHMENTS
from core.uploads import check_upload as _check


def check_upload(upload) -> str:
    """Validate a letter attachment; returns its content type or raises ``ValidationError`` in Chinese."""
    return _check(upload, LETTER_ATTACHMENTS)


def check_request_attachment(upload) -> str:
    """Validate an applicant's attachment (pdf, images, Word, OFD)."""
    return _check(upload, ATTACHMENTS)
