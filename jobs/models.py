"""Records of background work: one row per task run (with its retries), one per periodic job.

``TaskRun`` is kept by ``jobs.tracking`` from django-tasks' signals, so it is the same under every
backend (inline in the embedded default, the database queue in production). Its ``args`` are kept
to run the task again and are never shown: a task's arguments may identify a person.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    QUEUED = "queued", "排队"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"


class TaskRun(models.Model):
    result_id = models.CharField("任务编号", max_length=64, unique=True)  # django-tasks' id of the last attempt
    task_path = models.CharField("任务", max_length=255)
    label = models.CharField("任务名称", max_length=100)
    queue_name = models.CharField("队列", max_length=32, default="default")
    args = models.JSONField("参数", default=dict)  # {"args": [...], "kwargs": {...}}; never displayed
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=1)
    enqueued_at = models.DateTimeField("入队时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次重试时间", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    summary = models.CharField("结果", max_length=500, blank=True)

    class Meta:
        verbose_name = "后台任务记录"
        verbose_name_plural = "后台任务记录"
        ordering = ["-enqueued_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("retry_taskrun", "可以重试失败的后台任务")]
        indexes = [models.Index(fields=["status", "finished_at"], name="jobs_taskrun_status_idx")]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    audit_label = property(lambda self: f"{self.label}#{self.pk}")


class PeriodicJobState(models.Model):
    """When a periodic job is next due; moved forward by one conditional UPDATE per slot, so
    however many schedulers run, exactly one of them enqueues each slot."""

    key = models.CharField("作业", max_length=100, unique=True)
    next_run_at = models.DateTimeField("下次运行时间")
    last_enqueued_at = models.DateTimeField("上次入队时间", null=True, blank=True)

    class Meta:
        verbose_name = "定时作业"
        verbose_name_plural = "定时作业"
        default_permissions = ()

    def __str__(self) -> str:
        return self.key
