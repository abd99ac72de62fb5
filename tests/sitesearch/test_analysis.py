"""Text analysis: what a title is indexed as and what a query is searched for (no database)."""

from __future__ import annotations

import logging
import threading

import jieba

from sitesearch import analysis
from sitesearch.analysis import analyse_query, index_text, normalise
from sitesearch.engine import highlight, score_title

NO_SYNONYMS: dict[str, list[str]] = {}


def test_normalise_folds_traditional_full_width_case_and_punctuation():
    assert normalise("營業執照（ＡＢＣ－１２）！") == "营业执照 abc 12"
    assert normalise("  食品經營\u3000許可證 ") == "食品经营 许可证"
    assert normalise("《》“”…") == ""


def test_titles_are_segmented_in_search_mode_with_pinyin_and_initials():
    tokens = index_text("营业执照核发").split()
    for token in ("营业", "执照", "营业执照", "核发", "yingyezhizhao", "yyzz", "yingyezhizhaohefa", "yyzzhf"):
        assert token in tokens, token
    assert len(tokens) == len(set(tokens)), "tokens are deduplicated"


def test_a_phrase_inside_a_longer_dictionary_word_is_a_token_and_has_pinyin():
    tokens = index_text("政府信息公开申请办理").split()
    assert {"信息公开", "xinxigongkai", "xxgk", "公开申请"} <= set(tokens)


def test_body_text_is_segmented_without_pinyin():
    tokens = index_text("测试", body=["营业执照复印件"]).split()
    assert "营业执照" in tokens and "yingyezhizhao" not in tokens


def test_single_characters_get_no_pinyin_of_their_own():
    tokens = index_text("示范市人民政府2026年部门预算").split()
    assert "nian" not in tokens and "shi" not in tokens
    assert "2026" in tokens and "bumenyusuan" in tokens


def test_domain_words_stay_whole():
    assert "居民身份证" in analysis.precise_words("居民身份证换领")
    assert analysis.add_words(["开饭店"]) in (0, 1)
    assert analysis.precise_words("我想开饭店") == ["我", "想", "开饭店"]


def test_ascii_query_is_literal_and_pinyin():
    plan = analyse_query("YYZZ", synonyms=NO_SYNONYMS)
    assert plan.is_ascii and plan.pinyin == ("yyzz",)
    assert ("yyzz",) in plan.strong_terms()


def test_chinese_query_is_searched_by_its_words_and_its_whole_pinyin():
    plan = analyse_query("營業執找", synonyms=NO_SYNONYMS)
    assert plan.normalised == "营业执找"
    assert plan.pinyin == ("yingyezhizhao",)
    assert "营业" in plan.words


def test_question_words_are_dropped_unless_nothing_else_is_left():
    assert analyse_query("我要怎么办营业执照", synonyms=NO_SYNONYMS).words == ("营业执照",)
    assert analyse_query("办", synonyms=NO_SYNONYMS).words == ("办",)


def test_synonyms_expand_the_query_both_ways_or_one_way():
    two_way = {"身份证": ["居民身份证"], "居民身份证": ["身份证"]}
    assert analyse_query("身份证", synonyms=two_way).synonyms == ("居民身份证",)
    assert analyse_query("居民身份证", synonyms=two_way).synonyms == ()  # already contains 身份证
    one_way = {"开饭店": ["餐饮", "饭馆"]}
    assert analyse_query("我想开饭店", synonyms=one_way).synonyms == ("餐饮", "饭馆")
    assert analyse_query("餐饮", synonyms=one_way).synonyms == ()
    assert ("餐饮",) in analyse_query("开饭店", synonyms=one_way).strong_terms()


def test_weak_terms_are_the_pieces_the_strong_ones_do_not_cover():
    plan = analyse_query("营业执找", synonyms=NO_SYNONYMS)
    assert "zhizhao" in plan.weak_terms()  # the misspelt word's pinyin finds 执照
    assert not set(plan.weak_terms()) & {t for group in plan.strong_terms() for t in group}


def test_pinyin_and_homophones_match_the_title_and_are_highlighted():
    title = "营业执照遗失补领"
    for query, band in (("yyzz", 45), ("yingyezhizhao", 50), ("营业执找", 50)):
        plan = analyse_query(query, synonyms=NO_SYNONYMS)
        match = score_title(title, plan)
        assert band <= match.score < band + 10, (query, match.score)
        assert str(highlight(title, plan, match.pinyin_spans)) == "<mark>营业执照</mark>遗失补领", query


def test_scores_follow_the_documented_order():
    plan = analyse_query("食品经营许可", synonyms=NO_SYNONYMS)
    exact = score_title("食品经营许可", plan).score
    contains = score_title("食品经营许可（东湖区）", plan).score
    all_words = score_title("食品小作坊经营许可", plan).score
    some_words = score_title("食品生产许可", plan).score
    unrelated = score_title("燃气经营许可证", analyse_query("营业执照", synonyms=NO_SYNONYMS)).score
    assert exact > contains > all_words > some_words > unrelated


def test_highlight_escapes_everything_but_the_marks():
    plan = analyse_query("script 营业", synonyms=NO_SYNONYMS)
    html = str(highlight('<script>alert("营业")</script>', plan))
    assert "<script" not in html and "&lt;<mark>script</mark>&gt;" in html
    assert "&quot;<mark>营业</mark>&quot;" in html


def test_the_tokenizer_is_built_once_lazily_and_quietly(monkeypatch, capsys):
    monkeypatch.setattr(analysis, "_tokenizer", None)
    monkeypatch.setattr(analysis, "_added_words", set())
    built = []
    original = jieba.Tokenizer.initialize

    def counting_initialize(self, *args, **kwargs):
        built.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jieba.Tokenizer, "initialize", counting_initialize)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(analysis.get_tokenizer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(t) for t in results}) == 1 and len(built) == 1
    assert "Building prefix dict" not in capsys.readouterr().err
    assert logging.getLogger("jieba").getEffectiveLevel() >= logging.WARNING
