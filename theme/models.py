"""Portal settings editors maintain: who runs the site, how to reach them, the filing numbers.

One record per Wagtail site (设置 › 门户网站设置). The footer, the header emblem and the default
meta description read it. Every save is kept by django-simple-history with the editor and a
reason, so a wrong filing number can be traced and put back (门户网站设置 › 修改历史).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.permission_policies.sites import SitePermissionPolicy

from .forms import PortalSettingsForm


def validate_link(value: str) -> None:
    """A footer link is a path on this site or an http(s) address; nothing else is clickable."""
    if not (value.startswith("/") or value.startswith("https://") or value.startswith("http://")):
        raise ValidationError("请填写以 / 开头的本站地址，或以 http:// 、https:// 开头的外部网址。")


class FooterLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="名称", max_length=40)
    url = blocks.CharBlock(
        label="地址", max_length=300, validators=[validate_link], help_text="如 /xxgk/gkzn/ 或 https://www.gov.cn/"
    )

    class Meta:
        icon = "link"
        label = "链接"


class PortalSettingsPolicy(SitePermissionPolicy):
    """Wagtail's per-site settings permissions, except that nobody adds or deletes a record by hand:
    there is one per site, made on first use (the history viewset would otherwise offer both)."""

    NOT_BY_HAND = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user, actions):
        actions = [action for action in actions if action not in self.NOT_BY_HAND]
        return bool(actions) and super().user_has_any_permission(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = [action for action in actions if action not in self.NOT_BY_HAND]
        return bool(actions) and super().user_has_any_permission_for_instance(user, actions, instance)


# A site's 区划 is a people's government or a 街道办, as the 区划 switch counts them
# (permissions.regions): a county-level department directly under the city's people's government
# (东湖区人民政府), or a town-level one directly under such a district (湖滨街道办事处). A district's own
# bureaus (东湖区市场监管局) and a city bureau's branches are not a 区划.
REGION_CHOICES = Q(is_active=True) & (
    Q(level="county", parent__isnull=False, parent__parent__isnull=True)
    | Q(level="town", parent__level="county", parent__parent__isnull=False, parent__parent__parent__isnull=True)
)
REGION_HELP = (
    "本站服务的区（县）或街道（乡镇）：选择其人民政府、街道办事处。本站的数据栏目、事项目录、办事指南和"
    "公开目录默认只显示该区划及其下级部门的内容。全市的网站留空。"
)


def validate_party_mark_url(value: str) -> None:
    """The 党政机关网站标识 links to its registry (中国机构编制网, conac.cn), nowhere else."""
    host = (urlsplit(value).hostname or "").lower()
    if not value.startswith("https://") or not (host == "conac.cn" or host.endswith(".conac.cn")):
        raise ValidationError(
            "党政机关网站标识链接须为中国机构编制网（conac.cn）的 https 查询地址，"
            "如 https://bszs.conac.cn/sitename?method=show&id=…。"
        )


site_code_validator = RegexValidator(
    r"^[0-9A-Za-z]{10}$", "网站标识码是 10 位数字或字母，请按《政府网站发展指引》分配的代码填写。"
)


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """The site-wide facts of the portal shown in its header and footer."""

    host_organisation = models.CharField("主办单位", max_length=100, blank=True, help_text="如 示范市人民政府办公室。")
    organiser = models.CharField("承办单位", max_length=100, blank=True, help_text="如 示范市大数据管理局。")
    address = models.CharField("联系地址", max_length=200, blank=True)
    postcode = models.CharField(
        "邮政编码", max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$", "邮政编码是 6 位数字。")]
    )
    phone = models.CharField(
        "联系电话", max_length=50, blank=True, help_text="网站运维或办公室电话，如 0999-12345678。"
    )
    email = models.EmailField("电子邮箱", blank=True)
    hotline = models.CharField("政务服务便民热线", max_length=20, default="12345")
    icp_number = models.CharField(
        "ICP备案号",
        max_length=50,
        blank=True,
        help_text="如 示ICP备2026000001号，页脚链接到工业和信息化部备案管理系统。",
    )
    public_security_number = models.CharField(
        "公安机关备案号", max_length=50, blank=True, help_text="如 示公网安备99010002000001号。"
    )
    site_code = models.CharField("网站标识码", max_length=10, blank=True, validators=[site_code_validator])
    region = models.ForeignKey(
        "permissions.Department",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=REGION_CHOICES,
        help_text=REGION_HELP,
    )
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="标志图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="页头左侧的标志，建议使用正方形、透明背景的 PNG 图片；留空时显示中性的占位图形。",
    )
    site_description = models.TextField(
        "网站简介",
        max_length=300,
        blank=True,
        help_text="搜索引擎和分享卡片在页面没有自己的摘要时显示这段话，建议 120 字以内。",
    )
    footer_links = StreamField(
        [("link", FooterLinkBlock())], verbose_name="页脚链接", blank=True, max_num=20, use_json_field=True
    )

    # 《政府网站发展指引》 (国办发〔2017〕47号): the 党政机关 mark in the footer, linked to its registry.
    party_mark = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="党政机关网站标识图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="中央机构编制委员会办公室为本站核发的“党政机关”网站标识图片，显示在页脚；留空时页脚不显示标识。",
    )
    party_mark_url = models.URLField(
        "党政机关网站标识链接",
        max_length=300,
        blank=True,
        validators=[validate_party_mark_url],
        help_text="点击标识打开的核验地址，由中国机构编制网提供，如 https://bszs.conac.cn/sitename?method=show&id=…。",
    )

    history = HistoricalRecords(verbose_name="门户网站设置历史")

    edit_handler = ObjectList(
        [
            HelpPanel(template="theme/admin/settings_history_link.html"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("host_organisation"), FieldPanel("organiser")]),
                    # The 区划 shapes the site (its listings' default filter): the system administrators
                    # set it; a site's own editors (a per-site permission only) do not see the field.
                    FieldPanel("region", permission="theme.change_portalsettings"),
                    FieldPanel("emblem"),
                    FieldPanel("site_description"),
                ],
                heading="网站",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("address"), FieldPanel("postcode")]),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("hotline")]),
                ],
                heading="联系方式",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("icp_number"),
                    FieldPanel("public_security_number"),
                    FieldPanel("site_code"),
                    FieldRowPanel([FieldPanel("party_mark"), FieldPanel("party_mark_url")]),
                ],
                heading="备案和标识",
            ),
            FieldPanel("footer_links"),
            FieldPanel("change_reason"),
        ],
        base_form_class=PortalSettingsForm,
    )

    # The emblem and the 区划 come with the setting in one query (the header, the footer and the
    # listings' default 区划 need them on every page).
    select_related = ["emblem", "region", "party_mark"]

    class Meta:
        verbose_name = "门户网站设置"
        verbose_name_plural = "门户网站设置"

    @classmethod
    def get_permission_policy(cls) -> PortalSettingsPolicy:
        return PortalSettingsPolicy(cls)

    def clean(self) -> None:
        """A 区划 is a people's government or 街道办, and serves one site only; the 党政机关 mark
        has both its image and its link, or neither."""
        super().clean()
        self.clean_party_mark()
        region = self.region if self.region_id else None
        if region is None:
            return
        parent = region.parent
        district = parent if region.level == "town" else region
        if (
            region.level not in ("county", "town")
            or parent is None
            or (region.level == "town" and parent.level != "county")
            or district.parent is None
            or district.parent.parent_id is not None
        ):
            raise ValidationError(
                {
                    "region": f"“{region.name}”不是区划：所属区划只能选择区（县）人民政府、街道办事处或镇（乡）"
                    "人民政府，不能选择其工作部门。"
                }
            )
        if not region.is_active:
            raise ValidationError({"region": f"“{region.name}”已停用，不能作为所属区划。"})
        other = PortalSettings.objects.filter(region=region).exclude(pk=self.pk).select_related("site").first()
        if other is not None:
            raise ValidationError(
                {
                    "region": f"“{region.name}”已是站点“{other.site.site_name or other.site.hostname}”的所属区划，"
                    "一个区划只设一个网站。"
                }
            )

    def clean_party_mark(self) -> None:
        if self.party_mark_id and not self.party_mark_url:
            raise ValidationError({"party_mark_url": "已上传党政机关网站标识图片，请同时填写党政机关网站标识链接。"})
        if self.party_mark_url and not self.party_mark_id:
            raise ValidationError({"party_mark": "已填写党政机关网站标识链接，请同时上传党政机关网站标识图片。"})

    @property
    def public_security_code(self) -> str:
        """The digits of the public security filing number (the query link needs them)."""
        return "".join(ch for ch in self.public_security_number if ch.isdigit())
