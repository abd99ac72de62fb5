"""办件服务 on the portal: 办件公示 (masked, filterable, flat queries), 办件查询 (number with phone or
lookup code, one generic answer for every miss, rate limited) and 在线申请 (files checked by
content, a preview, the case opened through ``cases.flow``)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseState
from cases.pages import CaseIndexPage
from core.uploads import private_storage
from portal.models import HomePage

from ..guides.factories import GuidePageFactory
from ..helpers import next_challenge
from ..matters.factories import MatterFactory, term
from .factories import ID_NUMBER, PHONE, CaseFactory, take

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def case_page(case_world) -> CaseIndexPage:
    page = CaseIndexPage(title="办件服务", slug="banjian")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


def lookup(client, number: str, **pair):
    return client.post("/banjian/lookup/", {"number": number, **pair})


def status_message(response) -> str:
    pattern = r'<p class="banner banner-warn" role="status" id="case-status">(.*?)</p>'
    match = re.search(pattern, response.content.decode())
    return match.group(1) if match else ""


# ---- 办件查询 -------------------------------------------------------------------------------------


@pytest.fixture
def amended(case_world):
    case = CaseFactory(matter=case_world.matters["promised"])
    return take(case, "amend", defects={0: "缺少申请人签名"})


@pytest.mark.parametrize("pair", ["phone", "code"])
def test_lookup_by_number_and_phone_or_code_shows_steps_and_what_to_bring(client, case_page, amended, pair):
    credentials = {"phone": "138 1234 5678"} if pair == "phone" else {"code": amended.lookup_code.lower()}
    response = lookup(client, amended.number, **credentials)
    assert response.status_code == 200
    html = response.content.decode()
    assert amended.matter_name in html and "待补正" in html
    assert "申请" in html and "补正告知" in html  # the steps
    assert "申请表：缺少申请人签名" in html and 'id="case-amendment"' in html  # what to bring
    assert f"补正告知（{amended.number}）" in html  # the notices sent
    assert "张**" in html
    for secret in (ID_NUMBER, PHONE, "张三丰", 'value="138 1234 5678"', f'value="{amended.lookup_code.lower()}"'):
        assert secret not in html  # nor are the phone and the code echoed back into the form
    assert "no-store" in response["Cache-Control"]


def test_accepted_case_shows_due_date_and_working_days_left(client, case_page, case_world):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    case = CaseFactory(matter=case_world.matters["promised"])
    case = take(case, "accept", on=today)
    html = lookup(client, case.number, code=case.lookup_code).content.decode()
    assert "已受理" in html and f"{case.due_date:%Y}年{case.due_date.month}月{case.due_date.day}日" in html
    assert "距承诺办结日期还有" in html and "个工作日" in html
    assert isinstance(case.due_date, datetime.date)


def test_every_miss_gets_the_same_generic_answer(client, case_page, amended):
    wrong_phone = lookup(client, amended.number, phone="13900000000")
    wrong_code = lookup(client, amended.number, code="ZZZZZZZZ")
    unknown = lookup(client, "2026-999-000001", phone=PHONE)
    messages = {status_message(r) for r in (wrong_phone, wrong_code, unknown)}
    assert len(messages) == 1 and "未找到" in messages.pop()
    for response in (wrong_phone, wrong_code, unknown):
        assert response.status_code == 200
        html = response.content.decode()
        assert amended.matter_name not in html and "补正告知" not in html


def test_lookup_needs_a_phone_or_a_code(client, case_page, amended):
    html = lookup(client, amended.number).content.decode()
    assert "请填写联系电话或查询码" in html and "补正告知" not in html


def test_the_21st_lookup_in_an_hour_is_refused(client, case_page, amended, settings):
    assert settings.CASES_LOOKUPS_PER_HOUR == 20
    for _ in range(20):
        assert lookup(client, amended.number, phone="13900000000").status_code == 200
    response = lookup(client, amended.number, phone=PHONE)  # even the right pair
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


# ---- 办件公示 -------------------------------------------------------------------------------------


def test_public_list_shows_masked_columns_only(client, case_page, case_world):
    person = CaseFactory(matter=case_world.matters["promised"])
    company = CaseFactory(
        matter=case_world.matters["other"],
        applicant_overrides={
            "kind": "organisation",
            "name": "示范科技有限公司",
            "id_type": "credit_code",
            "id_number": "91350100M000100Y43",
            "phone": "13911112222",
        },
    )
    response = client.get("/banjian/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲局许可事项" in html and "乙局许可事项" in html and "甲局" in html
    assert "张**" in html and "示范科技有限公司" in html
    for secret in ("张三丰", ID_NUMBER, PHONE, "13911112222", person.lookup_code, company.lookup_code, person.number):
        assert secret not in html


def test_public_list_filters(client, case_page, case_world):
    from django.utils import timezone

    today = timezone.localdate()
    done = CaseFactory(matter=case_world.matters["immediate"])
    take(done, "complete_now", on=today)
    CaseFactory(matter=case_world.matters["promised"])
    CaseFactory(matter=case_world.matters["other"])

    def listed(**query) -> str:
        return client.get("/banjian/", query).content.decode()

    by_department = listed(department=case_world.dept_b.pk)
    assert "乙局许可事项" in by_department and "甲局许可事项" not in by_department
    finished = listed(group="done")
    assert "甲局即办事项" in finished and "甲局许可事项" not in finished and "乙局许可事项" not in finished
    assert "办结（准予）" in finished
    running = listed(group="open")
    assert "甲局即办事项" not in running and "甲局许可事项" in running
    assert "甲局即办事项" in listed(q="即办") and "乙局许可事项" not in listed(q="即办")
    for typed in ("jiban", "即辦"):  # pinyin, Traditional: the portal search's analysis
        found = listed(q=typed)
        assert "甲局即办事项" in found and "乙局许可事项" not in found and "甲局许可事项" not in found
    assert "共 3 件" in listed(month=f"{today:%Y-%m}")
    assert "共 0 件" in listed(month="2001-01")
    assert "共 3 件" in listed(month="not-a-month")  # a bad value is dropped, not an error


def test_public_list_queries_do_not_grow_with_the_number_of_cases(client, case_page, case_world):
    def count_queries() -> int:
        client.get("/banjian/")  # warm Wagtail's caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/banjian/").status_code == 200
        return len(queries)

    for _ in range(3):
        CaseFactory(matter=case_world.matters["promised"])
    few = count_queries()
    for i in range(12):
        CaseFactory(matter=case_world.matters["other"], applicant_overrides={"name": f"李{i}"})
    assert count_queries() == few


# ---- 在线申请 -------------------------------------------------------------------------------------


def applicant_data(**changes) -> dict:
    data = {
        "step": "preview",
        "kind": "person",
        "name": "王小明",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": "139 0000 1111",
        "email": "",
        "agree": "on",
    }
    data.update(changes)
    return data


def with_challenge(client, url: str, data: dict) -> dict:
    return next_challenge(client.get(url).content.decode(), data)


def apply_url(matter) -> str:
    return f"/banjian/apply/{matter.pk}/"


def test_online_application_end_to_end(client, case_page, case_world):
    matter = case_world.matters["promised"]
    url = apply_url(matter)
    form = client.get(url).content.decode()
    assert "申请表" in form and "居民身份证" in form and "PDF、JPG、JPEG、PNG、OFD" in form
    data = with_challenge(client, url, applicant_data())
    data["material_0"] = SimpleUploadedFile("申请表.pdf", PDF, content_type="application/pdf")
    data["material_1"] = SimpleUploadedFile("身份证.png", png(), content_type="image/png")
    preview = client.post(url, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "请核对申请内容" in html and "申请表.pdf" in html and "身份证.png" in html
    assert ID_NUMBER not in html and "13900001111" not in html
    assert not Case.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert len(private_storage().listdir(f"cases/pending/{token}")[1]) == 2  # kept privately for the preview

    submitted = client.post(url, {"step": "confirm", "token": token})
    assert submitted.status_code == 302
    case = Case.objects.get()
    assert case.channel == "online" and case.state == CaseState.APPLIED and case.matter == matter
    assert case.applicant_name == "王小明" and case.phone == "13900001111"
    materials = list(case.materials.order_by("sort_order"))
    assert [m.original_name for m in materials] == ["申请表.pdf", "身份证.png"]
    storage = private_storage()
    for material in materials:
        assert material.received and material.file.name.startswith("cases/")
        assert "申请表" not in material.file.name and storage.exists(material.file.name)
        assert material.file.storage is storage
    with materials[0].file.open("rb") as handle:
        assert handle.read() == PDF
    preview_dir = f"cases/pending/{token}"
    assert not storage.exists(preview_dir) or storage.listdir(preview_dir) == ([], [])  # preview copies gone

    receipt = client.get(submitted.url)
    text = receipt.content.decode()
    assert case.number in text and case.lookup_code in text and "/banjian/lookup/" in text
    assert case.lookup_code not in submitted.url
    # the preview cannot be submitted twice
    again = client.post(url, {"step": "confirm", "token": token})
    assert "预览已过期或已提交" in again.content.decode() and Case.objects.count() == 1


def test_a_web_page_named_pdf_is_refused_naming_the_material(client, case_page, case_world):
    matter = case_world.matters["promised"]
    url = apply_url(matter)
    data = with_challenge(client, url, applicant_data())
    data["material_0"] = SimpleUploadedFile("申请表.pdf", HTML_AS_PDF, content_type="application/pdf")
    data["material_1"] = SimpleUploadedFile("身份证.png", png(), content_type="image/png")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "“申请表”：" in html and "请核对申请内容" not in html
    assert not Case.objects.exists()


def test_required_material_and_applicant_errors_are_named(client, case_page, case_world):
    url = apply_url(case_world.matters["promised"])
    data = with_challenge(client, url, applicant_data(id_number="110101199003071234"))
    data["material_1"] = SimpleUploadedFile("身份证.png", png(), content_type="image/png")
    html = client.post(url, data).content.decode()
    assert "请上传“申请表”" in html and "居民身份证号码不正确" in html
    assert not Case.objects.exists()


def test_apply_is_404_for_a_draft_matter_or_one_without_a_promised_limit(client, case_page, case_world):
    draft = MatterFactory(department=case_world.dept_a, name="甲局草稿事项", draft=True)
    assert client.get(apply_url(draft)).status_code == 404
    assert client.get("/banjian/apply/999999/").status_code == 404
    unlimited = MatterFactory(department=case_world.dept_a, name="甲局无时限事项", promised_limit=None)
    assert client.get(apply_url(unlimited)).status_code == 404


def test_guide_and_matter_pages_offer_online_application_for_online_matters(client, case_page, case_world):
    online = case_world.matters["promised"]  # depth Ⅲ
    offline = MatterFactory(
        department=case_world.dept_a, name="甲局窗口事项", online_depth=term("online_depth", "depth_1")
    )
    html = client.get(GuidePageFactory(matter=online).url).content.decode()
    assert f'href="{apply_url(online)}"' in html and "在线申请" in html
    html = client.get(GuidePageFactory(matter=offline).url).content.decode()
    assert f'href="{apply_url(offline)}"' not in html and 'id="apply-online"' not in html

    from matters.pages import MatterCatalogPage

    catalog = MatterCatalogPage.objects.get().url
    html = client.get(f"{catalog}item/{online.implementation_code}/").content.decode()
    assert f'<a class="btn" href="{apply_url(online)}" id="apply-online">在线申请</a>' in html
    html = client.get(f"{catalog}item/{offline.implementation_code}/").content.decode()
    assert "在线申请" not in html


def test_no_online_application_link_without_a_live_case_page(client, case_world):
    html = client.get(GuidePageFactory(matter=case_world.matters["promised"]).url).content.decode()
    assert "在线申请" not in html and "/banjian/apply/" not in html


def test_the_guards_moved_to_core_are_still_importable_from_disclosure():
    from core import challenge, http
    from disclosure import request_forms

    assert request_forms.rate_limited is http.rate_limited
    assert request_forms.new_challenge is challenge.new_challenge
    assert request_forms.consume_challenge is challenge.consume_challenge


def test_demo_portal_gets_one_case_page_in_the_menu(client, case_world):
    from portal.demo import load_portal_pages

    from ..permissions.factories import UserFactory

    admin = UserFactory(username="demo_admin", superuser=True)
    load_portal_pages(admin)
    load_portal_pages(admin)  # again: nothing new
    page = CaseIndexPage.objects.get()
    assert page.slug == "banjian" and page.live and page.get_parent().specific_class is HomePage
    html = client.get("/banjian/").content.decode()
    assert 'href="/banjian/"' in html and "办件服务" in html and "办件公示" in html


@pytest.mark.django_db
def test_previews_nobody_submitted_are_purged_by_the_nightly_command(monkeypatch):
    import datetime
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    storage = private_storage()
    old = storage.save("cases/pending/oldtoken/a.pdf", ContentFile(b"%PDF-1.4 old"))
    later = timezone.now() + datetime.timedelta(hours=3)  # three hours on: the first preview is stale
    monkeypatch.setattr("django.core.files.storage.memory.now", lambda: later)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    fresh = storage.save("cases/pending/newtoken/b.pdf", ContentFile(b"%PDF-1.4 new"))
    out = StringIO()
    call_command("supervise_cases", stdout=out)
    assert not storage.exists(old) and storage.exists(fresh)
    assert "预览文件 1 个" in out.getvalue()
    storage.delete(fresh)


def test_the_notice_qr_code_opens_the_lookup_with_the_number_filled_in(client, case_page, amended):
    from django.test import RequestFactory

    from cases.admin_views import progress_url

    url = progress_url(RequestFactory().get("/"), amended)
    assert url.endswith(f"/banjian/lookup/?number={amended.number}")
    html = client.get(f"/banjian/lookup/?number={amended.number}").content.decode()
    assert f'value="{amended.number}"' in html
    assert amended.lookup_code not in html and "张三丰" not in html
