"""What applicants may upload as the materials of an online application (在线申请).

Typed by content (``core.uploads``): PDF, JPEG, PNG and OFD only, each at most
``CASES_MATERIAL_MAX_BYTES``; stored under generated names in the private storage, never served
as public media.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.uploads import UploadPolicy, private_storage

POLICY = UploadPolicy("申请材料", ("pdf", "jpg", "png", "ofd"), "CASES_MATERIAL_MAX_BYTES")
# Files of an online application shown in its preview and not yet submitted (one folder per token).
PENDING_DIR = "cases/pending"


def purge_pending(older_than: datetime.timedelta = datetime.timedelta(hours=2)) -> int:
    """Delete preview files nobody submitted (older than ``older_than``); returns how many."""
    storage = private_storage()
    if not storage.exists(PENDING_DIR):
        return 0
    limit = timezone.now() - older_than
    removed = 0
    folders, _files = storage.listdir(PENDING_DIR)
    for folder in folders:
        _subfolders, names = storage.listdir(f"{PENDING_DIR}/{folder}")
        for name in names:
            path = f"{PENDING_DIR}/{folder}/{name}"
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                removed += 1
    return removed
