"""Relevance on the demo city: what citizens type, and the item they mean in the top 5 of its kind.

The demo city is loaded once for the module (``load_demo`` with the search index built as
``make demo`` builds it, once at the end) inside a transaction that is rolled back afterwards. The pairs are
written from the demo data (cms/demo_matters.py, cms/demo_guides.py, cms/demo_disclosure.py,
sitesearch/demo.py): partial words, full pinyin, initials, Traditional characters, synonyms,
typos. All of them are checked in one test, so the city is loaded on one worker only, and a
failure lists every query that missed with what came back instead.
"""

from __future__ import annotations

from wagtail.search.models import IndexEntry

from disclosure.models import DisclosureDocumentPage
from guides.models import BundleGuidePage, GuidePage
from matters.models import Matter
from sitesearch import engine

TOP = 5

PAIRS: list[tuple[str, str, str, str]] = [
    # (why, query, kind, expected title)
    ("partial", "营业执照", "matter", "营业执照遗失补领"),
    ("partial", "食品经营", "matter", "食品经营许可"),
    ("partial", "身份证", "matter", "居民身份证换领"),
    ("partial", "不动产", "matter", "不动产首次登记"),
    ("partial", "护照", "matter", "普通护照签发"),
    ("partial", "结婚登记", "matter", "内地居民结婚登记"),
    ("partial", "工伤", "matter", "工伤认定"),
    ("partial", "宅基地", "matter", "农村村民宅基地审批"),
    ("partial", "施工许可", "guide", "建筑工程施工许可证核发办事指南"),
    ("partial", "失业保险", "matter", "失业保险金申领"),
    ("partial", "新生儿", "guide", "新生儿出生“一件事”"),
    ("partial", "预防接种", "matter", "预防接种证办理"),
    ("partial", "残疾人证", "matter", "残疾人证申领受理"),
    ("partial", "餐饮", "guide", "开办餐饮店“一件事”"),
    ("partial", "优化营商环境", "document", "示范市优化营商环境办法"),
    ("partial", "公共资源交易", "document", "示范市公共资源交易管理办法"),
    ("partial", "信息公开指南", "page", "示范市人民政府信息公开指南"),
    ("partial", "年度报告", "page", "示范市人民政府2025年政府信息公开工作年度报告"),
    ("partial", "事项目录", "page", "事项目录"),
    ("partial", "统计信息", "page", "统计信息"),
    ("pinyin", "yingyezhizhao", "matter", "营业执照遗失补领"),
    ("pinyin", "shipinjingying", "matter", "食品经营许可"),
    ("pinyin", "hunyindengji", "matter", "婚姻登记档案查询"),
    ("pinyin", "budongchan", "matter", "不动产转移登记"),
    ("pinyin", "gongshangrending", "matter", "工伤认定"),
    ("pinyin", "jumin shenfenzheng", "matter", "居民身份证换领"),
    ("pinyin", "zhengfuxinxigongkai", "page", "政府信息公开"),
    ("initials", "yyzz", "matter", "营业执照遗失补领"),
    ("initials", "spjyxk", "matter", "食品经营许可"),
    ("initials", "bdc", "matter", "不动产首次登记"),
    ("initials", "jmsfz", "matter", "居民身份证换领"),
    ("initials", "gsrd", "matter", "工伤认定"),
    ("initials", "shbxdj", "matter", "社会保险登记"),
    ("initials", "HKQY", "matter", "户口迁移登记"),
    ("traditional", "營業執照", "matter", "营业执照遗失补领"),
    ("traditional", "食品經營", "matter", "食品经营许可"),
    ("traditional", "居民身份證", "matter", "居民身份证换领"),
    ("traditional", "結婚登記", "matter", "内地居民结婚登记"),
    ("traditional", "不動產登記", "matter", "不动产首次登记"),
    ("traditional", "無犯罪記錄證明", "matter", "无犯罪记录证明开具"),
    ("synonym", "开饭店", "guide", "开办餐饮店“一件事”"),
    ("synonym", "开饭店", "matter", "小餐饮登记"),
    ("synonym", "我要开饭店", "guide", "开办餐饮店“一件事”"),
    ("synonym", "生孩子", "guide", "新生儿出生“一件事”"),
    ("synonym", "退休", "matter", "基本养老保险待遇申领"),
    ("synonym", "社保", "matter", "社会保险登记"),
    ("synonym", "低保", "matter", "最低生活保障审核确认"),
    ("synonym", "驾照", "matter", "机动车驾驶证换证"),
    ("synonym", "老年证", "matter", "老年人优待证办理"),
    ("synonym", "办执照", "matter", "个体工商户设立登记"),
    ("synonym", "开公司", "matter", "企业设立登记"),
    ("synonym", "公租房", "matter", "公共租赁住房申请"),
    ("synonym", "信息公开申请", "matter", "政府信息公开申请办理"),
    ("synonym", "房产证", "matter", "不动产转移登记"),
    ("synonym", "上户口", "matter", "出生登记"),
    ("synonym", "怎么办身份证", "matter", "居民身份证换领"),
    ("typo", "营业执找", "matter", "营业执照遗失补领"),
    ("typo", "食品经营许可征", "matter", "食品经营许可"),
    ("typo", "居民身分证", "matter", "居民身份证换领"),
    ("typo", "婚姻登计", "matter", "婚姻登记档案查询"),
    ("typo", "户口迁一", "matter", "户口迁移登记"),
    ("typo", "不动产抵压", "matter", "不动产抵押登记"),
]


def test_the_demo_city_is_indexed_and_found_by_what_citizens_type(demo_city, db):
    # load_demo leaves the index complete: every public record has its entry.
    public = [
        (Matter, Matter.public_queryset()),
        (GuidePage, GuidePage.objects.live()),
        (BundleGuidePage, BundleGuidePage.objects.live()),
        (DisclosureDocumentPage, DisclosureDocumentPage.objects.live()),
    ]
    for model, queryset in public:
        indexed = set(IndexEntry.objects.filter(content_type__model=model._meta.model_name).values_list("object_id"))
        missing = [str(r) for r in queryset if (str(r.pk),) not in indexed]
        assert not missing, f"{model.__name__} not indexed: {missing[:5]}"

    assert len(PAIRS) >= 40
    misses = []
    for why, query, kind, expected in PAIRS:
        group = engine.search(query).groups.get(kind)
        top = [r.title for r in group.ranked[:TOP]] if group else []
        if expected not in top:
            misses.append(f"{why} “{query}” ({kind}): expected “{expected}”, got {top}")
    assert not misses, "\n".join(misses)
