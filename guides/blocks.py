"""What only a guide has, as StreamField blocks: everything structured comes from the matter.

Editors add notices and tips, illustrated step-by-step instructions, FAQ, downloadable forms,
a location and related guides. None of these may repeat a matter element (materials, time
limits, fees...): those are rendered from the matter at request time.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

NOTICE_KINDS = [("notice", "注意事项"), ("tip", "温馨提示"), ("warning", "特别提醒")]


class NoticeBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label="类型", choices=NOTICE_KINDS, default="notice")
    title = blocks.CharBlock(label="标题", max_length=60, required=False)
    text = blocks.RichTextBlock(label="内容", features=["bold", "ol", "ul", "link"])

    class Meta:
        label = "注意事项/提示"
        icon = "warning"
        template = "guides/blocks/notice.html"


class IllustratedStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="步骤标题", max_length=80)
    image = ImageChooserBlock(label="示意图", required=False)
    image_alt = blocks.CharBlock(
        label="图片说明（供读屏软件朗读）", max_length=120, required=False, help_text="有示意图时必填。"
    )
    text = blocks.RichTextBlock(label="说明", features=["bold", "ol", "ul", "link"])

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("image_alt") or "").strip():
            raise StructBlockValidationError({"image_alt": ValidationError("有示意图时请填写图片说明。")})
        return value


class IllustratedStepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="图解办事步骤")
    steps = blocks.ListBlock(IllustratedStepBlock(), label="步骤", min_num=1)

    class Meta:
        label = "图解步骤"
        icon = "list-ol"
        template = "guides/blocks/illustrated_steps.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="问题", max_length=200)
    answer = blocks.RichTextBlock(label="解答", features=["bold", "ol", "ul", "link"])


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="办事指南常见问题")
    items = blocks.ListBlock(QuestionBlock(), label="问答", min_num=1)

    class Meta:
        label = "常见问题"
        icon = "help"
        template = "guides/blocks/faq.html"


class DownloadBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="表格名称", max_length=120)
    blank = DocumentChooserBlock(label="空白表格")
    sample = DocumentChooserBlock(label="填写示例", required=False)
    note = blocks.CharBlock(label="填写说明", max_length=200, required=False)


class DownloadsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="表格下载")
    items = blocks.ListBlock(DownloadBlock(), label="表格", min_num=1)

    class Meta:
        label = "表格下载"
        icon = "doc-full"
        template = "guides/blocks/downloads.html"


class LocationBlock(blocks.StructBlock):
    """A place to go, with a link to an online map; no map script is embedded (no CDN)."""

    name = blocks.CharBlock(label="地点名称", max_length=120)
    address = blocks.CharBlock(label="地址", max_length=200)
    longitude = blocks.DecimalBlock(label="经度", required=False, min_value=-180, max_value=180, decimal_places=6)
    latitude = blocks.DecimalBlock(label="纬度", required=False, min_value=-90, max_value=90, decimal_places=6)
    transport = blocks.TextBlock(label="交通指引", required=False, max_length=300)
    parking = blocks.CharBlock(label="停车", max_length=200, required=False)
    accessibility = blocks.CharBlock(
        label="无障碍设施", max_length=200, required=False, help_text="例如：无障碍通道、爱心窗口、轮椅借用。"
    )

    def clean(self, value):
        value = super().clean(value)
        if (value.get("longitude") is None) != (value.get("latitude") is None):
            raise StructBlockValidationError({"latitude": ValidationError("经度和纬度须同时填写或同时留空。")})
        return value

    class Meta:
        label = "位置与交通"
        icon = "site"
        template = "guides/blocks/location.html"


class RelatedGuidesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="相关指南")
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(page_type=["guides.GuidePage", "guides.BundleGuidePage"]),
        label="指南",
        min_num=1,
    )

    class Meta:
        label = "相关指南"
        icon = "link"
        template = "guides/blocks/related_guides.html"


class GuideBodyBlock(blocks.StreamBlock):
    notice = NoticeBlock()
    illustrated_steps = IllustratedStepsBlock()
    faq = FAQBlock()
    downloads = DownloadsBlock()
    location = LocationBlock()
    related_guides = RelatedGuidesBlock()

    class Meta:
        block_counts = {"location": {"max_num": 3}}
