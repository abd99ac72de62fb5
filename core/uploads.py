"""Uploaded files typed by what they contain: one check for every use (documents, images,
request attachments and, next, case materials).

GB/T 22239-2019 level 3, 8.1.4.5 (软件容错: 数据格式或长度符合要求) and 8.1.5.3 (资源控制), and
8.1.4.6 / 《网络安全法》第二十一条 (防范恶意代码):

- the **type** is decided from the content (magic bytes via ``filetype``, the zip directory for
  Office/OFD files), must be on the use's allow-list and agree with the name's extension; an inner
  extension a server might run (``shell.php.pdf``) is refused; SVG and HTML are never accepted;
- **markup or script** anywhere in a non-archive file (an HTML page named ``.pdf``, a PDF with
  ``/JavaScript``) is refused;
- **images** are opened with Pillow: dimensions are checked from the header before any pixel is
  decoded (pixel floods), the file must ``verify``, and nothing may follow the image's end marker
  (a GIF/script polyglot, "trailing garbage"): each is a form error naming the file, never a 500;
- **archives** (docx, xlsx, odt, ofd, zip) are sized from their directory before anything inflates
  them: member count, each member's and the total uncompressed size, compression ratio;
- **sizes** per use from settings; **names** are never used as paths: ``stored_name`` gives a
  generated name, the original is kept only for display.

Serving: documents as downloads (``WAGTAILDOCS_INLINE_CONTENT_TYPES = []``), every response with
``X-Content-Type-Options: nosniff`` (``SECURE_CONTENT_TYPE_NOSNIFF``), private files only through
views that check the right (docs/security-uploads.md).
"""

from __future__ import annotations

import re
import struct
import uuid
import zipfile
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    members: int = 1000
    total_bytes: int = 200 * MB
    member_bytes: int = 100 * MB
    ratio: int = 100  # uncompressed / compressed, for members larger than RATIO_FLOOR
    what: str = "文件"


RATIO_FLOOR = 1 * MB


@dataclass(frozen=True)
class Kind:
    """A type the platform accepts: its extensions and the content type it is served with."""

    extensions: tuple[str, ...]
    content_type: str
    image: bool = False
    archive: bool = False
    text: bool = False


KINDS = {
    "pdf": Kind(("pdf",), "application/pdf"),
    "jpg": Kind(("jpg", "jpeg"), "image/jpeg", image=True),
    "png": Kind(("png",), "image/png", image=True),
    "gif": Kind(("gif",), "image/gif", image=True),
    "webp": Kind(("webp",), "image/webp", image=True),
    "ole": Kind(("doc", "xls"), "application/octet-stream"),  # Word 97/Excel 97 compound files
    "docx": Kind(("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", archive=True),
    "xlsx": Kind(("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", archive=True),
    "odt": Kind(("odt",), "application/vnd.oasis.opendocument.text", archive=True),
    "ofd": Kind(("ofd",), "application/ofd", archive=True),
    "zip": Kind(("zip",), "application/zip", archive=True),
    "rtf": Kind(("rtf",), "application/rtf"),
    "text": Kind(("txt", "csv"), "text/plain", text=True),
}
OLE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}


@dataclass(frozen=True)
class UploadPolicy:
    """What one use accepts: kinds, the size setting, archive limits, the pixel limit."""

    label: str
    kinds: tuple[str, ...]
    max_bytes_setting: str
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)
    max_pixels_setting: str = "UPLOAD_MAX_IMAGE_PIXELS"
    excluded: tuple[str, ...] = ()  # extensions of an accepted kind this use still refuses

    @property
    def extensions(self) -> list[str]:
        return [e for kind in self.kinds for e in KINDS[kind].extensions if e not in self.excluded]

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.max_bytes_setting))

    @property
    def max_pixels(self) -> int:
        return int(getattr(settings, self.max_pixels_setting))


