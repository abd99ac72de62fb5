"""Blocks of editorial content: banner, quick links, section heading and text."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from .base import PREVIEW_TEMPLATE, SectionBlock

BANNER_STYLES = [
    ("primary", "主色（深底白字）"),
    ("light", "浅色（浅底深字）"),
    ("notice", "提醒（醒目边框，用于重要通知）"),
]

# Icons drawn by the project (portal/blocks/icon.html); no icon font, no CDN.
ICONS = [
    ("person", "个人"),
    ("enterprise", "企业"),
    ("department", "部门"),
    ("bundle", "一件事"),
    ("hall", "大厅"),
    ("document", "文件"),
    ("guide", "指南"),
    ("search", "搜索"),
    ("phone", "电话"),
    ("calendar", "日历"),
    ("elderly", "长者"),
    ("star", "星标"),
]


def _check_link(value, *, required: bool) -> None:
    """A link is a page or an address, not both; some blocks need one."""
    if value.get("page") and value.get("url"):
        raise StructBlockValidationError({"url": ValidationError("页面和网址只能填写一个。")})
    if required and not (value.get("page") or value.get("url")):
        raise StructBlockValidationError({"page": ValidationError("请选择链接的页面，或填写网址。")})


class BannerBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", max_length=40)
    text = blocks.TextBlock(label="说明文字", max_length=200, required=False)
    image = ImageChooserBlock(label="配图", required=False, help_text="可不选；横幅较窄时只显示文字。")
    image_alt = blocks.CharBlock(
        label="配图说明（供读屏软件朗读）", max_length=80, required=False, help_text="有配图且配图有内容时填写。"
    )
    link_text = blocks.CharBlock(label="按钮文字", max_length=16, required=False, help_text="例如：立即办理。")
    page = blocks.PageChooserBlock(label="按钮链接到页面", required=False)
    url = blocks.URLBlock(label="或链接到网址", required=False)
    style = blocks.ChoiceBlock(label="样式", choices=BANNER_STYLES, default="primary")

    class Meta:
        label = "横幅"
        group = "页面内容"
        icon = "image"
        template = "portal/blocks/banner.html"
        preview_template = PREVIEW_TEMPLATE
        description = "页面顶部的大标题横幅，可带一个按钮。"
        preview_value = {
            "title": "“高效办成一件事”",
            "text": "一次告知、一表申请、一套材料、一窗受理、一网办理。",
            "link_text": "查看“一件事”",
            "url": "https://example.gov.cn/yjs/",
            "style": "primary",
        }

    def clean(self, value):
        value = super().clean(value)
        _check_link(value, required=bool(value.get("link_text")))
        if (value.get("page") or value.get("url")) and not value.get("link_text"):
            raise StructBlockValidationError({"link_text": ValidationError("有链接时请填写按钮文字。")})
        return value


class QuickLinkBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(label="图标", choices=ICONS, default="star")
    label = blocks.CharBlock(label="名称", max_length=16)
    description = blocks.CharBlock(label="一句话说明", max_length=40, required=False)
    page = blocks.PageChooserBlock(label="链接到页面", required=False)
    url = blocks.CharBlock(
        label="或链接到网址", max_length=300, required=False, help_text="站外网址或站内路径，例如 /xxgk/apply/。"
    )

    class Meta:
        label = "入口"
        label_format = "{label}"

    def clean(self, value):
        value = super().clean(value)
        _check_link(value, required=True)
        url = value.get("url") or ""
        if url and not url.startswith(("/", "https://", "http://")):
            raise StructBlockValidationError({"url": ValidationError("网址须以 / 或 http(s):// 开头。")})
        return value


class QuickLinksBlock(SectionBlock):
    links = blocks.ListBlock(QuickLinkBlock(), label="链接", min_num=1, max_num=12)

    class Meta:
        label = "快捷入口"
        group = "页面内容"
        icon = "link"
        template = "portal/blocks/quick_links.html"
        description = "一组带图标的常用入口，手机上两列显示。"
        preview_value = {
            "heading": "快捷入口",
            "links": [
                {"icon": "person", "label": "个人办事", "url": "/grbs/"},
                {"icon": "enterprise", "label": "法人办事", "url": "/frbs/"},
                {"icon": "document", "label": "依申请公开", "url": "/xxgk/apply/"},
            ],
        }


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="标题", max_length=40)
    subtitle = blocks.CharBlock(label="副标题", max_length=80, required=False)

    class Meta:
        label = "栏目分隔标题"
        group = "页面内容"
        icon = "title"
        template = "portal/blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        description = "把页面分成几部分的大标题。"
        preview_value = {"text": "政务公开", "subtitle": "权力在阳光下运行"}


class TextBlock(SectionBlock):
    text = blocks.RichTextBlock(label="正文", features=["h3", "bold", "ol", "ul", "link", "document-link"])

    class Meta:
        label = "图文段落"
        group = "页面内容"
        icon = "pilcrow"
        template = "portal/blocks/text.html"
        description = "一段说明文字，可加小标题、列表和链接。"
        preview_value = {"heading": "服务承诺", "text": "<p>首问负责、一次性告知、限时办结。</p>"}
