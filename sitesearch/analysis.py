"""Chinese text analysis shared by indexing and querying.

Wagtail's database backends (SQLite FTS5, PostgreSQL ``simple``) and Elasticsearch's standard
analyzer do not segment Chinese: a run of characters is one token (or every character is one),
so ``营业执照`` finds nothing in ``营业执照核发``. Both sides are therefore analysed here, the same
way: normalised (Traditional→Simplified, full-width→half-width, lower case, no punctuation),
segmented by jieba in search mode, and given pinyin and pinyin initials, then handed to the
backend as space-separated tokens that every backend keeps whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import zhconv
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)  # jieba prints "Building prefix dict..." at INFO on first use

# Words jieba's general dictionary splits but citizens type as one. The matter types, the catalog's
# term names and every synonym are added from the database (``sitesearch.vocabulary``).
DOMAIN_WORDS = (
    "营业执照",
    "居民身份证",
    "身份证",
    "户口簿",
    "户口本",
    "社保卡",
    "社会保障卡",
    "社会保险",
    "医保",
    "公积金",
    "住房公积金",
    "不动产",
    "一件事",
    "好差评",
    "个体工商户",
    "小餐饮",
    "食品经营",
    "食品生产",
    "许可证",
    "出生医学证明",
    "结婚登记",
    "离婚登记",
    "婚姻登记",
    "养老保险",
    "养老金",
    "失业保险",
    "工伤认定",
    "残疾人证",
    "居住证",
    "驾驶证",
    "护照",
    "港澳通行证",
    "信息公开",
    "依申请公开",
    "政府信息公开",
    "最低生活保障",
    "低保",
    "临时救助",
    "高龄津贴",
    "老年人优待证",
    "宅基地",
    "施工许可证",
    "预售许可",
    "办事指南",
)

# Dropped from the index and from queries (unless a query is nothing else): they carry no meaning
# on their own and would match almost everything.
INDEX_STOPWORDS = frozenset({"的", "了", "和", "与", "及", "或", "之", "等", "对", "在"})
QUERY_STOPWORDS = INDEX_STOPWORDS | frozenset(
    {
        *("我", "要", "我要", "想", "我想", "请问", "吗", "呢", "啊", "去", "需要", "什么", "哪些"),
        *("怎么", "怎样", "如何", "怎么办", "怎样办", "如何办", "办", "哪里", "在哪", "在哪里", "哪里办"),
    }
)

MAX_NGRAM_WORDS = 8  # pinyin of runs of up to this many words of a title
MAX_PHRASE_WORDS = 4  # text of runs of up to this many words of a title
MAX_QUERY_TERMS = 40  # terms sent to the backend for one query

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()
_added_words: set[str] = set()


def get_tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer, built on first use (loading its dictionary takes ~0.5 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word)
                _added_words.update(DOMAIN_WORDS)
                _tokenizer = tokenizer
    return _tokenizer


def add_words(words: Iterable[str]) -> int:
    """Teach the tokenizer domain words (kept whole by segmentation); returns how many were new."""
    tokenizer = get_tokenizer()
    new = []
    for word in words:
        word = compact(normalise(word))
        if 2 <= len(word) <= 12 and word not in _added_words and _HAN.search(word):
            new.append(word)
    if new:
        with _lock:
            for word in new:
                tokenizer.add_word(word)
            _added_words.update(new)
    return len(new)


# ---- normalisation --------------------------------------------------------------------------


def _is_separator(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "PSZC"


def normalise(text: str) -> str:
    """Simplified, half-width, lower case; punctuation and symbols become single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = zhconv.convert(text, "zh-cn")
    text = "".join(" " if _is_separator(c) else c for c in text.lower())
    return _SPACES.sub(" ", text).strip()


def normalise_char(char: str) -> str:
    """One character normalised to exactly one character, so highlights stay aligned with the text."""
    folded = unicodedata.normalize("NFKC", char)
    folded = zhconv.convert(folded, "zh-cn") if len(folded) == 1 else char
    folded = folded.lower() if len(folded.lower()) == 1 else folded
    if len(folded) != 1:
        return char
    return " " if _is_separator(folded) else folded