DOCUMENTS = UploadPolicy(
    "文档", ("pdf", "ole", "docx", "xlsx", "odt", "ofd", "zip", "rtf", "text"), "WAGTAILDOCS_MAX_UPLOAD_SIZE"
)
IMAGES = UploadPolicy("图片", ("jpg", "png", "gif", "webp"), "WAGTAILIMAGES_MAX_UPLOAD_SIZE")
# What applicants attach to a request (the form's model field allows the same extensions).
ATTACHMENTS = UploadPolicy(
    "附件", ("pdf", "jpg", "png", "ole", "docx", "ofd"), "DISCLOSURE_ATTACHMENT_MAX_BYTES", excluded=("xls",)
)
# What staff attach to letters (the information released).
LETTER_ATTACHMENTS = UploadPolicy(
    "答复附件", ("pdf", "jpg", "png", "ole", "docx", "xlsx", "ofd"), "DISCLOSURE_ATTACHMENT_MAX_BYTES"
)

RISKY_INNER = re.compile(
    r"\.(php\d?|phtml|phar|jsp|jspx|asp|aspx|cgi|pl|py|sh|exe|bat|cmd|com|js|mjs|html?|xhtml|svg|svgz)\.", re.I
)
MARKUP = re.compile(
    rb"<\s*(script|html|body|iframe|svg|object|embed|\?php)\b|<!doctype\s+html|javascript:|/JavaScript\b|/JS\b",
    re.I,
)


def private_storage():
    """Where applicants' files go: the "private" storage, never served as public media."""
    from django.core.files.storage import storages

    return storages["private"]


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(f"“{name}”{reason}")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def stored_name(name: str) -> str:
    """A generated storage name with the (checked) extension: the original is never a path."""
    return f"{uuid.uuid4().hex}.{extension_of(name)}"


def display_name(name: str) -> str:
    """The original name's last part, for showing and for the download's filename."""
    return re.split(r"[\\/]", name or "")[-1][:200]


# ---- archives -----------------------------------------------------------------------------


