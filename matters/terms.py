"""Finding enumeration values from what people type: names, codes and aliases."""

from __future__ import annotations

import re
import unicodedata

from .models import Term
from .vocabularies import GROUP_ALIASES

# Separators accepted between several values in one cell (domain.md §1.3).
SEPARATORS = re.compile(r"[、,，;；\n]+")
_OPEN, _CLOSE = "（(【[", "）)】]"


def split_cell(cell: str) -> list[str]:
    """The values of a multi-value cell. A separator inside brackets does not split, so
    "社会保障（社会保险、社会救助）" and "镇（乡、街道）级" stay one value each."""
    parts, current, depth = [], [], 0
    for ch in str(cell or ""):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and SEPARATORS.fullmatch(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def normalise(text: str) -> str:
    """Full-width to half-width, trimmed, case-folded: how cells are compared."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().casefold()


_OPEN_NORMALISED = set(_OPEN) | set(unicodedata.normalize("NFKC", _OPEN))


def short_form(text: str) -> str:
    """The part of a term's name before its bracket, as departments type it: "社会保障" for
    "社会保障（社会保险、社会救助）" (full- or half-width brackets); "" when there is none."""
    text = normalise(text)
    for index, ch in enumerate(text):
        if ch in _OPEN_NORMALISED:
            return text[:index].strip()
    return ""


class AmbiguousTerm(ValueError):
    """A short form that names more than one term: the cell must say which (the message lists them)."""

    def __init__(self, text: str, candidates: list[Term]) -> None:
        self.text, self.candidates = text, candidates
        names = "、".join(f"“{t.name}”" for t in candidates)
        super().__init__(f"“{text}”可指多个词条：{names}；请填写完整名称。")


class TermResolver:
    """Looks terms up by name, code, alias, or the short form of a name or alias (the part before
    a bracket); loads each vocabulary once per resolver.

    An exact name, code or alias always wins; a short form is used only when nothing matches
    exactly, and one that several terms share is refused with ``AmbiguousTerm``.
    Make one per import (or request): terms edited meanwhile are seen by the next one.
    """

    def __init__(self) -> None:
        self._indexes: dict[str, dict[str, Term]] = {}
        self._by_key: dict[str, dict[str, Term]] = {}
        self._short: dict[str, dict[str, list[Term]]] = {}

    def _index(self, vocabulary: str) -> dict[str, Term]:
        if vocabulary not in self._indexes:
            index: dict[str, Term] = {}
            by_key: dict[str, Term] = {}
            short: dict[str, list[Term]] = {}
            for term in Term.objects.of(vocabulary):
                for word in (term.name, term.code, *term.alias_list()):
                    index.setdefault(normalise(word), term)
                    prefix = short_form(word)
                    if prefix and term not in short.setdefault(prefix, []):
                        short[prefix].append(term)
                if term.key:
                    by_key[term.key] = term
            self._indexes[vocabulary] = index
            self._by_key[vocabulary] = by_key
            self._short[vocabulary] = short
        return self._indexes[vocabulary]

    def resolve(self, vocabulary: str, text: str) -> Term | None:
        """The term named, coded or aliased ``text`` (or so named before a bracket), or None.

        Raises ``AmbiguousTerm`` when ``text`` is only a short form several terms share."""
        key = normalise(text)
        term = self._index(vocabulary).get(key)
        if term is not None or not key:
            return term
        candidates = self._short[vocabulary].get(key, [])
        if len(candidates) > 1:
            raise AmbiguousTerm(str(text).strip(), candidates)
        return candidates[0] if candidates else None

    def resolve_many(self, vocabulary: str, cell: str) -> tuple[list[Term], list[str]]:
        """Split a multi-value cell and resolve each part; returns (terms, unknown parts)."""
        self._index(vocabulary)
        terms: list[Term] = []
        unknown: list[str] = []
        groups = GROUP_ALIASES.get(vocabulary, {})
        for part in split_cell(cell):
            found = (
                [self._by_key[vocabulary][k] for k in groups[part] if k in self._by_key[vocabulary]]
                if part in groups
                else [self.resolve(vocabulary, part)]
            )
            if found == [None]:
                unknown.append(part)
                continue
            terms.extend(t for t in found if t not in terms)
        return terms, unknown
