"""Synonyms editors maintain for the site search (搜索同义词).

Applied when a query is analysed, not when records are indexed, so an edit takes effect on the
next search without rebuilding the index.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .analysis import compact, normalise

WORD_SEPARATORS = re.compile(r"[、，,；;／/|\s]+")
MAX_WORD_LENGTH = 20
MAX_WORDS = 20


def split_words(text: str) -> list[str]:
    return [w for w in WORD_SEPARATORS.split(text or "") if w]


class Synonym(models.Model):
    """A group of words citizens and officials use for the same thing.

    Two-way (default): searching any word also searches the others (身份证 / 居民身份证).
    One-way: only the first word is expanded (用户说 开饭店 → 也搜 餐饮、饭馆), for everyday
    wording that should find official terms but not the other way round.
    """

    words = models.CharField(
        "词语",
        max_length=300,
        help_text="一组意思相同的词，用“、”、逗号或空格分隔，例如：身份证、居民身份证。每个词不超过20个字。",
    )
    one_way = models.BooleanField(
        "单向扩展",
        default=False,
        help_text="勾选后只有第一个词扩展到其余的词：例如“开饭店、餐饮、饭馆”，搜“开饭店”也搜“餐饮”“饭馆”，"
        "搜“餐饮”不会扩展到“开饭店”。",
    )
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True, help_text="例如来源：12345热线常见说法。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="搜索同义词历史")

    class Meta:
        verbose_name = "搜索同义词"
        verbose_name_plural = "搜索同义词"
        ordering = ["words"]

    def __str__(self) -> str:
        words = self.word_list()
        if self.one_way and len(words) > 1:
            return f"{words[0]} → {'、'.join(words[1:])}"
        return "、".join(words)

    def word_list(self) -> list[str]:
        return split_words(self.words)

    def clean(self) -> None:
        super().clean()
        words = self.word_list()
        problems: list[str] = []
        seen: dict[str, str] = {}
        for word in words:
            key = compact(normalise(word))
            if not key:
                problems.append(f"“{word}”不是词语，只能用文字、字母或数字。")
            elif len(word) > MAX_WORD_LENGTH:
                problems.append(f"“{word}”超过{MAX_WORD_LENGTH}个字，同义词应是词语而不是句子。")
            elif key in seen:
                problems.append(f"“{word}”与“{seen[key]}”重复。")
            else:
                seen[key] = word
        if len(words) < 2:
            problems.append("至少填写两个词，用“、”分隔。")
        elif len(words) > MAX_WORDS:
            problems.append(f"一组最多{MAX_WORDS}个词，请拆成几组。")
        if problems:
            raise ValidationError({"words": problems})
        self.words = "、".join(words)

    def expansions(self) -> dict[str, list[str]]:
        """Normalised word → the normalised words also searched for it."""
        words = [compact(normalise(w)) for w in self.word_list()]
        words = [w for w in dict.fromkeys(words) if w]
        if self.one_way:
            return {words[0]: words[1:]} if len(words) > 1 else {}
        return {w: [o for o in words if o != w] for w in words}
