"""On PostgreSQL, a trigger refuses UPDATE and DELETE of audit rows (GB/T 22239-2019 8.1.4.3 c)).

Two exceptions, both losing nothing: DELETE of a row older than 180 days (the minimum the
《网络安全法》第二十一条 requires logs to be kept; ``manage.py purge_audit_events``), and the UPDATE
Django makes when a user is deleted, which only sets ``actor_id`` to NULL (the row keeps
``actor_username``). SQLite (development, tests) relies on the model and queryset guards.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.occurred_at < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_auditevent is append-only: a row younger than 180 days cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND (NEW.id, NEW.occurred_at, NEW.kind, NEW.actor_username, NEW.client_address, NEW.object_type,
            NEW.object_id, NEW.object_repr, NEW.result, NEW.detail)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.kind, OLD.actor_username, OLD.client_address, OLD.object_type,
            OLD.object_id, OLD.object_repr, OLD.result, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: a row cannot be updated'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
