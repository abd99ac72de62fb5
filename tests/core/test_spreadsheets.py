"""Every export neutralises formulas: the helper, and Wagtail's own report exports through it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from wagtail.models import Page

from core.spreadsheets import cell_text, neutralise, safe_writer

from ..permissions.factories import UserFactory


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe_and_come_back_unchanged(value):
    assert neutralise(value) == "'" + value
    assert cell_text(neutralise(value)) == value


def test_other_values_are_left_alone():
    assert neutralise("李四") == "李四" and neutralise(3) == 3 and neutralise(None) is None


def test_the_safe_writer_neutralises_each_cell():
    buffer = io.StringIO()
    safe_writer(buffer).writerow(["=cmd|' /C calc'!A0", "普通", 5])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=cmd|' /C calc'!A0", "普通", "5"]


@pytest.mark.django_db
def test_wagtail_report_csv_export_is_neutralised(client):
    page = Page.objects.filter(depth=2).first()
    page.title = '=HYPERLINK("http://x","y")'
    page.locked = True
    page.save()
    client.force_login(UserFactory(superuser=True))
    response = client.get(reverse("wagtailadmin_reports:locked_pages"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") for line in text.splitlines())
