"""The demo catalog: a workbook imported through the Excel import, as an editor would.

``matters/fixtures/示范市事项清单.xlsx`` is the catalog of 示范市 (151 matters with their
materials, steps, fees, legal bases, FAQ and places) in exactly the format 事项 › Excel导入
accepts (docs/import.md). The loader plans and applies it with ``matters.importing`` as the
demo administrator, so the matters get their revisions, publications, log entries and an
import batch (事项 › 导入记录) exactly as an editor's import leaves them. Then it does what a
workbook cannot express, through ``matters.lifecycle``: one matter suspended, one cancelled,
two delegated (下放) to a town and a street, whose staff publish the delegated records.

Edit the demo catalog in the workbook (Excel or WPS), not here. Rows whose 实施编码 exists
already are left alone, so running ``load_demo`` again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import demo
from permissions.grants import deferred_grants
from permissions.models import Department

from . import lifecycle
from .demo_data import PLACES
from .importing import ImportRefused, apply_plan, plan_import
from .models import HandlingPlace, Matter

WORKBOOK = Path(__file__).resolve().parent / "fixtures" / "示范市事项清单.xlsx"

# What a workbook cannot express: state changes after publication, by (department key, name).
STATE_CHANGES = [
    ("market", "广告发布登记", "suspend", "主管部门通知暂停受理，待系统升级后恢复"),
    ("health", "医疗机构执业登记变更", "cancel", "根据上级权责清单调整，本事项已取消"),
]
# Delegations (下放): (department key, name, target department key; its place is in PLACES).
DELEGATIONS = [
    ("donghu_civil", "最低生活保障审核确认", "hubin"),
    ("xishan_housing", "农村危房改造补助申请", "qingshi"),
]
DELEGATION_REASON = "按照市政府权力下放目录，由基层就近办理"


class DemoCatalogError(Exception):
    """The demo workbook does not import cleanly; the message lists the importer's errors."""


@dataclass
class Result:
    created: int = 0
    delegated: int = 0


def plan_catalog(user):
    """The import plan of the demo workbook, reduced to the rows of matters not there yet."""
    plan = plan_import(WORKBOOK.read_bytes(), WORKBOOK.name, user)
    plan.rows = [row for row in plan.rows if row.action in ("new", "error") and row.matter is None]
    return plan


def load_catalog(departments: dict[str, Department], user) -> Result:
    """Import the demo matters that do not exist yet; returns how many were made."""
    result = Result()
    plan = plan_catalog(user)
    if not plan.rows:
        return result
    try:
        batch = apply_plan(plan, user)
    except ImportRefused as exc:
        errors = "\n".join(str(problem) for problem in exc.plan.errors[:20])
        raise DemoCatalogError(f"演示事项清单 {WORKBOOK.name} 有错误，未导入：\n{errors}") from None
    result.created = batch.created
    created = Matter.objects.filter(pk__in=[item["matter"] for item in batch.items])
    by_name = {(matter.department_id, matter.name): matter for matter in created}
    for key, name, action, reason in STATE_CHANGES:
        matter = by_name.get((departments[key].pk, name))
        if matter is not None:
            lifecycle.change_state(matter, user, action, reason)
    for key, name, target in DELEGATIONS:
        matter = by_name.get((departments[key].pk, name))
        if matter is not None:
            delegate(matter, departments[target], target, user)
            result.delegated += 1
    return result


def delegate(matter: Matter, target: Department, place_key: str, user) -> Matter:
    """下放 to ``target``, which handles it at its own service centre and publishes it."""
    record = lifecycle.delegate(matter, user, target, "delegated", DELEGATION_REASON)
    name, address, phone, hours = PLACES[place_key]
    record.places = [HandlingPlace(name=f"{name} 综合受理窗口", address=address, phone=phone, hours=hours)]
    record.save()
    record.save_revision(user=user, log_action=True).publish(user=user)
    return record


@demo.register("matters", "事项目录", order=20)
def load(context: demo.DemoContext) -> dict[str, int]:
    with deferred_grants():
        created = load_catalog(context.departments, context.admin).created
    return {"事项": Matter.objects.count(), "本次新增": created}
