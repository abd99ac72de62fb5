"""Wagtail's document and image forms with the platform's upload check (``core.uploads``).

Set as ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` and ``WAGTAILIMAGES_IMAGE_FORM_BASE``, so the single
upload, the multiple upload and the chooser's upload all refuse a file whose content is not what
its name says, with a Chinese message naming the file and the reason. The check runs before
Wagtail's own field parses the image, so a damaged image is a form error and never a 500; an
accepted file is stored under a generated name (the original stays the title).
"""

from __future__ import annotations

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .uploads import DOCUMENTS, IMAGES, UploadPolicy, check_upload, stored_name


def _guard_file_field(form, policy: UploadPolicy) -> None:
    field = form.fields.get("file")
    if field is None:
        return
    parse = field.to_python

    def to_python(data):
        if data not in (None, "") and hasattr(data, "read"):
            check_upload(data, policy)
            data.name = stored_name(data.name)
        return parse(data)

    field.to_python = to_python


class DocumentForm(BaseDocumentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_file_field(self, DOCUMENTS)


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_file_field(self, IMAGES)
