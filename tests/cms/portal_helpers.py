"""Helpers for the portal page suites: what a visitor reads, blocks, the admin's StreamField form
data, and a small portal with something of every kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wagtail import blocks

from ..disclosure.factories import DisclosureDocumentPageFactory
from ..guides.factories import BundleGuidePageFactory
from ..halls.factories import HallFactory, NoticeFactory, WindowFactory
from ..permissions.factories import UserFactory


def text(response) -> str:
    """The response body with tags removed and white space collapsed (what a visitor reads)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(kind: str, **value) -> dict:
    return {"type": kind, "value": value}


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
    admin = UserFactory(username="portal_admin", superuser=True)
    portal = Portal(world=world, admin=admin)
    a, b = world.dept_a, world.dept_b
    city = HallFactory(
        department=a, code="city-center", name="测试市政务服务中心", sort_order=1, directions="地铁1号线市民中心站"
    )
    county = HallFactory(department=b, code="east-center", name="测试东区政务服务中心", county=True, sort_order=2)
    closed = HallFactory(department=a, code="old-hall", name="已停用的旧大厅", town=True, inactive=True)
    portal.halls = {"city": city, "county": county, "closed": closed}
    portal.windows = {
        "open": WindowFactory(
            hall=city,
            number="A01",
            name="综合受理窗口",
            comprehensive=True,
            matters=[world.matters["own"], world.matters["own_draft"], world.matters["other"]],
            departments=[a, b],
        ),
        "closed": WindowFactory(hall=city, number="A02", name="甲局专业窗口", closed=True),
        "county": WindowFactory(hall=county, number="01", name="东区综合窗口"),
    }
    portal.notices = {
        "urgent": NoticeFactory(department=a, title="中心停车场临时关闭", halls=[city], urgent=True, days_left=1),
        "info": NoticeFactory(department=b, title="东区中心延时服务", halls=[county]),
        "expired": NoticeFactory(department=a, title="已经过期的公告", halls=[city], expired=True),
        "withdrawn": NoticeFactory(department=a, title="已经撤下的公告", halls=[city], withdrawn=True, days_left=1),
        "future": NoticeFactory(department=a, title="下月才开始的公告", halls=[city], future=True),
        "closed_hall": NoticeFactory(department=a, title="旧大厅的公告", halls=[closed], days_left=1),
    }
    portal.documents = {
        "live": DisclosureDocumentPageFactory(department=a, title="甲局行政规范性文件公开", slug="doc-live"),
        "draft": DisclosureDocumentPageFactory(department=a, title="甲局未发布的文件", slug="doc-draft", draft=True),
        "other": DisclosureDocumentPageFactory(
            department=b, title="乙局机构职能公开", slug="doc-other", category="organisation"
        ),
    }
    portal.bundle = BundleGuidePageFactory(
        department=a, members=[(world.matters["own"], 1), (world.matters["other"], 2)], slug="yjs-test"
    )
    return portal