def compact(text: str) -> str:
    return text.replace(" ", "")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def is_han(text: str) -> bool:
    return bool(text) and all(_HAN.match(c) for c in text)


# ---- segmentation and pinyin -----------------------------------------------------------------


def search_words(text: str, stopwords: frozenset[str] = INDEX_STOPWORDS) -> list[str]:
    """jieba search-mode tokens of normalised text: 营业执照核发 → 营业, 执照, 营业执照, 核发."""
    return _search_words(precise_words(text), stopwords, len(_added_words))


def _search_words(precise: list[str], stopwords: frozenset[str], known_words: int) -> list[str]:
    """What ``Tokenizer.cut_for_search`` gives, from the precise-mode words it starts from."""
    words: list[str] = []
    for word in precise:
        words += [w for w in _search_pieces(word, known_words) if w.strip() and w not in stopwords]
    return _dedupe(words)


@lru_cache(maxsize=16384)  # words recur record after record; keyed by the dictionary's size
def _search_pieces(word: str, known_words: int) -> tuple[str, ...]:
    """jieba's ``cut_for_search`` of one precise-mode word: its known 2- and 3-character parts,
    then the word (the same loop as jieba's, so the index and the queries stay aligned)."""
    freq = get_tokenizer().FREQ
    pieces = []
    if len(word) > 2:
        pieces += [word[i : i + 2] for i in range(len(word) - 1) if freq.get(word[i : i + 2])]
    if len(word) > 3:
        pieces += [word[i : i + 3] for i in range(len(word) - 2) if freq.get(word[i : i + 3])]
    pieces.append(word)
    return tuple(pieces)


def precise_words(text: str) -> list[str]:
    """jieba precise-mode tokens of normalised text (no overlapping pieces)."""
    tokenizer = get_tokenizer()
    words: list[str] = []
    for part in normalise(text).split():
        words += [w for w in tokenizer.cut(part) if w.strip()]
    return words


def syllables(text: str) -> list[tuple[str, int]]:
    """(pinyin, characters covered) per item of ``text``: one per Chinese character, one per other run."""
    items = []
    position = 0
    for item in lazy_pinyin(text, errors="default"):
        if text.startswith(item, position) and not _HAN.match(text[position]):
            items.append((item.lower(), len(item)))  # a run pypinyin left as it was
            position += len(item)
        else:
            items.append((item.lower(), 1))
            position += 1
    if position != len(text):  # never seen; keep highlights aligned whatever pypinyin does
        return [("".join(lazy_pinyin(c, errors="default")).lower(), 1) for c in text]
    return items


@lru_cache(maxsize=8192)  # the same words recur record after record
def pinyin(text: str) -> str:
    """Full pinyin without tones or spaces: 营业执照 → yingyezhizhao."""
    return "".join(lazy_pinyin(text))


@lru_cache(maxsize=8192)
def initials(text: str) -> str:
    """Pinyin initials: 营业执照 → yyzz."""
    return "".join(s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER))


def fine_words(text: str, precise: list[str] | None = None) -> list[str]:
    """Precise-mode words, long ones split into the shorter words jieba knows inside them.

    政府信息公开 → 政府, 信息, 公开; 居民身份证 → 居民, 身份证. So pinyin of any word-aligned part
    of a title can be indexed, whatever the domain dictionary keeps whole. ``precise``: the text's
    precise-mode words when the caller has them already (one jieba pass for both).
    """
    known = len(_added_words)
    words: list[str] = []
    for word in precise_words(text) if precise is None else precise:
        if len(word) < 3 or not is_han(word):
            words.append(word)
        else:
            words += _fine_pieces(word, known)
    return words


@lru_cache(maxsize=16384)
def _fine_pieces(word: str, known_words: int) -> tuple[str, ...]:
    pieces = {p for p in get_tokenizer().cut_for_search(word) if p != word and len(p) >= 2}
    return tuple(_tile(word, pieces))


