"""The admin speaks Chinese (issue 18): a department editor of the demo city crawls a fixed set of
admin pages and finds no Latin-letter UI text outside an allow-list of names — visible text,
``title``, ``placeholder``, ``aria-label``, ``alt`` and ``<title>``; script and style bodies,
URLs, e-mail addresses, user names and codes (anything with a digit or ``_``) are not UI text."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, Doctype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from matters.models import Matter
from permissions.policy import policy_for

from ..helpers import form_post_data, matter_form_data, matter_url

pytestmark = pytest.mark.django_db

# Names that stay Latin in a Chinese admin: formats, products, and the abbreviations staff use.
ALLOWED = {"Excel", "PDF", "API", "CSV", "Word", "OFD", "Wagtail", "ID", "URL", "Office", "WPS", "IP", "QR"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description")
NOT_UI = {"script", "style", "noscript", "template", "textarea", "code", "pre"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# URLs, paths, e-mail addresses, user names and codes: not words of the interface.
NOT_WORDS = re.compile(r"\S*(?:https?://|www\.|@|/|\.(?:xlsx|docx|pdf|csv)\b)\S*|\S*[_\d]\S*")


def _hidden(node) -> bool:
    """Not shown and not announced: inside ``hidden`` or ``aria-hidden="true"``."""
    return any(p.has_attr("hidden") or p.get("aria-hidden") == "true" for p in node.parents if p.name)


def ui_texts(html: str):
    """(where, text) of every piece of text a user sees or a screen reader announces."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Doctype)) or any(p.name in NOT_UI for p in node.parents) or _hidden(node):
            continue
        if node.strip():
            yield node.parent.name, node.strip()
    for tag in soup.find_all(True):
        if _hidden(tag) or tag.has_attr("hidden"):
            continue
        for attribute in ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and value.strip():
                yield f"{tag.name}[{attribute}]", value.strip()
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            yield "input[value]", tag["value"]


def _not_a_word(word: str) -> bool:
    return len(word) == 1 or (word.isupper() and len(word) >= 6)


def english(html: str, allowed: set[str]) -> list[str]:
    """Latin words outside ``allowed``. Not words: a single letter (一楼A区, B座) and all-capital
    words of six letters or more (codes: a disclosure request's YSREEHRCXSTC)."""
    found = []
    for where, text in ui_texts(html):
        words = [w for w in WORD.findall(NOT_WORDS.sub(" ", text)) if w not in allowed and not _not_a_word(w)]
        if words:
            found.append(f"{where}: {text[:100]!r}")
    return sorted(set(found))


def test_the_checker_finds_english_and_lets_names_codes_and_urls_pass():
    html = """<!DOCTYPE html><html><head><title>编辑 - Wagtail</title><script>var x = "English";</script></head>
    <body><p>导出Excel、PDF</p><p>网址 https://example.cn/path 邮箱 a@b.cn 编码 11990100MB0001 账号 scjg_editor</p>
    <p hidden>Hidden</p><span aria-hidden="true">Icon</span>
    <button aria-label="Close">×</button><input placeholder="Search term"><img alt="Avatar" src="x.png">
    <input type="submit" value="Save"><p>3 pages</p></body></html>"""
    assert english(html, ALLOWED | {"scjg_editor"}) == [
        "button[aria-label]: 'Close'",
        "img[alt]: 'Avatar'",
        "input[placeholder]: 'Search term'",
        "input[value]: 'Save'",
        "p: '3 pages'",
    ]


# ---- the catalogue ----------------------------------------------------------------------

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


ESCAPES = {"n": "\n", "t": "\t"}


def _po_entries(path: Path) -> dict:
    """{msgid or (msgid, 0): msgstr} of a .po file, as gettext keys a compiled catalogue."""
    entries, current, field = {}, {}, None

    def flush():
        if current.get("msgid"):
            key = current["msgid"] if "msgid_plural" not in current else (current["msgid"], 0)
            if "msgctxt" in current:
                key = f"{current['msgctxt']}\x04{current['msgid']}"
            entries[key] = current.get("msgstr", current.get("msgstr[0]", ""))

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            current, field = {}, None
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?) (\".*\")$", line)
        if match:
            field = match.group(1)
            current[field] = ""
            line = match.group(2)
        current[field] += re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), line[1:-1])
    return entries


