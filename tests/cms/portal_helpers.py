"""Helpers for the portal page suites: pages composed of blocks, halls, notices, and the admin's
StreamField form data."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail import blocks

from halls.models import Hall, Notice, Window
from portal.models import HomePage, SectionPage

from ..factories import UserFactory


def text(response) -> str:
    """The response body with tags removed and white space collapsed (what a visitor reads)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(kind: str, **value) -> dict:
    return {"type": kind, "value": value}


def make_section(*body: dict, slug: str = "lanmu", title: str = "测试栏目", publish: bool = True) -> SectionPage:
    """A section page under the home page with the given blocks, published as an editor would."""
    home = HomePage.objects.get()
    page = SectionPage(title=title, slug=slug, body=json.dumps(list(body), ensure_ascii=False), live=False)
    home.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def make_hall(department, code: str, name: str, *, level: str = "city", **extra) -> Hall:
    return Hall.objects.create(
        department=department,
        code=code,
        name=name,
        level=level,
        address=extra.pop("address", "示范市人民大道1号"),
        hours=extra.pop("hours", "工作日 9:00-17:00"),
        phone=extra.pop("phone", "0999-1234567"),
        **extra,
    )


def make_window(hall: Hall, number: str, name: str, *, matters=(), departments=(), **extra) -> Window:
    window = Window.objects.create(hall=hall, number=number, name=name, **extra)
    window.matters.set(matters)
    window.departments.set(departments)
    return window


def make_notice(department, title: str, halls, *, days_left: int | None = 1, starts_days_ago: int = 1, **extra):
    """A notice shown in ``halls`` from ``starts_days_ago`` days ago for ``days_left`` more days
    (None: no end; negative: already expired)."""
    now = timezone.now()
    notice = Notice.objects.create(
        department=department,
        title=title,
        text=extra.pop("text", f"{title}的内容。"),
        starts_at=now - datetime.timedelta(days=starts_days_ago),
        ends_at=None if days_left is None else now + datetime.timedelta(days=days_left),
        **extra,
    )
    notice.halls.set(halls)
    return notice


# ---- the admin's StreamField form data ---------------------------------------------------------


def block_post_data(block_def, value, prefix: str) -> dict:
    """What the admin's StreamField editor posts for ``value`` (raw JSON-like data)."""
    data: dict = {}
    if isinstance(block_def, blocks.StreamBlock):
        data[f"{prefix}-count"] = str(len(value))
        for i, child in enumerate(value):
            data.update(
                {f"{prefix}-{i}-type": child["type"], f"{prefix}-{i}-deleted": "", f"{prefix}-{i}-order": str(i)}
            )
            data[f"{prefix}-{i}-id"] = child.get("id", "")
            data.update(block_post_data(block_def.child_blocks[child["type"]], child["value"], f"{prefix}-{i}-value"))
    elif isinstance(block_def, blocks.ListBlock):
        data[f"{prefix}-count"] = str(len(value))
        for i, item in enumerate(value):
            data.update({f"{prefix}-{i}-deleted": "", f"{prefix}-{i}-order": str(i), f"{prefix}-{i}-id": ""})
            data.update(block_post_data(block_def.child_block, item, f"{prefix}-{i}-value"))
    elif isinstance(block_def, blocks.StructBlock):
        for name, child in block_def.child_blocks.items():
            child_value = value.get(name, child.get_prep_value(child.get_default()))
            data.update(block_post_data(child, child_value, f"{prefix}-{name}"))
    elif isinstance(block_def, blocks.BooleanBlock):
        if value:
            data[prefix] = "on"
    elif isinstance(block_def, blocks.MultipleChoiceBlock):
        data[prefix] = [str(v) for v in value or []]
    else:
        data[prefix] = "" if value is None else str(value)
    return data


# ---- a small world with something of every kind ---------------------------------------------


@dataclass
class Portal:
    world: object
    admin: object
    halls: dict = field(default_factory=dict)
    windows: dict = field(default_factory=dict)
    notices: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    bundle: object = None


def build_portal(world) -> Portal:
    """The ``world`` of tests/conftest.py plus halls, windows, notices, documents and a bundle,
    each in a public and a non-public state; no portal page is made."""
    from ..disclosure.conftest import make_document
    from ..guides.conftest import make_bundle

    admin = UserFactory(username="portal_admin", is_staff=True, is_superuser=True)
    portal = Portal(world=world, admin=admin)
    a, b = world.dept_a, world.dept_b
    city = make_hall(a, "city-center", "测试市政务服务中心", sort_order=1, directions="地铁1号线市民中心站")
    county = make_hall(b, "east-center", "测试东区政务服务中心", level="county", sort_order=2)
    closed = make_hall(a, "old-hall", "已停用的旧大厅", level="town", is_active=False)
    portal.halls = {"city": city, "county": county, "closed": closed}
    portal.windows = {
        "open": make_window(
            city,
            "A01",
            "综合受理窗口",
            kind="comprehensive",
            matters=[world.matters["own"], world.matters["own_draft"], world.matters["other"]],
            departments=[a, b],
        ),
        "closed": make_window(city, "A02", "甲局专业窗口", is_open=False, closed_reason="系统升级，暂停服务半天"),
        "county": make_window(county, "01", "东区综合窗口"),
    }
    portal.notices = {
        "urgent": make_notice(a, "中心停车场临时关闭", [city], level="urgent"),
        "info": make_notice(b, "东区中心延时服务", [county], days_left=None),
        "expired": make_notice(a, "已经过期的公告", [city], days_left=-1, starts_days_ago=5),
        "withdrawn": make_notice(a, "已经撤下的公告", [city], is_active=False),
        "future": make_notice(a, "下月才开始的公告", [city], starts_days_ago=-30, days_left=40),
        "closed_hall": make_notice(a, "旧大厅的公告", [closed]),
    }
    portal.documents = {
        "live": make_document(a, "甲局行政规范性文件公开", slug="doc-live"),
        "draft": make_document(a, "甲局未发布的文件", slug="doc-draft", publish=False),
        "other": make_document(b, "乙局机构职能公开", slug="doc-other", category="organisation"),
    }
    portal.bundle = make_bundle(a, [(world.matters["own"], 1), (world.matters["other"], 2)], slug="yjs-test")
    return portal