def _tile(word: str, pieces: set[str], *, singles: bool = True) -> list[str]:
    """The fewest known pieces (single characters cost more, or are not allowed) that spell ``word``."""
    best: list[tuple[float, list[str]] | None] = [None] * (len(word) + 1)
    best[0] = (0.0, [])
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 4), end):
            piece = word[start:end]
            known = piece in pieces if len(piece) > 1 else singles
            if best[start] is None or not known:
                continue
            cost = best[start][0] + (1.0 if len(piece) > 1 else 2.5)
            if best[end] is None or cost < best[end][0]:
                best[end] = (cost, [*best[start][1], piece])
    if best[-1] is None:
        return [word]
    return best[-1][1]


def phrase_tokens(text: str, precise: list[str] | None = None) -> list[str]:
    """Runs of consecutive Chinese words, as text and as pinyin and initials.

    Runs of up to MAX_PHRASE_WORDS words are kept as text, so a phrase the dictionary does not
    keep whole (信息公开 inside 政府信息公开, 养老保险待遇) is one token; runs of up to
    MAX_NGRAM_WORDS as full pinyin and initials, so any word-aligned part of a title is findable
    by pinyin: 食品经营许可办事指南 gives ``shipin``, ``spjy``, ``spjyxk``, ``jingyingxuke`` …
    """
    tokens: list[str] = []
    run: list[tuple[str, str, str]] = []  # (word, pinyin, initials) of consecutive Chinese words
    for word in [*fine_words(text, precise), ""]:
        if word and is_han(word):
            run.append((word, pinyin(word), initials(word)))
            continue
        for start in range(len(run)):
            for end in range(start + 1, min(len(run), start + MAX_NGRAM_WORDS) + 1):
                part = run[start:end]
                if sum(len(w) for w, _, _ in part) < 2:
                    continue  # one character's pinyin would match every homophone
                if end - start > 1 and end - start <= MAX_PHRASE_WORDS:
                    tokens.append("".join(w for w, _, _ in part))
                tokens.append("".join(p for _, p, _ in part))
                tokens.append("".join(i for _, _, i in part))
        run = []
    return _dedupe(t for t in tokens if len(t) > 1)


def index_text(title: str = "", *, keywords: Iterable[str] = (), body: Iterable[str] = ()) -> str:
    """Space-separated, deduplicated tokens to index for one record.

    ``title`` and ``keywords`` (names, result names, subject words) get words, pinyin and initials;
    ``body`` (summaries, departments) gets words only, so pinyin matches stay about what a record is.
    """
    tokens: list[str] = []
    known = len(_added_words)  # the dictionary only grows: its size is its version in this process
    for text in [title, *keywords]:
        if text:
            tokens += _text_tokens(text, True, known)
    for text in body:
        if text:
            tokens += _text_tokens(text, False, known)
    return " ".join(_dedupe(tokens))


