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
]


@dataclass(frozen=True)
class DemoMatter:
    department: str
    type_code: str
    serial: int
    name: str
    published: bool = True

    def implementation_code(self, department_credit_code: str) -> str:
        return f"{department_credit_code}{self.type_code}{self.serial:04d}"


MATTERS: list[DemoMatter] = [
    DemoMatter("market", "01", 1, "食品经营许可"),
    DemoMatter("market", "01", 2, "食品生产许可"),
    DemoMatter("market", "07", 3, "企业设立登记"),
    DemoMatter("market", "01", 4, "特种设备安全管理和作业人员资格认定"),
    DemoMatter("market", "01", 5, "药品零售企业许可", published=False),
    DemoMatter("health", "01", 1, "医疗机构执业登记"),
    DemoMatter("health", "01", 2, "护士执业注册"),
    DemoMatter("health", "01", 3, "公共场所卫生许可"),
    DemoMatter("health", "20", 4, "出生医学证明办理", published=False),
    DemoMatter("resources", "01", 1, "建设用地规划许可证核发"),
    DemoMatter("resources", "01", 2, "建设工程规划许可证核发"),
    DemoMatter("hrss", "05", 1, "失业保险金申领"),
    DemoMatter("hrss", "20", 2, "职业技能等级证书查询"),
    DemoMatter("police", "20", 1, "居民身份证换领"),
    DemoMatter("police", "07", 2, "户口迁移登记"),
    DemoMatter("civil", "07", 1, "内地居民婚姻登记"),
    DemoMatter("civil", "01", 2, "社会团体成立登记"),
    DemoMatter("housing", "01", 1, "建筑工程施工许可证核发"),
    DemoMatter("housing", "01", 2, "商品房预售许可"),
    DemoMatter("donghu_market", "01", 1, "小餐饮经营许可"),
    DemoMatter("donghu_civil", "05", 1, "最低生活保障审核确认"),
    DemoMatter("xishan_health", "01", 1, "放射诊疗许可"),
]
