"""The shipped values of the editable enumerations (domain.md §1.1), with their stable keys.

Loaded by a data migration; editors may rename, recode, add or deactivate values later.
Keys are what rules and statistics refer to, so they are listed here as constants too.
"""

from __future__ import annotations

# Keys the rules and statistics use.
IMMEDIATE = "immediate"  # 即办件
PROMISED = "promised"  # 承诺件
DEPTH_4 = "depth_4"  # Ⅳ级 全程网办
NATURAL_PERSON = "natural_person"  # 自然人
LICENSING = "licensing"  # 行政许可 (matter type key)
POWER_DELEGATED = "delegated"  # 上级下放
POWER_ENTRUSTED = "entrusted_upper"  # 上级委托
NATURE_ENTRUSTED = "entrusted"  # 受委托组织

# (key, code, name, aliases)
TERMS: dict[str, list[tuple[str, str, str, str]]] = {
    "power_source": [
        ("statutory", "1", "法定本级行使", "法定"),
        ("delegated", "2", "上级下放", "下放"),
        ("authorised_upper", "3", "上级授权", ""),
        ("authorised_peer", "4", "同级授权", ""),
        ("entrusted_upper", "5", "上级委托", ""),
        ("entrusted_peer", "6", "同级委托", ""),
    ],
    "body_nature": [
        ("legal_body", "1", "法定机关", ""),
        ("authorised", "2", "授权组织", ""),
        ("entrusted", "3", "受委托组织", ""),
    ],
    "level": [
        ("national", "1", "国家级", ""),
        ("provincial", "2", "省级", ""),
        ("city", "3", "市级", ""),
        ("county", "4", "县级", "区级、县（区）级"),
        ("town", "5", "镇（乡、街道）级", "镇级、乡级、街道级、乡镇级"),
        ("community", "6", "村（社区）级", "村级、社区级"),
    ],
    "handling_type": [
        ("immediate", "1", "即办件", "即办"),
        ("promised", "2", "承诺件", "承诺"),
        ("joint", "3", "联办件", "联办"),
        ("urgent", "4", "急办件", ""),
        ("other", "9", "其他", ""),
    ],
    "handling_form": [
        ("window", "1", "窗口办理", "窗口"),
        ("online", "2", "网上办理", "网办、网上"),
        ("express", "3", "快递申请", "邮寄、快递"),
    ],
    "online_depth": [
        ("depth_1", "1", "Ⅰ级", "I级、一级、1级、I"),
        ("depth_2", "2", "Ⅱ级", "II级、二级、2级、II"),
        ("depth_3", "3", "Ⅲ级", "III级、三级、3级、III"),
        ("depth_4", "4", "Ⅳ级", "IV级、四级、4级、IV、全程网办"),
    ],
    "service_object": [
        ("natural_person", "1", "自然人", "个人"),
        ("legal_enterprise", "2", "企业法人", "企业"),
        ("legal_institution", "3", "事业法人", "事业单位"),
        ("legal_social", "4", "社会组织法人", "社会组织"),
        ("unincorporated", "5", "非法人企业", ""),
        ("government", "6", "行政机关", ""),
        ("other_org", "9", "其他组织", ""),
    ],
    "result_type": [
        ("licence", "1", "证照", ""),
        ("approval", "2", "批文", ""),
        ("other", "3", "其他", ""),
        ("none", "4", "无", ""),
    ],
    "service_scope": [
        ("national", "1", "全国", ""),
        ("provincial", "2", "全省", ""),
        ("city", "3", "全市", ""),
        ("county", "4", "全县", "全区"),
        ("town", "5", "全镇", "全街道"),
        ("village", "6", "跨村", "跨社区"),
    ],
}

NATURAL_THEMES = [
    "生育收养",
    "户籍办理",
    "民族宗教",
    "教育科研",
    "入伍服役",
    "就业创业",
    "设立变更",
    "准营准办",
    "抵押质押",
    "职业资格",
    "行政缴费",
    "婚姻登记",
    "优待抚恤",
    "规划建设",
    "住房保障",
    "社会保障（社会保险、社会救助）",
    "证件办理",
    "交通出行",
    "旅游观光",
    "出境入境",
    "消费维权",
    "公共安全",
    "司法公证",
    "知识产权",
    "环保绿化",
    "文化体育",
    "公用事业",
    "医疗卫生",
    "离职退休",
    "死亡殡葬",
    "地方特色分类",
    "其他",
]

LEGAL_THEMES = [
    "设立变更",
    "准营准办",
    "资质认证",
    "年检年审",
    "税收财务",
    "人力资源",
    "社会保障",
    "投资审批",
    "融资信贷",
    "抵押质押",
    "商务贸易",
    "招标拍卖",
    "海关口岸",
    "涉外服务",
    "农林牧渔",
    "国土和规划建设",
    "交通运输",
    "环保绿化",
    "应对气候变化",
    "水务气象",
    "医疗卫生",
    "科技创新",
    "文体教育",
    "知识产权",
    "民族宗教",
    "质量技术",
    "检验检疫",
    "安全生产",
    "公安消防",
    "司法公证",
    "公用事业",
    "法人注销",
    "档案文物",
    "地方特色分类",
    "其他",
]

TERMS["natural_theme"] = [("", f"{i:03d}", name, "") for i, name in enumerate(NATURAL_THEMES, start=1)]
TERMS["legal_theme"] = [("", f"{i:03d}", name, "") for i, name in enumerate(LEGAL_THEMES, start=1)]

# Words in an imported cell that stand for several values at once.
GROUP_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "service_object": {"法人": ("legal_enterprise", "legal_institution", "legal_social")},
}

MATTER_TYPE_KEYS = {
    "01": "licensing",
    "02": "penalty",
    "03": "enforcement",
    "04": "levy",
    "05": "benefit",
    "06": "inspection",
    "07": "confirmation",
    "08": "reward",
    "09": "adjudication",
    "10": "other_power",
    "20": "public_service",
}
