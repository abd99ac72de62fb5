"""Audit rows cannot be changed or deleted: by the ORM anywhere, and on PostgreSQL by raw SQL
either (GB/T 22239-2019 8.1.4.3 c)); only rows past the legal minimum retention can be purged."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEvent

from .factories import AuditEventFactory, events

pytestmark = pytest.mark.django_db


def test_rows_refuse_change_and_deletion_through_the_orm_and_on_postgresql_through_sql():
    event = AuditEventFactory(kind="login_success", actor_username="clerk")
    old = AuditEventFactory(kind="login_success", actor_username="old", days_ago=200)

    event.actor_username = "someone-else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_username="someone-else")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["actor_username"])
    with pytest.raises(AppendOnlyError):
        AuditEvent._base_manager.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):  # a young row cannot be purged either
        AuditEvent.objects.purge_before(event.occurred_at)

    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        # Under the ORM: the trigger refuses UPDATE and DELETE of a row younger than 180 days.
        for sql in (
            f"UPDATE {table} SET actor_username = 'x' WHERE id = %s",  # noqa: S608 (our table name)
            f"UPDATE {table} SET actor_id = NULL, kind = 'logout' WHERE id = %s",  # noqa: S608
            f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
        # ... and lets a row past 180 days go.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [old.pk])  # noqa: S608
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
    else:
        assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "clerk"


def test_purge_refuses_under_180_days_and_deletes_only_older_rows(settings):
    young = AuditEventFactory(days_ago=179)
    kept = AuditEventFactory(days_ago=300)
    gone = AuditEventFactory(days_ago=400)

    with pytest.raises(CommandError, match="180"):
        call_command("purge_audit_events", "--days", "179")
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(CommandError):
        call_command("purge_audit_events")
    assert AuditEvent.objects.filter(pk__in=[young.pk, kept.pk, gone.pk]).count() == 3

    settings.AUDIT_RETENTION_DAYS = 365
    call_command("purge_audit_events")
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert young.pk in remaining and kept.pk in remaining and gone.pk not in remaining
    [purge] = events("audit_purged")
    assert purge.detail["deleted"] == 1 and purge.detail["retention_days"] == 365


def test_a_retention_under_180_days_fails_the_system_check(settings):
    from audit.checks import check_retention

    settings.AUDIT_RETENTION_DAYS = 30
    assert [e.id for e in check_retention()] == ["audit.E001"]
    settings.AUDIT_RETENTION_DAYS = 180
    assert check_retention() == []
