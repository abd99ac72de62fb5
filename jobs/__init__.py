"""后台任务: background tasks on django-tasks, periodic jobs, retries, and the staff's view of them.

A framework app: it knows no domain. A domain defines its tasks with ``jobs.task(label=...)`` and
registers its periodic jobs from its ``AppConfig.ready()`` with ``jobs.register_periodic(...)``;
``manage.py run_scheduler`` enqueues them when due and ``manage.py db_worker`` runs them
(docs/tasks.md). Imports are lazy so ``import jobs`` works before the app registry is ready.
"""

from __future__ import annotations

from .registry import daily, every, register_periodic, task, track

__all__ = ["daily", "every", "register_periodic", "task", "track"]
