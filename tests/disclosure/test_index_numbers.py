"""Index numbers: assigned on first publication, unique under concurrency, stable, never reused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from disclosure.index_numbers import assign_index_number
from disclosure.models import DisclosureDocumentPage

from ..permissions.factories import DepartmentFactory
from .factories import DisclosureDocumentPageFactory

pytestmark = pytest.mark.django_db


def expected(department, serial: int) -> str:
    return f"{department.credit_code}/{timezone.localdate().year}-{serial:05d}"


def test_number_is_assigned_on_first_publication(world):
    draft = DisclosureDocumentPageFactory(department=world.dept_a, draft=True)
    assert draft.index_number is None and draft.publication_date is None
    draft.get_latest_revision().publish()
    draft.refresh_from_db()
    assert draft.index_number == expected(world.dept_a, 1)
    assert draft.publication_date == timezone.localdate()


def test_serial_runs_per_issuing_body_and_year(world):
    a1 = DisclosureDocumentPageFactory(department=world.dept_a)
    b1 = DisclosureDocumentPageFactory(department=world.dept_b)
    a2 = DisclosureDocumentPageFactory(department=world.dept_a)
    # published by A for B
    on_behalf = DisclosureDocumentPageFactory(department=world.dept_a, issuing_body=world.dept_b)
    assert [a1.index_number, a2.index_number] == [expected(world.dept_a, 1), expected(world.dept_a, 2)]
    assert [b1.index_number, on_behalf.index_number] == [expected(world.dept_b, 1), expected(world.dept_b, 2)]


def test_number_is_stable_on_edit_republish_and_revert(world):
    doc = DisclosureDocumentPageFactory(department=world.dept_a)
    number, first_revision = doc.index_number, doc.live_revision
    page = doc.get_latest_revision_as_object()
    page.title = "改过标题的通知"
    page.save_revision().publish()
    doc.unpublish()
    DisclosureDocumentPage.objects.get(pk=doc.pk).get_latest_revision().publish()
    first_revision.publish()  # an old revision, saved before the number existed
    doc.refresh_from_db()
    assert doc.index_number == number and doc.live


def test_numbers_are_never_reused_after_deletion(world):
    DisclosureDocumentPageFactory(department=world.dept_a)
    second = DisclosureDocumentPageFactory(department=world.dept_a)
    second.delete()
    third = DisclosureDocumentPageFactory(department=world.dept_a)
    assert third.index_number == expected(world.dept_a, 3)


@override_settings(DISCLOSURE_INDEX_PATTERN="{org_code}/{year}{month}-{serial:05d}")
def test_pattern_is_a_setting(world):
    doc = DisclosureDocumentPageFactory(department=world.dept_a)
    today = timezone.localdate()
    assert doc.index_number == f"{world.dept_a.credit_code}/{today.year}{today.month:02d}-00001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_publications_racing_get_different_numbers():
    department = DepartmentFactory()
    docs = [DisclosureDocumentPageFactory(department=department, draft=True, slug=f"race-{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish(page):
        try:
            barrier.wait(timeout=10)
            assign_index_number(page)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(DisclosureDocumentPage.objects.values_list("index_number", flat=True))
    assert numbers == [expected(department, 1), expected(department, 2)]