@lru_cache(maxsize=4096)
def _text_tokens(text: str, names: bool, known_words: int) -> tuple[str, ...]:
    """One text's tokens, remembered: many records share a result name, a department, a type
    (``known_words`` keys the dictionary the text was segmented with)."""
    precise = precise_words(text)  # one jieba pass for both kinds of tokens
    words = _search_words(precise, INDEX_STOPWORDS, known_words)
    return tuple(words + phrase_tokens(text, precise)) if names else tuple(words)


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryPlan:
    """What a visitor typed, analysed: the words, their synonyms and pinyin forms.

    The backend is asked for records matching any *strong* term (a whole query word, a whole
    synonym, the whole query as pinyin); only when that finds nothing, for any *weak* term
    (the shorter words inside the query's words, each word's pinyin). So 信息公开申请 does not
    return every record that mentions 公开, but a new word the index does not know as a whole
    still finds something.
    """

    raw: str
    normalised: str = ""
    words: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    pinyin: tuple[str, ...] = ()
    is_ascii: bool = False
    pieces: tuple[str, ...] = field(default=(), repr=False)
    groups: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    pinyin_words: tuple[str, ...] = field(default=(), repr=False)

    @property
    def compact(self) -> str:
        return compact(self.normalised)

    @property
    def is_empty(self) -> bool:
        return not self.compact

    def strong_terms(self) -> list[tuple[str, ...]]:
        """Groups of index tokens; a record matching every token of any group is a candidate."""
        groups = [*self.groups, *((p,) for p in self.pinyin)]
        if self.is_ascii:
            groups += [(w,) for w in self.normalised.split()]
        return _dedupe(g for g in groups if all(g))[:MAX_QUERY_TERMS]

    def weak_terms(self) -> list[str]:
        """Index tokens any of which makes a candidate, when no strong group matches."""
        strong = {t for group in self.strong_terms() for t in group}
        return [t for t in _dedupe([*self.pieces, *self.pinyin_words]) if t not in strong][:MAX_QUERY_TERMS]

    def matches(self, tokens: frozenset[str] | set[str], *, weak: bool = False) -> bool:
        """Whether a record with these index tokens is a candidate (for lists searched in Python)."""
        if weak:
            return any(t in tokens for t in self.weak_terms())
        return any(all(t in tokens for t in group) for group in self.strong_terms())

    def highlight_terms(self) -> list[str]:
        """Text to mark in titles and snippets, longest first (pinyin is matched separately)."""
        words = [w for w in self.words if len(w) > 1 or len(self.compact) == 1]
        terms = [self.compact, *self.normalised.split(), *words, *self.synonyms]
        return sorted(_dedupe(t for t in terms if t), key=len, reverse=True)


def expand_synonyms(text: str, words: Iterable[str], synonyms: Mapping[str, Iterable[str]]) -> list[str]:
    """Expansions of every synonym key the query contains or consists of."""
    found: list[str] = []
    candidates = set(words)
    for key, expansions in synonyms.items():
        if key in candidates or (len(key) > 1 and key in text):
            found += [e for e in expansions if e != key and e not in text]
    return _dedupe(found)


def analyse_query(raw: str, synonyms: Mapping[str, Iterable[str]] | None = None) -> QueryPlan:
    """Analyse a query the way records are indexed, and expand it.

    An all-ASCII query is searched literally and as pinyin or initials (``yyzz``,
    ``yingyezhizhao``); a Chinese query also as the full pinyin of the whole query, which finds
    homophone typos (营业执找 → yingyezhizhao). ``synonyms`` maps a normalised word to the words
    also searched; by default the editors' synonym list.
    """
    normalised = normalise(raw)
    text = compact(normalised)
    if not text:
        return QueryPlan(raw=raw)
    if synonyms is None:
        from .vocabulary import synonym_map

        synonyms = synonym_map()
    is_ascii = text.isascii()
    precise = precise_words(normalised)
    words = [w for w in precise if w not in QUERY_STOPWORDS] or precise
    pieces = search_words(normalised, stopwords=QUERY_STOPWORDS) or search_words(normalised)
    expansions = expand_synonyms(text, [*words, *pieces], synonyms)
    forms: list[str] = []  # the whole query as pinyin (or initials): matched against titles
    word_forms: list[str] = []  # each longer word's pinyin: recall of homophone typos only
    if is_ascii:
        if text.isalpha():
            forms.append(text)
    else:
        han = "".join(c for c in text if _HAN.match(c))
        if len(han) >= 2:
            forms.append(pinyin(han))
        word_forms = [pinyin(w) for w in pieces if len(w) >= 2 and is_han(w)]
    return QueryPlan(
        raw=raw,
        normalised=normalised,
        words=tuple(_dedupe(words)),
        synonyms=tuple(expansions),
        pinyin=tuple(_dedupe(forms)),
        is_ascii=is_ascii,
        pieces=tuple(pieces),
        groups=tuple((w,) for w in _dedupe([*words, *expansions])),
        pinyin_words=tuple(w for w in _dedupe(word_forms) if w not in forms),
    )