def test_the_compiled_catalogue_is_the_po_file():
    """``django.mo`` is committed (``make run`` needs no gettext tools): it must say what the .po says.
    After editing the .po: ``msgfmt --check -o django.mo django.po``."""
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = {k: v for k, v in gettext.GNUTranslations(handle)._catalog.items() if k}
    assert compiled == _po_entries(LOCALE / "django.po")
    assert len(compiled) > 300


# ---- the crawl ----------------------------------------------------------------------------


@pytest.fixture
def editor(demo_city, client):
    user = get_user_model().objects.get(username="scjg_editor")
    client.force_login(user)
    return user


def _allowed() -> set[str]:
    return ALLOWED | set(get_user_model().objects.values_list("username", flat=True))


def _editable_page(user) -> Page:
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return pages.filter(depth__gt=3).order_by("path").first().specific


def test_a_department_editor_sees_no_english(client, editor):
    page = _editable_page(editor)
    matter = policy_for(Matter).instances_user_has_permission_for(editor, "change").order_by("pk").first()
    revisions = list(Revision.objects.for_instance(matter).order_by("pk").values_list("pk", flat=True))
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[page.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[page.get_parent().pk]),
        reverse("wagtailadmin_pages:search") + "?q=食品",
        reverse("wagtailadmin_pages:search") + "?q=食品&search_all=1",
        matter_url("list"),
        matter_url("list") + "?q=食品",
        matter_url("edit", matter.pk),
        matter_url("history", matter.pk),
        matter_url("inspect", matter.pk),
        matter_url("add"),
        matter_url("revisions_compare", pk=matter.pk, revision_id_a=revisions[0], revision_id_b="latest"),
        reverse("matters_import"),
        reverse("matters_import_batches"),
        reverse("wagtailadmin_account"),
        reverse("accounts_new_backup_codes"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
    ]
    allowed = _allowed()
    found = {}
    for url in urls:
        response = client.get(url, follow=True)  # the explorer root and a one-type parent redirect
        assert response.status_code == 200, url
        if leftovers := english(response.content.decode(), allowed):
            found[url] = leftovers
    assert found == {}


def test_form_errors_and_moderation_messages_are_chinese(client, editor):
    page = _editable_page(editor)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = form_post_data(client.get(edit).context["form"])
    data["title"] = ""
    response = client.post(edit, data)
    html = response.content.decode()
    assert "页面未能保存：有填写错误" in html
    assert "必需字段" in html  # the title field's error, in Wagtail's zh_Hans
    assert english(html, _allowed()) == []

    matter = policy_for(Matter).instances_user_has_permission_for(editor, "change").order_by("pk").first()
    response = client.post(matter_url("edit", matter.pk), matter_form_data(matter, **{"action-submit": "submit"}))
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("已提交审核" in m for m in messages), messages
    assert all(english(f"<p>{m}</p>", _allowed()) == [] for m in messages)


def test_a_reviewer_sees_no_english(client, demo_city):
    reviewer = get_user_model().objects.get(username="scjg_reviewer")
    client.force_login(reviewer)
    urls = [
        reverse("wagtailadmin_home"),
        matter_url("list"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
    ]
    allowed = _allowed()
    found = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        if leftovers := english(response.content.decode(), allowed):
            found[url] = leftovers
    assert found == {}


def test_the_image_and_document_choosers_are_chinese(client, editor):
    """Department editors reach images and documents through the choosers of the page editor."""
    allowed = _allowed()
    for name in ("wagtailimages_chooser:choose", "wagtaildocs_chooser:choose"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert english(response.json()["html"], allowed) == [], name
