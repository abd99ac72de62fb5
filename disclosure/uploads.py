"""Files staff attach to letters (the information released), checked by what they contain.

The name's extension is not trusted: the first bytes must be those of an allowed type and agree
with the extension, images must open with Pillow, an inner extension that a server might run
(``report.php.pdf``) is refused, and markup or scripts anywhere in the file (an HTML page named
``.pdf``, a GIF/script polyglot) are refused. Files are stored in the private storage and served
only through views that check the right, as downloads with ``nosniff``.
"""

from __future__ import annotations

import re
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# extension -> the type the content must be
ALLOWED = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "ofd": "ofd",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
RISKY_INNER = re.compile(r"\.(php\d?|phtml|jsp|jspx|asp|aspx|cgi|pl|py|sh|exe|bat|cmd|js|html?|svg)\.", re.I)
MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|\?php)\b|javascript:|/JavaScript\b", re.I)


def _detect(head: bytes, upload) -> str | None:
    if head.startswith(b"PK"):
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "OFD.xml" in names:
            return "ofd"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    kind = filetype.guess(head)
    return kind.extension if kind else None


def check_upload(upload) -> str:
    """Validate an uploaded file; returns its content type or raises ``ValidationError`` in Chinese."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = "、".join(sorted({e.upper() for e in ALLOWED}))
    if extension not in ALLOWED:
        raise ValidationError(f"“{name}”的文件类型不允许上传，只接受 {allowed} 文件。")
    if RISKY_INNER.search(name):
        raise ValidationError(f"“{name}”的文件名含有可执行文件的扩展名，请改名后重新上传。")
    limit = settings.DISCLOSURE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"“{name}”超过{limit // (1024 * 1024)}MB，请压缩或拆分后上传。")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    detected = _detect(content[:8192], upload)
    if detected != ALLOWED[extension]:
        raise ValidationError(
            f"“{name}”的内容与扩展名 .{extension} 不符（不是有效的 {extension.upper()} 文件），请核对后重新上传。"
        )
    if MARKUP.search(content):
        raise ValidationError(f"“{name}”含有网页或脚本内容，不能作为附件上传。")
    if detected in ("jpg", "png"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError(f"“{name}”不是完整的图片文件。") from error
        finally:
            upload.seek(0)
    return CONTENT_TYPES[detected]