def inspect_archive(upload, name: str, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The members of a zip after checking their count, sizes and ratios; ``ValidationError`` otherwise."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(name, "不是有效的压缩格式文件（可能已损坏）。") from error
    finally:
        upload.seek(0)
    if len(members) > limits.members:
        raise _refuse(name, f"包含的文件过多（超过{limits.members}个），{limits.what}不能接受。")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise _refuse(name, "是加密的压缩文件，无法检查其内容。")
        if info.file_size > limits.member_bytes:
            raise ValidationError(f"{limits.what}过大：解压后超过{limits.member_bytes // MB}MB（“{name}”）。")
        total += info.file_size
        if total > limits.total_bytes:
            raise ValidationError(f"{limits.what}过大：解压后超过{limits.total_bytes // MB}MB（“{name}”）。")
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(name, f"的压缩比异常（超过{limits.ratio}倍），疑似压缩炸弹，不能接受。")
    return members


def _zip_kind(members: list[zipfile.ZipInfo], upload) -> str:
    names = {info.filename for info in members}
    if "OFD.xml" in names:
        return "ofd"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            mimetype = archive.read("mimetype")[:100]
        upload.seek(0)
        if mimetype.strip() == b"application/vnd.oasis.opendocument.text":
            return "odt"
    return "zip"


# ---- images -------------------------------------------------------------------------------


def _png_end(data: bytes) -> int | None:
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    return None


def _gif_end(data: bytes) -> int | None:
    if len(data) < 13:
        return None
    position = 13
    flags = data[10]
    if flags & 0x80:
        position += 3 * (2 ** ((flags & 0x07) + 1))

    def sub_blocks(at: int) -> int | None:
        while at < len(data):
            size = data[at]
            at += 1
            if size == 0:
                return at
            at += size
        return None

    while position < len(data):
        marker = data[position]
        if marker == 0x3B:
            return position + 1
        if marker == 0x21:
            position = sub_blocks(position + 2)
        elif marker == 0x2C:
            if position + 10 > len(data):
                return None
            local = data[position + 9]
            position += 10
            if local & 0x80:
                position += 3 * (2 ** ((local & 0x07) + 1))
            position = sub_blocks(position + 1)
        else:
            return None
        if position is None:
            return None
    return None


def _jpeg_end(data: bytes) -> int | None:
    end = data.rfind(b"\xff\xd9")
    return end + 2 if end >= 0 else None


def _webp_end(data: bytes) -> int | None:
    if len(data) < 12:
        return None
    (size,) = struct.unpack("<I", data[4:8])
    return 8 + size + (size & 1)


IMAGE_END = {"png": _png_end, "gif": _gif_end, "jpg": _jpeg_end, "webp": _webp_end}
PILLOW_FORMATS = {"png": "PNG", "gif": "GIF", "jpg": "JPEG", "webp": "WEBP"}


def _check_image(upload, data: bytes, name: str, kind: str, max_pixels: int) -> None:
    from PIL import Image, UnidentifiedImageError

    if kind == "gif" and data[6:8] == b"/*":
        raise _refuse(name, "的文件头含有脚本注释，疑似图片与脚本的混合文件，不能接受。")
    end = IMAGE_END[kind](data)
    if end is None or data[end:].strip(b"\x00"):
        raise _refuse(name, "在图片结束标记之后还有其他数据（或图片不完整），请重新保存为标准图片后上传。")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format != PILLOW_FORMATS[kind]:
                raise _refuse(name, "的内容与扩展名不符。")
            width, height = image.size
            if width * height > max_pixels:
                raise _refuse(name, f"的像素过多（{width}×{height}），请缩小到{max_pixels // 1_000_000}百万像素以内。")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _refuse(name, "不是完整的图片文件，无法打开。") from error
    finally:
        upload.seek(0)


# ---- the check ----------------------------------------------------------------------------


def _detect(upload, data: bytes, name: str, policy: UploadPolicy) -> str | None:
    head = data[:8192]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(inspect_archive(upload, name, policy.archive), upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    guessed = filetype.guess(head)
    if guessed is not None:
        return {"jpeg": "jpg"}.get(guessed.extension, guessed.extension)
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return "text"
    return None


def check_upload(upload, policy: UploadPolicy) -> str:
    """Check ``upload`` against ``policy``; its content type, or ``ValidationError`` naming the file."""
    name = display_name(getattr(upload, "name", "") or "")
    extension = extension_of(name)
    allowed = policy.extensions
    if extension not in allowed:
        listed = "、".join(e.upper() for e in allowed)
        raise _refuse(name, f"的文件类型不允许作为{policy.label}上传，只接受 {listed} 文件。")
    if RISKY_INNER.search(name):
        raise _refuse(name, "的文件名含有可执行文件的扩展名，请改名后重新上传。")
    size = getattr(upload, "size", None)
    if size is not None and size > policy.max_bytes:
        raise _refuse(name, f"超过{policy.max_bytes // MB}MB，请压缩或拆分后上传。")
    upload.seek(0)
    data = upload.read(policy.max_bytes + 1)
    upload.seek(0)
    if len(data) > policy.max_bytes:
        raise _refuse(name, f"超过{policy.max_bytes // MB}MB，请压缩或拆分后上传。")
    if not data:
        raise _refuse(name, "是空文件。")
    kind = _detect(upload, data, name, policy)
    if kind not in policy.kinds or extension not in KINDS[kind].extensions or extension not in allowed:
        raise _refuse(
            name, f"的内容与扩展名 .{extension} 不符（不是有效的 {extension.upper()} 文件），请核对后重新上传。"
        )
    spec = KINDS[kind]
    if not spec.archive and MARKUP.search(data):
        raise _refuse(name, "含有网页或脚本内容，不能上传。")
    if spec.image:
        _check_image(upload, data, name, kind, policy.max_pixels)
    if kind == "ole":
        return OLE_TYPES[extension]
    if kind == "text" and extension == "csv":
        return "text/csv"
    return spec.content_type


def validator(policy: UploadPolicy):
    """A form/model field validator for ``policy``."""

    def validate(upload) -> None:
        check_upload(upload, policy)

    validate.__name__ = f"check_{policy.max_bytes_setting.lower()}"
    return validate
