"""Index numbers (索引号): assigned once, on a document's first publication, never changed or reused.

The serial runs per issuing body and year in ``IndexCounter``; the counter row is locked
(``select_for_update``, and SQLite's IMMEDIATE transactions) and incremented with ``F()``, so two
documents published at the same moment never get the same number; the unique constraint on
``index_number`` is the last guard. Deleting a document does not give its number back.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.locking import retry_if_locked

from .models import DisclosureDocumentPage, IndexCounter

logger = logging.getLogger(__name__)
LOCK_RETRIES = 8


def format_index_number(credit_code: str, day: datetime.date, serial: int) -> str:
    """The number in the configured pattern (``DISCLOSURE_INDEX_PATTERN``)."""
    return settings.DISCLOSURE_INDEX_PATTERN.format(
        org_code=credit_code, year=day.year, month=f"{day.month:02d}", serial=serial
    )


def published_late(written: datetime.date, published: datetime.date) -> bool | None:
    """More than the statutory working days between writing and publication (art. 26).

    None when the calendar does not cover the years involved: unknown, never guessed.
    """
    from workdays.service import UncoveredYearError, working_days_between

    try:
        return working_days_between(written, published) > settings.DISCLOSURE_PUBLISH_WORKING_DAYS
    except UncoveredYearError:
        return None


def assign_index_number(page: DisclosureDocumentPage, on: datetime.date | None = None) -> str:
    """Give ``page`` its index number and publication date if it has none yet; return the number.

    ``on`` is the publication date, today unless a historical record is being loaded with its
    original date (catalog migration, demo data). A writer that finds SQLite locked by another
    one retries (PostgreSQL waits on the row lock instead).
    """
    number = _assign(page.pk, on)
    page.refresh_from_db(fields=list(DisclosureDocumentPage.RECORD_FIELDS))
    return number


@retry_if_locked
def _assign(pk: int, on: datetime.date | None) -> str:
    row = DisclosureDocumentPage.objects.select_for_update().get(pk=pk)
    if row.index_number:
        return row.index_number
    body = row.issuing_body
    today = on or timezone.localdate()
    counter, _ = IndexCounter.objects.select_for_update().get_or_create(issuing_body=body, year=today.year)
    IndexCounter.objects.filter(pk=counter.pk).update(last_serial=F("last_serial") + 1)
    counter.refresh_from_db(fields=["last_serial"])
    number = format_index_number(body.credit_code, today, counter.last_serial)
    DisclosureDocumentPage.objects.filter(pk=pk).update(
        index_number=number,
        publication_date=today,
        published_late=published_late(row.written_date, today),
    )
    logger.info("index number %s assigned to page %s", number, pk)
    return number


def on_published(sender, instance, **kwargs) -> None:
    assign_index_number(instance)


def connect_signals() -> None:
    from wagtail.signals import page_published

    page_published.connect(on_published, sender=DisclosureDocumentPage, dispatch_uid="disclosure-index-number")
