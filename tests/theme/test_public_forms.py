"""The forms and pages visitors use, on the demo city (issue 18, item 4): no "---------" in any
public select, the publication year as a select, page numbers in every pager, one date format that
never wraps, where a matter is handled taken from the halls' windows, specialised windows with
their own matters only, and the "一件事" window."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from wagtail.models import Page

from appointments.pages import AppointmentIndexPage
from cases.pages import CaseIndexPage
from disclosure.models import DisclosureDocumentPage, DisclosureIndexPage
from guides.models import BundleGuidePage, GuidePage
from halls.models import Window
from interaction.pages import InteractionIndexPage
from matters.models import Matter
from matters.pages import MatterCatalogPage
from ratings.pages import RatingIndexPage

from .conftest import parse

pytestmark = pytest.mark.django_db


def live(model) -> Page:
    page = model.objects.live().first()
    assert page is not None, f"the demo has no {model.__name__}"
    return page


def matter(name: str) -> Matter:
    return Matter.public_queryset().select_related("department").get(name=name)


def matter_url(name: str) -> str:
    return f"{live(MatterCatalogPage).url}item/{matter(name).implementation_code}/"


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def public_form_urls() -> list[str]:
    """Every public page type that has a form (filters, applications, lookups, ratings)."""
    catalog = live(MatterCatalogPage).url
    disclosure = live(DisclosureIndexPage).url
    interaction = live(InteractionIndexPage).url
    cases = live(CaseIndexPage).url
    appointments = live(AppointmentIndexPage).url
    ratings = live(RatingIndexPage).url
    online = Matter.public_queryset().filter(promised_limit__isnull=False).order_by("pk").first()
    return [
        catalog,
        f"{catalog}?q=营业执照",
        f"{disclosure}catalog/",
        f"{disclosure}apply/",
        f"{disclosure}status/",
        interaction,
        *(f"{interaction}ask/{kind}/" for kind in ("consultation", "complaint", "suggestion")),
        f"{interaction}lookup/",
        cases,
        f"{cases}lookup/",
        f"{cases}apply/{online.pk}/",
        appointments,
        f"{appointments}after-hours/",
        f"{appointments}mine/",
        ratings,
        f"{ratings}service/{online.pk}/",
        "/search/?q=营业执照",
    ]


def test_no_public_select_offers_dashes_and_every_empty_choice_is_a_chinese_prompt(client, demo_city):
    selects = 0
    for url in public_form_urls():
        html = html_of(client, url)
        assert "---------" not in html, url
        for select in re.findall(r"<select[^>]*>(.*?)</select>", html, re.S):
            selects += 1
            for label in re.findall(r'<option value=""[^>]*>([^<]*)</option>', select):
                assert re.search(r"[\u4e00-\u9fff]", label), (url, label)
    assert selects >= 15  # the catalog's, the disclosure filters and application, Q&A, cases, after-hours, search


def test_disclosure_request_form_prompts_for_each_choice(client, demo_city):
    html = html_of(client, f"{live(DisclosureIndexPage).url}apply/")
    for prompt in ("请选择向哪个机关申请", "请选择申请人类型", "请选择证件类型", "请选择提供方式", "请选择获取方式"):
        assert f'<option value="" selected>{prompt}</option>' in html, prompt


def test_publication_year_is_a_select_of_the_years_that_have_documents_newest_first(client, demo_city):
    url = f"{live(DisclosureIndexPage).url}catalog/"
    doc = parse(html_of(client, url))
    year = doc.find("select", name="year")
    assert year is not None and doc.find("input", name="year") is None
    options = [(o.attrs["value"], o.text) for o in doc.find_all("option") if "select" in o.ancestors]
    years = [(v, t) for v, t in options if re.fullmatch(r"\d{4}", v or "")]
    expected = sorted(
        {d.year for d in DisclosureDocumentPage.catalog_queryset().values_list("publication_date", flat=True)},
        reverse=True,
    )
    assert [int(v) for v, _ in years] == expected and years[0][1] == f"{expected[0]}年"
    assert ("", "全部年份") in options
    oldest = expected[-1]
    listed = html_of(client, f"{url}?year={oldest}")
    published = re.findall(r'<td data-label="发布日期"><time class="date" datetime="(\d{4})-', listed)
    assert published and set(published) == {str(oldest)}
    assert f'<option value="{oldest}" selected>' in listed


def test_every_pager_shows_page_numbers_marks_the_current_one_and_keeps_the_filters(client, demo_city):
    catalog = live(MatterCatalogPage).url
    level_filtered = Matter.public_queryset().filter(department__level="city").count()
    assert level_filtered > 40  # three pages or more
    html = html_of(client, f"{catalog}?level=city&page=2")
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    doc = parse(pager)
    current = [e for e in doc.find_all("span") if e.attrs.get("aria-current") == "page"]
    assert len(current) == 1 and "2" in current[0].text
    links = {a.text.strip(): a.attrs["href"] for a in doc.find_all("a")}
    assert {"上一页", "下一页", "1", "3"} <= set(links)
    for href in links.values():
        query = parse_qs(urlsplit(href).query)
        assert query["level"] == ["city"]
    assert "page" not in parse_qs(urlsplit(links["1"]).query)  # page 1 is the list's own address
    assert parse_qs(urlsplit(links["下一页"]).query)["page"] == ["3"]


def test_dates_use_one_format_and_never_wrap(client, demo_city):
    html = html_of(client, f"{live(DisclosureIndexPage).url}catalog/")
    dates = re.findall(r'<time class="date" datetime="(\d{4})-(\d\d)-(\d\d)">(.*?)</time>', html)
    assert dates
    for year, month, day, text in dates:
        assert text == f"{int(year)}年{int(month)}月{int(day)}日"
    assert not re.search(r">\d{4}-\d\d-\d\d<", html)
    from django.contrib.staticfiles import finders

    css = open(finders.find("theme/site.css"), encoding="utf-8").read()  # noqa: SIM115
    assert re.search(r"\.date, time[^{]*\{ white-space: nowrap; \}", css)


def test_a_matter_is_handled_where_the_windows_that_list_it_are(client, demo_city):
    food = matter("食品经营许可")
    handling = Window.objects.filter(matters=food, hall__is_active=True).select_related("hall")
    numbers = {w.number for w in handling}
    assert "A05" in numbers and "A06" not in numbers and "A07" not in numbers  # 专业窗口 of another line
    html = html_of(client, matter_url("食品经营许可"))
    section = html.split("<h2>办理地点和时间</h2>", 1)[1].split("</section>", 1)[0]
    halls = {w.hall for w in handling}
    for hall in halls:
        assert section.count(f"<strong>{hall.name}</strong>") == 1  # one address per hall
        assert hall.address in section
    assert "A05 市场监管窗口（食品经营）" in section
    assert "综合受理窗口 " not in section  # never the matter's own typed place when windows take it


def test_a_matter_no_window_handles_keeps_its_own_place(client, demo_city):
    marriage = matter("内地居民结婚登记")
    assert not Window.objects.filter(matters=marriage).exists()
    section = html_of(client, matter_url("内地居民结婚登记")).split("<h2>办理地点和时间</h2>", 1)[1]
    assert "示范市婚姻登记处" in section.split("</section>", 1)[0]


def test_specialised_windows_list_only_their_departments_line_of_business(demo_city):
    for window in Window.objects.filter(kind="departmental").prefetch_related("matters", "departments"):
        stationed = {d.pk for d in window.departments.all()}
        assert {m.department_id for m in window.matters.all()} <= stationed, window
    food = Window.objects.get(hall__code="city-center", number="A05")
    assert food.matters.exists() and all("食品" in m.name for m in food.matters.all())
    # the market department's 专业窗口 at the centre share its matters out: each matter to one window
    market = Window.objects.filter(hall__code="city-center", number__in=["A05", "A06", "A07", "A08"])
    taken = [m.pk for w in market.prefetch_related("matters") for m in w.matters.all()]
    assert taken and len(taken) == len(set(taken))


def test_bundle_page_says_where_the_one_window_is(client, demo_city):
    bundle = BundleGuidePage.objects.live().get(title="开办餐饮店“一件事”")
    html = html_of(client, bundle.url)
    assert '<div class="one-window" id="one-window">' in html
    text = re.sub(r"<[^>]+>", " ", html.split('id="one-window"', 1)[1].split("</dl>", 1)[0])
    window = Window.objects.select_related("hall").get(hall__code="donghu-center", number="05")
    assert window.hall.name in text and "05 “高效办成一件事”综合窗口" in text
    assert window.hall.address in text and "办公时间" in text
    printed = html_of(client, bundle.url + "print/")
    assert "一窗受理：东湖区政务服务中心 05 “高效办成一件事”综合窗口" in printed


def test_guide_notice_lists_the_halls_with_their_windows(client, demo_city):
    guide = GuidePage.objects.live().filter(matter__name="食品经营许可").first()
    assert guide is not None
    printed = html_of(client, guide.url + "print/")
    assert "示范市政务服务中心</strong>（" in printed and "A05 市场监管窗口（食品经营）" in printed


def test_a_guides_form_downloads_are_one_line_each_with_format_and_size(client, demo_city):
    from guides.demo import DOWNLOADS

    name, title = next(iter(DOWNLOADS.items()))
    guide = GuidePage.objects.live().get(matter__name=name)
    html = html_of(client, guide.url)
    section = html.split('<ul class="download-list">', 1)[1].split("</ul>", 1)[0]
    lines = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(lines) >= 2  # the blank form, the sample: a line each
    blank = re.fullmatch(
        rf'<a href="[^"]+" download>{re.escape(title)}\.pdf</a><span class="file-meta">（PDF，(\d+) KB）</span>',
        lines[0].strip(),
    )
    assert blank, lines[0]
    document = guide.body[[b.block_type for b in guide.body].index("downloads")].value["items"][0]["blank"]
    assert int(blank.group(1)) == max(1, round(document.file.size / 1024))
    assert lines[1].strip().startswith("填写示例：<a ") and "（PDF，" in lines[1]
