"""Demo data: the fictional city of 示范市 (administrative division code 990100).

The names follow real Chinese government naming; the codes are made up but valid
(GB 32100 check characters are computed, not typed).
"""

from __future__ import annotations

from dataclasses import dataclass

from permissions.validators import credit_code_check_char

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(serial: str) -> str:
    """A 9-character organisation code (GB 11714) from 8 digits."""
    total = sum(int(ch) * w for ch, w in zip(serial, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return serial + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(prefix: str, division: str, serial: str) -> str:
    """Build a valid 18-character unified social credit code."""
    first17 = prefix + division + _org_code(serial)
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class DemoDepartment:
    key: str
    name: str
    short_name: str
    level: str
    parent: str | None
    division: str
    serial: str
    prefix: str = "11"  # 11 = organ of state (机构编制 / 机关)

    @property
    def credit_code(self) -> str:
        return credit_code(self.prefix, self.division, self.serial)


CITY = "990100"
DONGHU = "990102"
XISHAN = "990103"

DEPARTMENTS: list[DemoDepartment] = [
    DemoDepartment("city", "示范市人民政府", "市政府", "city", None, CITY, "00000001"),
    DemoDepartment("gov_office", "示范市人民政府办公室", "市政府办公室", "city", "city", CITY, "00000002"),
    DemoDepartment("market", "示范市市场监督管理局", "市市场监管局", "city", "city", CITY, "00000011"),
    DemoDepartment("health", "示范市卫生健康委员会", "市卫生健康委", "city", "city", CITY, "00000012"),
    DemoDepartment("resources", "示范市自然资源和规划局", "市自然资源规划局", "city", "city", CITY, "00000013"),
    DemoDepartment("hrss", "示范市人力资源和社会保障局", "市人力资源社会保障局", "city", "city", CITY, "00000014"),
    DemoDepartment("police", "示范市公安局", "市公安局", "city", "city", CITY, "00000015"),
    DemoDepartment("civil", "示范市民政局", "市民政局", "city", "city", CITY, "00000016"),
    DemoDepartment("housing", "示范市住房和城乡建设局", "市住房城乡建设局", "city", "city", CITY, "00000017"),
    DemoDepartment("donghu", "示范市东湖区人民政府", "东湖区政府", "county", "city", DONGHU, "00000101"),
    DemoDepartment(
        "donghu_market",
        "示范市东湖区市场监督管理局",
        "东湖区市场监管局",
        "county",
        "donghu",
        DONGHU,
        "00000111",
    ),
    DemoDepartment("donghu_civil", "示范市东湖区民政局", "东湖区民政局", "county", "donghu", DONGHU, "00000112"),
    DemoDepartment(
        "donghu_hrss",
        "示范市东湖区人力资源和社会保障局",
        "东湖区人社局",
        "county",
        "donghu",
        DONGHU,
        "00000113",
    ),
    DemoDepartment("xishan", "示范市西山区人民政府", "西山区政府", "county", "city", XISHAN, "00000201"),
    DemoDepartment(
        "xishan_market",
        "示范市西山区市场监督管理局",
        "西山区市场监管局",
        "county",
        "xishan",
        XISHAN,
        "00000211",
    ),
    DemoDepartment(
        "xishan_health", "示范市西山区卫生健康局", "西山区卫生健康局", "county", "xishan", XISHAN, "00000212"
    ),
    DemoDepartment(
        "xishan_housing",
        "示范市西山区住房和城乡建设局",
        "西山区住房城乡建设局",
        "county",
        "xishan",
        XISHAN,
        "00000213",
    ),
    DemoDepartment("hubin", "示范市东湖区湖滨街道办事处", "湖滨街道", "town", "donghu", DONGHU, "00000121"),
    DemoDepartment("qingshi", "示范市西山区青石镇人民政府", "青石镇", "town", "xishan", XISHAN, "00000221"),
    DemoDepartment(
        "cuihu",
        "示范市东湖区湖滨街道翠湖社区居民委员会",
        "翠湖社区",
        "community",
        "hubin",
        DONGHU,
        "00000131",
        prefix="55",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    description: str
    department: str | None = None
    role: str | None = None
    global_role: str | None = None
    superuser: bool = False


USERS: list[DemoUser] = [
    DemoUser("admin", "系统", "管理员", "超级管理员", superuser=True),
    DemoUser("scjg_editor", "张", "敏", "市市场监管局 内容维护员", "market", "owner"),
    DemoUser("scjg_reviewer", "李", "强", "市市场监管局 审核员", "market", "reviewer"),
    DemoUser("wjw_editor", "王", "芳", "市卫生健康委 内容维护员", "health", "owner"),
    DemoUser("wjw_reviewer", "赵", "磊", "市卫生健康委 审核员", "health", "reviewer"),
    DemoUser("gkb_editor", "陈", "静", "市政府办公室（政务公开办）编辑", global_role="disclosure_editor"),
    DemoUser("zwfw_editor", "刘", "洋", "市政府办公室（市政务服务中心）内容维护员", "gov_office", "owner"),
    # Reads the security audit log (安全审计); the superuser above does not see it (三权分立).
    DemoUser("audit_officer", "孙", "洁", "审计员（安全审计日志）", global_role="auditor"),
    # Posted to the city centre's 无差别受理 windows A02 and A03 (cases.demo): registers walk-in cases.
    DemoUser(
        "window_clerk", "周", "婷", "市政务服务中心 窗口工作人员（A02、A03 综合窗口）", global_role="window_staff"
    ),
    # Electronic supervision of every department's cases (电子监察、督办).
    DemoUser("supervisor", "吴", "刚", "效能监察员（电子监察、督办）", global_role="supervisor"),
    # The editors of the district and town sites (portal.demo puts each in its site's group,
    # e.g. 东湖区网站编辑): that site's pages and 门户网站设置, nothing of the city's or another site's.
    DemoUser("donghu_web", "郑", "欣", "东湖区网站编辑（东湖区子站的页面和门户网站设置）"),
    DemoUser("xishan_web", "冯", "涛", "西山区网站编辑（西山区子站的页面和门户网站设置）"),
    DemoUser("hubin_web", "何", "琳", "湖滨街道网站编辑（湖滨街道子站的页面和门户网站设置）"),
]
