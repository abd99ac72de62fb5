from django.db import migrations

TOPICS = [
    "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源", "农业、林业、水利",
    "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护", "科技、教育",
    "文化、广电、新闻出版", "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察",
    "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
]
GENRES = [
    "决议", "决定", "命令（令）", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
    "议案", "函", "纪要", "其他",
]
# (key, name): the statutory content of art. 20 and the city/county items of art. 21 (domain.md §2).
CATEGORIES = [
    ("organisation", "机构职能"),
    ("regulation", "规章"),
    ("normative_document", "行政规范性文件"),
    ("plan", "规划计划"),
    ("statistics", "统计信息"),
    ("licensing", "行政许可"),
    ("punishment", "行政处罚"),
    ("compulsion", "行政强制"),
    ("budget", "财政预算决算"),
    ("fees", "行政事业性收费"),
    ("procurement", "政府采购"),
    ("recruitment", "公务员招考"),
    ("emergency", "突发公共事件应急预案"),
    ("supervision", "环境保护、公共卫生、安全生产、食品药品、产品质量监督检查"),
    ("urban_affairs", "城乡建设和管理的重大事项"),
    ("public_welfare", "社会公益事业建设"),
    ("land_expropriation", "土地征收、房屋征收及补偿"),
    ("relief_funds", "抢险救灾、优抚、救济、社会救助款物管理"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    Classification = apps.get_model("disclosure.Classification")
    rows = []
    for order, name in enumerate(TOPICS, start=1):
        rows.append(Classification(facet="topic", name=name, code=f"{order:02d}", sort_order=order))
    for order, name in enumerate(GENRES, start=1):
        rows.append(Classification(facet="genre", name=name, code=f"{order:02d}", sort_order=order))
    for order, (key, name) in enumerate(CATEGORIES, start=1):
        rows.append(Classification(facet="category", key=key, name=name, code=f"{order:02d}", sort_order=order))
    Classification.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_disclosure_catalog")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
