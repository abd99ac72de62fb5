"""Demo synonyms for the site search: how citizens say what the catalog calls something else.

Each group is (words, one_way, note); a one-way group expands only its first word.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.db import transaction

from core import demo

from . import registry
from .models import Synonym
from .signals import indexing_deferred

DEMO_SYNONYMS: list[tuple[str, bool, str]] = [
    ("身份证、居民身份证、二代证", False, "证件简称"),
    ("户口、户籍", False, "户籍业务"),
    ("上户口、报户口", False, "新生儿入户的口语说法"),
    ("上户口 出生登记 户口迁移", True, "新生儿入户找出生登记"),
    ("开饭店、餐饮、小餐饮、餐饮店", True, "12345热线常见说法：开饭店要办哪些手续"),
    ("开餐馆、餐饮、小餐饮、餐饮店", True, "12345热线常见说法"),
    ("饭馆、餐馆、饭店、餐饮店", False, "餐饮单位的不同叫法"),
    ("办执照、营业执照、设立登记、个体工商户", True, "“办执照”通常指申领营业执照"),
    ("营业执照、工商执照", False, "旧称"),
    ("开公司、企业设立、企业开办", True, "企业开办"),
    ("注册公司、企业设立、企业开办", True, "企业开办"),
    ("企业开办、企业设立", False, "企业开办"),
    ("生孩子、出生、新生儿", True, "生育相关事项"),
    ("生小孩、出生、新生儿", True, "生育相关事项"),
    ("出生证、出生医学证明", False, "证件简称"),
    ("退休、养老保险待遇、养老金", True, "退休手续"),
    ("养老金、基本养老保险待遇", False, "待遇申领"),
    ("社保、社会保险", False, "简称"),
    ("社保卡、社会保障卡", False, "简称"),
    ("公积金、住房公积金", False, "简称"),
    ("结婚、结婚登记、婚姻登记", True, "婚姻登记"),
    ("领证、结婚登记", True, "“领证”多指结婚登记"),
    ("离婚、离婚登记", True, "婚姻登记"),
    ("低保、最低生活保障", False, "简称"),
    ("失业金、失业保险金", False, "简称"),
    ("驾照、驾驶证", False, "证件简称"),
    ("港澳通行证、往来港澳通行证", False, "证件简称"),
    ("残疾证、残疾人证", False, "证件简称"),
    ("老年证、老年人优待证", False, "证件简称"),
    ("公租房、公共租赁住房", False, "简称"),
    ("租房、房屋租赁、公共租赁住房", True, "租房相关事项"),
    ("房产证、不动产", True, "房屋登记现称不动产登记"),
    ("过户、转移登记", True, "买卖房屋过户"),
    ("无犯罪证明、无犯罪记录证明", False, "证明简称"),
    ("施工证、施工许可证", False, "简称"),
    ("信息公开申请、政府信息公开申请、依申请公开", False, "依申请公开"),
    ("投诉、投诉举报、12345", True, "投诉渠道"),
]


def load_synonyms() -> None:
    """Create the demo synonym groups. Running it again changes nothing."""
    existing = set(Synonym.objects.values_list("words", flat=True))
    with transaction.atomic():
        for words, one_way, note in DEMO_SYNONYMS:
            synonym = Synonym(words=words, one_way=one_way, note=note)
            synonym.full_clean()  # normalises the separators, so the check below is exact
            if synonym.words in existing:
                continue
            synonym._change_reason = "演示数据"
            synonym.save()
            existing.add(synonym.words)


def ensure_index() -> bool:
    """Rebuild the search index if a public record cannot be found by its own keywords.

    Each kind may name such a record (``SearchKind.index_sample``: a public matter, say). Not
    when indexing is switched off (``AUTO_UPDATE: False``, as tests that skip it do).
    """
    from django.conf import settings
    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import PlainText

    if not settings.WAGTAILSEARCH_BACKENDS.get("default", {}).get("AUTO_UPDATE", True):
        return False
    for kind in registry.kinds():
        sample = kind.index_sample() if kind.index_sample is not None else None
        if sample is None:
            continue
        token = sample.search_keywords().split()[0]
        if not list(get_search_backend().search(PlainText(token), type(sample)._default_manager.filter(pk=sample.pk))):
            call_command("update_index", stdout=io.StringIO())
            return True
    return False


@demo.register("sitesearch", "站内搜索", order=90)
def load(context: demo.DemoContext) -> dict[str, int]:
    load_synonyms()
    return {"同义词": Synonym.objects.count()}


@demo.register_wrapper("sitesearch", "搜索索引")
@contextmanager
def index_once(context: demo.DemoContext) -> Iterator[dict[str, int]]:
    """Index each record the loaders save once, when they are done (with the demo synonyms in
    the dictionary), rather than on every save; then make sure the index is complete, so a
    demo database loaded before the site search existed gets its index rebuilt once."""
    made: dict[str, int] = {}
    with indexing_deferred() as deferred:
        yield made
    made["索引记录"] = deferred.indexed
    if ensure_index():
        made["重建索引"] = 1
