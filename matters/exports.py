"""The admin's export of the catalog, inline when small, as a task when large (docs/import.md).

Up to ``MATTERS_EXPORT_INLINE_LIMIT`` matters the 导出Excel button answers with the workbook at
once. Above it, rendering takes seconds of CPU (10,000 matters: some 13 s), so the button writes a
``MatterExport`` and enqueues 导出事项清单 with the record's id only; the task applies the same
query string to what the requesting user may see *when it runs*, writes the file to
``STORAGES["private"]`` and marks the record 已完成. 我的导出 lists the user's records; the file is
served to that user only, and deleted with its record after ``MATTERS_EXPORT_RETENTION_DAYS``.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from .importing import export_csv, export_queryset, export_xlsx
from .models import ExportStatus, MatterExport

logger = logging.getLogger(__name__)

EXPORT_DIR = "matter-exports"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def private_storage() -> Storage:
    """Never served as public media: downloads go through the permission-checked view."""
    return storages["private"]


def filtered_queryset(user, params: QueryDict) -> QuerySet:
    """What the listing's export button exports: the matters ``user`` may see, narrowed by the
    selected ``id``s, or else by the listing's filters and ``q``. The request and the task both
    call this, so a queued export never gives more than its user may see when it runs."""
    from .admin_views import MatterFilterSet

    queryset = export_queryset(user)
    ids = params.getlist("id")
    if ids:
        return queryset.filter(pk__in=[i for i in ids if i.isdigit()])
    filterset = MatterFilterSet(params, queryset=queryset)
    if filterset.is_valid():
        queryset = filterset.qs.distinct()
    query = params.get("q", "").strip()
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(implementation_code__icontains=query) | Q(basic_code__icontains=query)
        )
    return queryset


def export_format(params: QueryDict) -> str:
    return "csv" if params.get("format") == "csv" else "xlsx"


def render(queryset: QuerySet, fmt: str) -> bytes:
    return export_csv(queryset) if fmt == "csv" else export_xlsx(queryset)


def start_export(user, params: QueryDict, row_count: int) -> MatterExport:
    """Record the export and enqueue its task (inline under the embedded default: done at once).

    The record is committed (autocommit) before the enqueue, so the worker always finds it.
    """
    from .tasks import export_matters

    export = MatterExport.objects.create(
        user=user, params=params.urlencode(), format=export_format(params), row_count=row_count
    )
    export_matters.enqueue(export.pk)
    return export


def generate(export_id: int) -> str:
    """Render one queued export into the private storage; on failure record a Chinese message and
    raise, so that ``jobs`` tries it again. A record already done (a duplicate run) or deleted
    (pruned) is left alone."""
    export = MatterExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:
        return f"事项导出 #{export_id} 已删除"
    if export.status == ExportStatus.DONE:
        return f"{export}此前已完成"
    MatterExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, error="")
    try:
        if not export.user.is_active:
            raise PermissionError("导出人的账号已停用")
        queryset = filtered_queryset(export.user, QueryDict(export.params))
        matters = list(queryset)
        content = render(matters, export.format)
        name = private_storage().save(
            f"{EXPORT_DIR}/{export.pk}-{secrets.token_hex(8)}.{export.format}", ContentFile(content)
        )
    except Exception as exc:
        error = f"生成失败（{type(exc).__name__}: {exc}）"[:300]
        MatterExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=error)
        logger.warning("matter export %s failed: %s", export.pk, type(exc).__name__)
        raise
    MatterExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, file_name=name, row_count=len(matters), error="", finished_at=timezone.now()
    )
    return f"{export}：{len(matters)} 个事项"


def delete_file(sender, instance: MatterExport, **kwargs) -> None:
    """``post_delete`` of a record (pruned, or its user deleted): its file goes with it."""
    if instance.file_name:
        private_storage().delete(instance.file_name)


def prune_exports() -> str:
    """The periodic job ``matters.prune_exports``: records older than the retention, with their
    files (``delete_file``)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.MATTERS_EXPORT_RETENTION_DAYS)
    deleted, _ = MatterExport.objects.filter(created_at__lt=cutoff).delete()
    return f"删除过期导出 {deleted} 个"
