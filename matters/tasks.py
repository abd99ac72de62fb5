"""The background tasks of matters (docs/tasks.md): the admin's export of a large catalog."""

from __future__ import annotations

import jobs


@jobs.task(label="导出事项清单")
def export_matters(export_id: int) -> str:
    """Render one ``MatterExport`` into the private storage; a failure is retried by ``jobs``.

    Only the record's id is queued: the filters and the user are read from the record, and the
    user's permissions applied, when the task runs.
    """
    from .exports import generate

    return generate(export_id)
