"""在线申请 shown again after an error keeps the applicant's answers and every material already
uploaded (``core.held_uploads``); the kept files go through the same content check."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case

from ..helpers import next_challenge
from .test_public import PDF, applicant_data, apply_url, case_page, png, with_challenge  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_private_storage")]


def test_a_refused_application_keeps_answers_and_uploaded_materials(client, case_page, case_world):  # noqa: F811
    url = apply_url(case_world.matters["promised"])
    data = with_challenge(client, url, applicant_data(id_number="110101199003071234", email="w@example.cn"))
    refused = client.post(
        url,
        {
            **data,
            "material_0": SimpleUploadedFile("申请表.pdf", PDF, content_type="application/pdf"),
            "material_1": SimpleUploadedFile("身份证.png", png(), content_type="image/png"),
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "居民身份证号码不正确" in html
    assert "已上传：申请表.pdf（可重新选择替换）" in html and "已上传：身份证.png（可重新选择替换）" in html
    assert "王小明" in html and "w@example.cn" in html and "110101199003071234" in html

    fixed = next_challenge(html, applicant_data(email="w@example.cn"))
    preview = client.post(url, fixed)  # no file chosen again
    text = preview.content.decode()
    assert "请核对申请内容" in text and "申请表.pdf" in text and "身份证.png" in text
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    assert client.post(url, {"step": "confirm", "token": token}).status_code == 302
    materials = list(Case.objects.get().materials.order_by("sort_order"))
    assert [m.original_name for m in materials] == ["申请表.pdf", "身份证.png"]
    with materials[0].file.open("rb") as handle:
        assert handle.read() == PDF


def test_a_material_refused_by_content_is_not_kept(client, case_page, case_world):  # noqa: F811
    url = apply_url(case_world.matters["promised"])
    data = with_challenge(client, url, applicant_data())
    html = client.post(
        url,
        {
            **data,
            "material_0": SimpleUploadedFile("申请表.pdf", b"<!doctype html><script>1</script>"),
            "material_1": SimpleUploadedFile("身份证.png", png(), content_type="image/png"),
        },
    ).content.decode()
    assert "“申请表”：" in html and "已上传：申请表.pdf" not in html and "已上传：身份证.png" in html
    again = client.post(url, next_challenge(html, applicant_data())).content.decode()
    assert "请上传“申请表”" in again and "已上传：身份证.png" in again and not Case.objects.exists()


def test_back_from_the_preview_shows_the_answers_and_files_again(client, case_page, case_world):  # noqa: F811
    url = apply_url(case_world.matters["promised"])
    data = with_challenge(client, url, applicant_data(email="w@example.cn"))
    data["material_0"] = SimpleUploadedFile("申请表.pdf", PDF, content_type="application/pdf")
    data["material_1"] = SimpleUploadedFile("身份证.png", png(), content_type="image/png")
    preview = client.post(url, data).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    assert 'name="step" value="edit"' in preview

    back = client.post(url, {"step": "edit", "token": token}).content.decode()
    assert "请核对申请内容" not in back and "王小明" in back and "w@example.cn" in back
    assert "已上传：申请表.pdf（可重新选择替换）" in back and "已上传：身份证.png（可重新选择替换）" in back
    # the preview is gone: it cannot be confirmed any more, the form is the way on
    assert "预览已过期或已提交" in client.post(url, {"step": "confirm", "token": token}).content.decode()

    again = client.post(url, next_challenge(back, applicant_data(email="w@example.cn", name="王小红")))
    text = again.content.decode()
    assert "请核对申请内容" in text and "王小红" in text and "申请表.pdf" in text and "身份证.png" in text
