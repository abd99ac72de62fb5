"""The admin's export of a large catalog as a task (docs/import.md, 后台导出): a record, a private
file holding what the requesting user may see, 我的导出, a download for that user only, pruning."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.models import Status, TaskRun
from jobs.registry import periodic_jobs
from matters import exports
from matters.models import ExportStatus, MatterExport

from ..permissions.factories import UserFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def private_dir(settings, tmp_path) -> Path:
    """A private storage of this test's own, and a limit low enough for the world's matters."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.MATTERS_EXPORT_INLINE_LIMIT = 1
    return tmp_path / "private"


def names_in(content: bytes) -> list[str]:
    return [c.value for c in load_workbook(io.BytesIO(content))["事项"]["C"][1:]]


def test_a_large_export_is_generated_by_the_task_into_a_private_file(client, world, private_dir, settings):
    client.force_login(world.users["owner"])
    response = client.get(reverse("matters_export"))
    assert response.status_code == 302 and response["Location"] == reverse("matters_exports")

    export = MatterExport.objects.get()
    # Inline (the embedded default), the task has run: done at once, with only the record's id queued.
    assert (export.user, export.status, export.row_count, export.format) == (
        world.users["owner"],
        ExportStatus.DONE,
        2,
        "xlsx",
    )
    run = TaskRun.objects.get(label="导出事项清单")
    assert (run.status, run.args) == (Status.SUCCEEDED, {"args": [export.pk], "kwargs": {}})
    stored = private_dir / export.file_name
    assert stored.is_file() and not Path(settings.MEDIA_ROOT).joinpath(export.file_name).exists()

    page = client.get(reverse("matters_exports")).content.decode()
    download = reverse("matters_export_download", args=[export.pk])
    assert "我的导出" in page and "已完成" in page and f'href="{download}"' in page and "后台生成" in page

    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(
        "attachment; filename*=UTF-8''%E4%BA%8B%E9%A1%B9%E6%B8%85%E5%8D%95-"
    )
    # What the owner of 甲局 may see: both of 甲局's matters, none of 乙局's (its draft included).
    assert set(names_in(b"".join(response.streaming_content))) == {"甲局在用事项", "甲局草稿事项"}


def test_the_task_applies_the_listings_filters_and_csv(client, world, private_dir, settings):
    settings.MATTERS_EXPORT_INLINE_LIMIT = 0
    client.force_login(world.users["owner_b"])
    client.get(reverse("matters_export"), {"status": "draft"})
    client.get(reverse("matters_export"), {"q": "在用", "format": "csv"})
    # A forged id of another department's matter gives nothing: the policy's set is narrowed, never widened.
    client.get(reverse("matters_export"), {"id": [world.matters["own_draft"].pk, world.matters["other"].pk]})
    draft, csv, selected = MatterExport.objects.order_by("pk")
    assert draft.params == "status=draft" and draft.row_count == 1
    response = client.get(reverse("matters_export_download", args=[draft.pk]))
    assert names_in(b"".join(response.streaming_content)) == ["乙局草稿事项"]
    response = client.get(reverse("matters_export_download", args=[csv.pk]))
    assert (
        response["Content-Type"] == "text/csv; charset=utf-8" and "filename*=UTF-8''" in response["Content-Disposition"]
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff实施编码,") and "乙局在用事项" in text and "乙局草稿事项" not in text
    response = client.get(reverse("matters_export_download", args=[selected.pk]))
    assert names_in(b"".join(response.streaming_content)) == ["乙局在用事项"]


def test_only_the_requester_downloads_and_sees_the_export(client, world, private_dir):
    client.force_login(world.users["owner"])
    client.get(reverse("matters_export"))
    export = MatterExport.objects.get()
    download = reverse("matters_export_download", args=[export.pk])
    for other in (world.users["owner_b"], world.users["sysadmin"], UserFactory(superuser=True)):
        client.force_login(other)
        assert client.get(download).status_code == 404
        assert download not in client.get(reverse("matters_exports")).content.decode()


def test_a_forged_or_unfinished_export_id_is_404(client, world, private_dir):
    client.force_login(world.users["owner"])
    assert client.get(reverse("matters_export_download", args=[987654])).status_code == 404
    queued = MatterExport.objects.create(user=world.users["owner"], params="", row_count=2)
    assert client.get(reverse("matters_export_download", args=[queued.pk])).status_code == 404
    page = client.get(reverse("matters_exports")).content.decode()
    assert "排队" in page and "请稍后刷新本页" in page


def test_a_small_export_is_still_a_direct_download(client, world, private_dir, settings):
    settings.MATTERS_EXPORT_INLINE_LIMIT = 2
    client.force_login(world.users["owner"])
    response = client.get(reverse("matters_export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert set(names_in(response.content)) == {"甲局在用事项", "甲局草稿事项"}
    assert not MatterExport.objects.exists() and not TaskRun.objects.exists()


def test_a_failure_is_retried_and_one_that_keeps_failing_is_shown_in_chinese(client, world, private_dir, monkeypatch):
    real, failures = exports.export_xlsx, {"left": 1}

    def flaky(matters):
        if failures["left"]:
            failures["left"] -= 1
            raise OSError("磁盘已满")
        return real(matters)

    monkeypatch.setattr(exports, "export_xlsx", flaky)
    client.force_login(world.users["owner"])
    client.get(reverse("matters_export"))
    assert MatterExport.objects.get().status == ExportStatus.DONE
    assert (TaskRun.objects.get().status, TaskRun.objects.get().attempts) == (Status.SUCCEEDED, 2)

    failures["left"] = 99
    client.get(reverse("matters_export"))
    failed = MatterExport.objects.latest("pk")
    assert failed.status == ExportStatus.FAILED and failed.error == "生成失败（OSError: 磁盘已满）"
    run = TaskRun.objects.get(args={"args": [failed.pk], "kwargs": {}})
    assert (run.status, run.attempts) == (Status.FAILED, 3)
    page = client.get(reverse("matters_exports")).content.decode()
    assert "失败" in page and "生成失败（OSError: 磁盘已满）" in page and "系统会自动重试" in page
    assert client.get(reverse("matters_export_download", args=[failed.pk])).status_code == 404
    client.force_login(world.users["sysadmin"])
    page = client.get("/admin/jobs/", {"status": "failed"}).content.decode()
    assert "导出事项清单" in page and "磁盘已满" in page


def test_the_periodic_prune_deletes_old_exports_and_their_files(client, world, private_dir, settings):
    client.force_login(world.users["owner"])
    client.get(reverse("matters_export"))
    client.get(reverse("matters_export"))
    old, recent = MatterExport.objects.order_by("pk")
    MatterExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert (private_dir / old.file_name).is_file()

    job = periodic_jobs()["matters.prune_exports"]
    assert job.function()() == "删除过期导出 1 个"
    assert list(MatterExport.objects.all()) == [recent]
    assert not (private_dir / old.file_name).exists() and (private_dir / recent.file_name).is_file()
    assert client.get(reverse("matters_export_download", args=[old.pk])).status_code == 404
