"""Files a visitor already uploaded, kept while a public form is shown again after an error.

A browser never re-fills a file input, so without this a visitor who mistyped a phone number loses
every attachment and has to find the files again. The files that came with a refused submission
(and passed the content check: only they are kept) are stored in the private storage under
generated names; the session (server side, never a form field) remembers which file belongs to
which field of which form. On the next submission a field left empty gets its held file back as
an ordinary upload, so the form checks it by content exactly as it checked the original
(``core.uploads.check_upload``); choosing a new file replaces it. The form shows
“已上传：申请书.pdf（可重新选择替换）”.

Held files expire after ``HELD_SECONDS`` and are removed when the form is finally accepted;
``purge_held`` (run by the hourly job 办件电子监察, ``cases.supervise``) removes what nobody came back for.
"""

from __future__ import annotations

import datetime
import time
import uuid
from dataclasses import dataclass

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from .uploads import display_name, private_storage, stored_name

SESSION_KEY = "held_uploads"
HELD_DIR = "held"
HELD_SECONDS = 2 * 3600


@dataclass(frozen=True)
class HeldFile:
    """What the form says about a kept file: its original name and size."""

    name: str
    size: int


def _entries(request: HttpRequest, form_key: str) -> dict[str, dict]:
    return (request.session.get(SESSION_KEY) or {}).get(form_key) or {}


def _save_entries(request: HttpRequest, form_key: str, entries: dict[str, dict]) -> None:
    everything = dict(request.session.get(SESSION_KEY) or {})
    if entries:
        everything[form_key] = entries
    else:
        everything.pop(form_key, None)
    request.session[SESSION_KEY] = everything


def _delete(entry: dict) -> None:
    storage = private_storage()
    if storage.exists(entry["path"]):
        storage.delete(entry["path"])


def held_files(request: HttpRequest, form_key: str) -> dict[str, HeldFile]:
    """The kept file of each field of ``form_key`` (unexpired), for the template."""
    now = time.time()
    return {
        field: HeldFile(entry["name"], entry["size"])
        for field, entry in _entries(request, form_key).items()
        if entry.get("expires", 0) > now
    }


DROP_SUFFIX = "__drop"  # a checkbox "不附此文件" beside a kept file of an optional field


def with_held(request: HttpRequest, form_key: str, files: MultiValueDict) -> MultiValueDict:
    """``request.FILES`` plus, for each field the visitor left empty, the file kept for it.

    A newly chosen file replaces the kept one (which is deleted), and so does ticking
    ``<field>__drop``. A kept file that cannot be read any more is forgotten: the form then asks
    for the file as it would have anyway.
    """
    merged = files.copy()
    for upload in merged.values():  # the name a form may replace by a stored one, kept for showing
        upload.original_name = display_name(getattr(upload, "original_name", "") or upload.name)
    entries = _entries(request, form_key)
    kept: dict[str, dict] = {}
    now = time.time()
    storage = private_storage()
    for field, entry in entries.items():
        dropped = request.POST.get(field + DROP_SUFFIX)
        if field in files or dropped or entry.get("expires", 0) <= now:
            _delete(entry)
            continue
        try:
            with storage.open(entry["path"], "rb") as handle:
                content = handle.read()
        except OSError:
            continue
        upload = SimpleUploadedFile(entry["name"], content, entry.get("content_type") or "")
        upload.original_name = entry["name"]
        merged[field] = upload
        kept[field] = entry
    if kept != entries:
        _save_entries(request, form_key, kept)
    return merged


def hold_valid_uploads(request: HttpRequest, form_key: str, form) -> dict[str, HeldFile]:
    """After a refused submission: keep each file the form accepted (its field has no error).

    A field whose file was refused loses its kept file too: the visitor must choose another.
    Returns what is now kept, for the template.
    """
    entries = dict(_entries(request, form_key))
    storage = private_storage()
    for name, field in form.fields.items():
        if not isinstance(field, forms.FileField):
            continue
        upload = form.files.get(name)
        if name in form.errors:
            if name in entries:
                _delete(entries.pop(name))
            continue
        if upload is None:
            continue
        previous = entries.get(name)
        original = display_name(getattr(upload, "original_name", "") or upload.name)
        if previous and previous["name"] == original and previous["size"] == upload.size:
            previous["expires"] = time.time() + HELD_SECONDS
            continue
        if previous:
            _delete(previous)
        upload.seek(0)
        path = storage.save(f"{HELD_DIR}/{uuid.uuid4().hex}/{stored_name(original)}", upload)
        entries[name] = {
            "path": path,
            "name": original,
            "size": upload.size,
            "content_type": getattr(upload, "content_type", "") or "",
            "expires": time.time() + HELD_SECONDS,
        }
    _save_entries(request, form_key, entries)
    held = held_files(request, form_key)
    mark_held(form, held)
    return held


def mark_held(form, held: dict[str, HeldFile]) -> None:
    """Tell the form's file fields what is kept for them (``field.field.held`` in templates)."""
    for name, kept in held.items():
        if name in form.fields:
            form.fields[name].held = kept


def hold_content(request: HttpRequest, form_key: str, field: str, content: bytes, name: str) -> HeldFile:
    """Keep ``content`` for ``field`` as if the visitor had just uploaded it (a preview sent back
    for changes: its files come back to the form)."""
    entries = dict(_entries(request, form_key))
    if field in entries:
        _delete(entries[field])
    original = display_name(name)
    path = private_storage().save(f"{HELD_DIR}/{uuid.uuid4().hex}/{stored_name(original)}", ContentFile(content))
    entries[field] = {"path": path, "name": original, "size": len(content), "expires": time.time() + HELD_SECONDS}
    _save_entries(request, form_key, entries)
    return HeldFile(original, len(content))


def release(request: HttpRequest, form_key: str) -> None:
    """The form was accepted (its files are saved elsewhere): delete what was kept for it."""
    for entry in _entries(request, form_key).values():
        _delete(entry)
    _save_entries(request, form_key, {})


def purge_held(older_than: datetime.timedelta = datetime.timedelta(seconds=HELD_SECONDS)) -> int:
    """Delete kept files older than ``older_than`` (visitors who never came back); returns how many."""
    storage = private_storage()
    if not storage.exists(HELD_DIR):
        return 0
    limit = timezone.now() - older_than
    removed = 0
    folders, _files = storage.listdir(HELD_DIR)
    for folder in folders:
        _subfolders, names = storage.listdir(f"{HELD_DIR}/{folder}")
        for name in names:
            path = f"{HELD_DIR}/{folder}/{name}"
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                removed += 1
    return removed
