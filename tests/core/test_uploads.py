"""Uploads typed by content (core.uploads), through Wagtail's admin forms and the public form."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from core.uploads import ATTACHMENTS, DOCUMENTS, IMAGES, check_upload

from ..permissions.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def image_bytes(fmt: str = "PNG", size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt)
    return out.getvalue()


def docx_bytes(extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def refused(name: str, data: bytes, policy) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, data), policy)
    message = caught.value.messages[0]
    assert name.split("/")[-1] in message
    return message


def test_accepted_files_get_the_type_their_content_has():
    assert check_upload(SimpleUploadedFile("a.pdf", PDF), DOCUMENTS) == "application/pdf"
    assert check_upload(SimpleUploadedFile("a.docx", docx_bytes()), DOCUMENTS).endswith("document")
    assert check_upload(SimpleUploadedFile("a.png", image_bytes()), IMAGES) == "image/png"
    assert check_upload(SimpleUploadedFile("a.webp", image_bytes("WEBP")), IMAGES) == "image/webp"
    assert check_upload(SimpleUploadedFile("a.gif", image_bytes("GIF")), IMAGES) == "image/gif"
    assert check_upload(SimpleUploadedFile("a.jpg", image_bytes("JPEG")), ATTACHMENTS) == "image/jpeg"


def test_html_named_pdf_and_executable_inner_names_are_refused():
    assert "不符" in refused("report.pdf", HTML, DOCUMENTS)
    assert "可执行" in refused("shell.php.pdf", PDF, DOCUMENTS)
    assert "网页或脚本" in refused("a.pdf", PDF + b"<script>alert(1)</script>", ATTACHMENTS)
    assert "不允许" in refused("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", IMAGES)
    assert "不允许" in refused("page.html", HTML, DOCUMENTS)
    assert "不符" in refused("photo.png", image_bytes("JPEG"), IMAGES)


def test_image_polyglots_and_trailing_bytes_are_refused():
    assert "结束标记之后" in refused("a.png", image_bytes() + b"1", IMAGES)
    assert "结束标记之后" in refused("a.gif", image_bytes("GIF") + b"alert(1)//", IMAGES)
    gif = bytearray(image_bytes("GIF"))
    gif[6:8] = b"/*"
    assert "脚本" in refused("a.gif", bytes(gif) + b"*/=alert(1)//", IMAGES)
    assert "网页或脚本" in refused("a.jpg", image_bytes("JPEG")[:-2] + b"<script>x</script>\xff\xd9", IMAGES)


def test_pixel_floods_are_refused_from_the_header(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10_000
    assert "像素过多" in refused("big.png", image_bytes(size=(200, 200)), IMAGES)


def test_archive_bombs_are_refused_before_inflating(settings):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (5 * 1024 * 1024))
    assert "压缩比" in refused("bomb.docx", bomb.getvalue(), DOCUMENTS)
    many = docx_bytes({f"word/media/{i}.xml": "x" for i in range(1001)})
    assert "过多" in refused("many.docx", many, DOCUMENTS)


def test_sizes_are_limited_per_use(settings):
    settings.DISCLOSURE_ATTACHMENT_MAX_BYTES = 10
    assert "超过" in refused("a.pdf", PDF, ATTACHMENTS)


# ---- through the admin -------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(superuser=True))
    return client


def test_the_document_form_refuses_html_named_pdf_with_a_chinese_message(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"), {"title": "报告", "file": SimpleUploadedFile("report.pdf", HTML), "collection": 1}
    )
    assert response.status_code == 200
    assert "report.pdf" in response.content.decode() and "不符" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_the_multiple_upload_refuses_too(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"), {"files[]": SimpleUploadedFile("shell.php.pdf", PDF)}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False and "可执行" in str(body)
    assert not get_document_model().objects.exists()


def test_an_accepted_document_is_stored_under_a_generated_name_and_downloaded(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": "年度报告", "file": SimpleUploadedFile("../年度报告.pdf", PDF), "collection": 1},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get()
    assert document.title == "年度报告" and "年度报告" not in document.file.name and ".." not in document.file.name
    # What Wagtail's serve view sends as Content-Disposition (WAGTAILDOCS_INLINE_CONTENT_TYPES = []).
    assert document.content_disposition.startswith("attachment")


def test_an_image_with_trailing_bytes_is_a_form_error_not_a_500(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "图", "file": SimpleUploadedFile("step.png", image_bytes() + b"1"), "collection": 1},
    )
    assert response.status_code == 200
    assert "step.png" in response.content.decode() and "结束标记之后" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_a_gif_script_polyglot_is_refused_by_the_image_form(admin_client):
    gif = bytearray(image_bytes("GIF"))
    gif[6:8] = b"/*"
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "图", "file": SimpleUploadedFile("x.gif", bytes(gif) + b"*/=alert(1)//"), "collection": 1},
    )
    assert response.status_code == 200 and "脚本" in response.content.decode()
    assert not get_image_model().objects.exists()
