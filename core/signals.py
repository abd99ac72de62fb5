"""Signals shared across apps.

``records_changed`` is sent by code that writes rows without ``post_save`` (``bulk_create``,
``queryset.update``) so that whoever mirrors those rows (the API's collection versions and
incremental sync) hears about them as a save would have told them.
"""

from django.dispatch import Signal

# sender: the model class; pks: the primary keys written.
records_changed = Signal()
