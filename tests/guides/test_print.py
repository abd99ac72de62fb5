"""The printable one-time notice: A4 sheet, checklist, QR code to the online guide and its edition."""

from __future__ import annotations

import re

import pytest
import segno

from guides.models import PrintEdition

from ..helpers import publish_change
from .factories import BundleGuidePageFactory, GuidePageFactory

pytestmark = pytest.mark.django_db


def test_print_view_has_everything_a_visitor_takes_to_the_hall(client, world, guide):
    response = client.get(guide.url + "print/")
    html = response.content.decode()
    matter = world.matters["own"]
    for text in (matter.name, matter.implementation_code, world.dept_a.name, "申请表", "居民身份证"):
        assert text in html
    assert "20个工作日" in html and "10个工作日" in html and "不收费" in html
    assert html.count('class="box"') == 2  # one tick box per material
    assert "site-header" not in html and "<nav" not in html  # no navigation on the sheet
    assert 'href="/static/theme/notice.css"' in html


def test_qr_code_carries_the_guides_absolute_url_and_the_printed_edition(client, world, guide):
    html = client.get(guide.url + "print/").content.decode()
    edition = PrintEdition.objects.get(page=guide)
    expected = f"http://localhost{guide.url}?printed={edition.code}"
    assert guide.full_url == f"http://localhost{guide.url}"
    assert f'data-qr-payload="{expected}"' in html and expected in html
    # The QR code drawn on the sheet is the encoding of exactly that URL.
    assert segno.make(expected, error="m").svg_inline(scale=3, border=2) in html


def test_printing_the_same_content_twice_keeps_one_edition(client, world, guide):
    client.get(guide.url + "print/")
    client.get(guide.url + "print/")
    assert PrintEdition.objects.filter(page=guide).count() == 1
    publish_change(world.matters["own"], promised_limit=6)
    client.get(guide.url + "print/")
    assert PrintEdition.objects.filter(page=guide).count() == 2


def test_an_outdated_printout_is_told_what_changed(client, world, guide):
    client.get(guide.url + "print/")
    code = PrintEdition.objects.get(page=guide).code
    html = client.get(f"{guide.url}?printed={code}").content.decode()
    assert "您手中的告知单是最新的" in html

    publish_change(world.matters["own"], promised_limit=6)
    html = client.get(f"{guide.url}?printed={code}").content.decode()
    assert "在您手中的告知单打印" in html
    assert "承诺办结时限：由“10个工作日”改为“6个工作日”" in html


@pytest.mark.parametrize("code", ["0000deadbeef", "<script>alert(1)</script>" * 3])
def test_unknown_or_forged_edition_codes_are_answered_calmly(client, world, guide, code):
    response = client.get(guide.url, {"printed": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "无法识别您扫描的告知单版本" in html and "<script>alert" not in html


def test_pdf_download(client, world, guide):
    response = client.get(guide.url + "print/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", response.content)) == 1  # fits one A4 page
    edition = PrintEdition.objects.get(page=guide)
    assert edition.code in response["Content-Disposition"]


def test_bundle_prints_the_merged_checklist(client, world):
    bundle = BundleGuidePageFactory(
        department=world.dept_a, members=[(world.matters["own"], 1), (world.matters["other"], 2)]
    )
    html = client.get(bundle.url + "print/").content.decode()
    # Both matters ask for 申请表 and 居民身份证 from the same sources: two lines, not four.
    assert html.count('class="box"') == 2
    assert "用于：甲局在用事项、乙局在用事项" in html
    assert client.get(bundle.url + "print/pdf/").status_code == 200


def test_previews_and_unpublished_guides_record_no_edition(client, world):

    draft = GuidePageFactory(matter=world.matters["other"], draft=True)
    client.force_login(world.users["sysadmin"])
    assert client.get(draft.url + "print/").status_code == 404  # not live: not served
    assert not PrintEdition.objects.exists()
