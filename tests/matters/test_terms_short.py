"""An import cell names a vocabulary term the way departments type it (issue 18): the part before
the bracket ("社会保障" for "社会保障（社会保险、社会救助）", full- or half-width brackets) or an
alias; a short form two terms share is refused, naming the row, the column and the candidates."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from matters.models import Matter, Term
from matters.terms import AmbiguousTerm, TermResolver, short_form

from .test_import_export import confirm, new_row, upload, workbook

pytestmark = pytest.mark.django_db

SOCIAL_SECURITY = "社会保障（社会保险、社会救助）"


def test_short_form_is_the_part_before_the_bracket():
    assert short_form(SOCIAL_SECURITY) == "社会保障"
    assert short_form("社会保障(社会保险、社会救助)") == "社会保障"
    assert short_form("镇（乡、街道）级") == "镇"
    assert short_form("准营准办") == ""
    assert short_form("（无）") == ""


def test_the_resolver_prefers_an_exact_name_and_refuses_a_shared_short_form():
    resolver = TermResolver()
    assert resolver.resolve("natural_theme", "社会保障").name == SOCIAL_SECURITY
    assert resolver.resolve("natural_theme", " 社会保障 ").name == SOCIAL_SECURITY
    assert resolver.resolve("level", "县（区）级").key == "county"  # an alias, exactly
    assert resolver.resolve("level", "县").key == "county"  # the short form of that alias
    Term.objects.create(vocabulary="natural_theme", code="901", name="社会保障(社会福利)")
    Term.objects.create(vocabulary="natural_theme", code="902", name="社会保障")
    fresh = TermResolver()
    assert fresh.resolve("natural_theme", "社会保障").code == "902"  # the exact name wins
    Term.objects.filter(code="902", vocabulary="natural_theme").delete()
    with pytest.raises(AmbiguousTerm) as refused:
        TermResolver().resolve("natural_theme", "社会保障")
    assert {t.name for t in refused.value.candidates} == {SOCIAL_SECURITY, "社会保障(社会福利)"}


def test_import_accepts_short_forms_and_aliases_through_preview_and_apply(client, world):
    row = new_row(world.dept_a, 301, 自然人主题分类="社会保障、准营准办", 行使层级="县（区）级")
    row["实施主体"] = world.dept_a.short_name
    client.force_login(world.users["owner"])
    preview = upload(client, workbook([row]))
    plan = preview.context["plan"]
    assert plan.ok, plan.report()
    assert confirm(client, preview).status_code == 302
    matter = Matter.objects.get(implementation_code=row["实施编码"])
    revision = matter.latest_revision.as_object()
    assert {t.name for t in revision.natural_themes.all()} == {SOCIAL_SECURITY, "准营准办"}
    assert {t.key for t in revision.exercise_levels.all()} == {"county"}


def test_an_ambiguous_short_form_is_refused_naming_row_column_and_candidates(client, world):
    Term.objects.create(vocabulary="natural_theme", code="901", name="社会保障（社会福利）")
    row = new_row(world.dept_a, 302, 自然人主题分类="社会保障")
    client.force_login(world.users["owner"])
    before = Matter.objects.count()
    preview = upload(client, workbook([new_row(world.dept_a, 303), row]))
    plan = preview.context["plan"]
    assert not plan.ok and preview.context["token"] == ""
    [problem] = plan.errors
    text = str(problem)
    assert "第3行" in text and "自然人主题分类" in text
    assert f"“{SOCIAL_SECURITY}”" in text and "“社会保障（社会福利）”" in text and "完整名称" in text
    errors = [p.get_text(strip=True) for p in BeautifulSoup(preview.content, "html.parser").select("p.error-message")]
    assert any("社会保障（社会福利）" in e for e in errors)
    assert Matter.objects.count() == before  # nothing written
