"""What the search knows besides the index: synonyms, domain words and the "did you mean" list.

All three are derived from the database and cached under one version key that changes whenever
synonyms or searchable content change (``sitesearch.signals``), so every process sees an edit
on its next search (the TTL bounds staleness when the cache is per process).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core import cache as shared_cache

from . import analysis, registry

WORDS = "words"  # synonyms and the kinds' domain words: what queries expand to and jieba keeps whole
CONTENT = "content"  # what is public: titles for "did you mean", the list of portal pages
CACHE_SECONDS = 600
SUGGESTION_CUTOFF = 0.75

_synced_version: str | None = None
_pinned = threading.local()


def version(scope: str) -> str:
    return shared_cache.version(f"sitesearch:{scope}")


def changed(scope: str) -> None:
    """Something in ``scope`` changed: lists derived from it are rebuilt on the next search."""
    shared_cache.bump(f"sitesearch:{scope}")


def cached(name: str, build, scopes: tuple[str, ...]):
    versions = tuple(f"sitesearch:{scope}" for scope in scopes)
    return shared_cache.cached(f"sitesearch:{name}", build, versions, CACHE_SECONDS)


def _build_words() -> dict:
    """Active synonyms (normalised word → words also searched) and the domain words for jieba."""
    from .models import Synonym

    synonyms: dict[str, list[str]] = {}
    domain = registry.domain_words()  # matter types, term names … (``SearchKind.words``)
    for synonym in Synonym.objects.filter(is_active=True):
        domain += synonym.word_list()
        for word, others in synonym.expansions().items():
            synonyms[word] = list(dict.fromkeys([*synonyms.get(word, []), *others]))
    return {"synonyms": synonyms, "domain": [w for w in domain if w]}


def _words() -> dict:
    return cached("words", _build_words, (WORDS,))


def synonym_map() -> dict[str, list[str]]:
    """Active synonyms: normalised word → the words also searched (one cache read per query)."""
    sync_domain_words()
    return _words()["synonyms"]


def sync_domain_words() -> str:
    """Teach this process's jieba the current domain words (once per version change); returns
    the version of the words it knows now."""
    global _synced_version
    if (pinned := getattr(_pinned, "version", None)) is not None:
        return pinned
    current = version(WORDS)
    if _synced_version != current:
        analysis.add_words(_words()["domain"])
        _synced_version = current
    return current


@contextmanager
def words_pinned() -> Iterator[str]:
    """Inside, the domain words are checked once, on entering: bulk indexing segments a batch
    with one dictionary instead of reading its version for every field of every record."""
    if (pinned := getattr(_pinned, "version", None)) is not None:
        yield pinned
        return
    _pinned.version = sync_domain_words()
    try:
        yield _pinned.version
    finally:
        _pinned.version = None


# ---- did you mean ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    word: str
    pinyin: str
    initials: str


def _build_suggestions() -> list[tuple[str, str, str]]:
    from .engine import public_titles

    words: dict[str, None] = {}
    for title in public_titles():
        text = analysis.normalise(title)
        for word in {*analysis.precise_words(text), *analysis.fine_words(text)}:
            if len(word) >= 2 and analysis.is_han(word):
                words[word] = None
        if len(analysis.compact(text)) <= 12:
            words[analysis.compact(text)] = None
    for key, others in synonym_map().items():
        for word in [key, *others]:
            words[word] = None
    return [(w, analysis.pinyin(w), analysis.initials(w)) for w in words if analysis.has_han(w)]


def suggestion_entries() -> list[Entry]:
    return [Entry(*row) for row in cached("suggestions", _build_suggestions, (WORDS, CONTENT))]


def suggest(plan: analysis.QueryPlan) -> str | None:
    """The vocabulary word or title closest to a query that found nothing, by characters or by pinyin."""
    if plan.is_empty:
        return None
    entries = suggestion_entries()
    text = plan.compact
    if plan.is_ascii:
        query_forms = {"pinyin": text, "initials": text}
    else:
        query_forms = {"word": text, "pinyin": analysis.pinyin(text)}
    best: tuple[float, int, str] | None = None
    for entry in entries:
        for attribute, query in query_forms.items():
            candidate = getattr(entry, attribute)
            if not candidate or abs(len(candidate) - len(query)) > max(3, len(query) // 2):
                continue
            matcher = difflib.SequenceMatcher(None, query, candidate)
            if matcher.real_quick_ratio() < SUGGESTION_CUTOFF or matcher.quick_ratio() < SUGGESTION_CUTOFF:
                continue
            ratio = matcher.ratio()
            if ratio >= SUGGESTION_CUTOFF and (best is None or (ratio, -len(entry.word)) > best[:2]):
                best = (ratio, -len(entry.word), entry.word)
    if best is None or best[2] == text:
        return None
    return best[2]
