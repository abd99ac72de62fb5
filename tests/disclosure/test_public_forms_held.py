"""依申请公开's form shown again after an error keeps every answer and the attachment already
uploaded (``core.held_uploads``): the visitor need not choose the file again."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.held_uploads import SESSION_KEY
from core.uploads import private_storage
from disclosure.models import DisclosureRequest

from ..helpers import next_challenge
from .test_request_public import application, index_url, with_challenge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_private_storage")]


VALID_ADDRESS = "示范市西山区青年路1号"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_a_refused_application_keeps_the_answers_and_the_attachment(client, world):
    url = index_url() + "apply/"
    data = with_challenge(client, application(world, phone="12345", document_hint="2025年第3号通知"))
    refused = client.post(url, {**data, "attachment": SimpleUploadedFile("申请说明.pdf", PDF)})
    html = refused.content.decode()
    assert refused.status_code == 200 and "请填写正确的手机号码" in html
    assert "已上传：申请说明.pdf（可重新选择替换）" in html
    for answer in ("李四", "本市2025年公共租赁住房分配结果", "2025年第3号通知", "li@example.cn", VALID_ADDRESS):
        assert answer in html, answer
    assert re.search(r'name="agree"[^>]*checked', html)

    fixed = next_challenge(html, {**data, "phone": "13900001111"})
    assert client.post(url, fixed).status_code == 302  # no file chosen again
    request = DisclosureRequest.objects.get()
    with request.attachment.open("rb") as handle:
        assert handle.read() == PDF
    assert "申请说明" not in request.attachment.name  # still stored under a generated name
    assert not client.session.get(SESSION_KEY, {}).get("disclosure-request")  # the kept copy is gone


def test_a_refused_file_is_not_kept_and_a_new_choice_replaces_a_kept_one(client, world):
    url = index_url() + "apply/"
    data = with_challenge(client, application(world, phone="12345"))
    html = client.post(url, {**data, "attachment": SimpleUploadedFile("网页.pdf", b"<html><script>1</script>")})
    assert "已上传" not in html.content.decode()

    kept = client.post(
        url, {**next_challenge(html.content.decode(), data), "attachment": SimpleUploadedFile("旧.pdf", PDF)}
    )
    assert "已上传：旧.pdf" in kept.content.decode()
    newer = PDF.replace(b"Catalog", b"Catalog /Lang (zh)")
    fixed = next_challenge(kept.content.decode(), {**data, "phone": "13900001111"})
    assert client.post(url, {**fixed, "attachment": SimpleUploadedFile("新.pdf", newer)}).status_code == 302
    with DisclosureRequest.objects.get().attachment.open("rb") as handle:
        assert handle.read() == newer


def test_a_kept_file_is_checked_by_content_again_and_can_be_left_out(client, world):
    url = index_url() + "apply/"
    data = with_challenge(client, application(world, phone="12345"))
    kept = client.post(url, {**data, "attachment": SimpleUploadedFile("说明.pdf", PDF)}).content.decode()
    entry = client.session[SESSION_KEY]["disclosure-request"]["attachment"]
    storage = private_storage()
    with storage.open(entry["path"], "wb") as handle:  # the kept copy changed behind the form's back
        handle.write(b"<html><script>alert(1)</script></html>")
    again = client.post(url, next_challenge(kept, {**data, "phone": "13900001111"}))
    assert again.status_code == 200 and "不符" in again.content.decode()
    assert not DisclosureRequest.objects.exists()

    data = with_challenge(client, application(world, phone="12345"))
    kept = client.post(url, {**data, "attachment": SimpleUploadedFile("说明.pdf", PDF)}).content.decode()
    assert 'name="attachment__drop"' in kept  # an optional attachment may be left out after all
    fixed = next_challenge(kept, {**data, "phone": "13900001111", "attachment__drop": "on"})
    assert client.post(url, fixed).status_code == 302
    assert not DisclosureRequest.objects.get().attachment
