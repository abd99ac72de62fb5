"""Each data block shows live, public records only, honours the settings chosen in the admin,
and stays quiet (no 500, no "everything") when a chosen department, term, category or hall
has gone since."""

from __future__ import annotations

import pytest
from wagtail.blocks import StructBlockValidationError

from disclosure.models import Classification, Facet
from matters.models import Term
from matters.pages import MatterCatalogPage
from permissions.grants import remove_empty_department_sections
from portal.blocks import (
    BannerBlock,
    DisclosureListBlock,
    HallNoticesBlock,
    MatterListBlock,
    QuickLinksBlock,
    StatsBlock,
)
from portal.blocks.base import MoreLinkBlock

from ..guides.factories import GuidePageFactory
from ..halls.factories import NoticeFactory
from ..matters.factories import MatterFactory, term
from ..permissions.factories import DepartmentFactory
from .factories import SectionPageFactory
from .portal_helpers import block, build_portal, text

pytestmark = pytest.mark.django_db

NO_MORE = {"show": False, "text": "更多", "page": None, "url": ""}


@pytest.fixture
def portal(world):
    return build_portal(world)


def render(client, *blocks_) -> str:
    page = SectionPageFactory(body=blocks_)
    response = client.get(page.url)
    assert response.status_code == 200
    return text(response)


def matters_block(**value) -> dict:
    value.setdefault("count", 30)
    value.setdefault("heading", "事项")
    return block("matter_list", **value)


# ---- matter lists -------------------------------------------------------------------------------


def test_matter_list_shows_only_published_matters_in_force(client, world):
    MatterFactory(department=world.dept_a, name="暂停受理的事项", suspended=True)
    MatterFactory(department=world.dept_a, name="已取消的事项", cancelled=True)
    page = render(client, matters_block())
    assert "甲局在用事项" in page and "乙局在用事项" in page
    for hidden in ("甲局草稿事项", "乙局草稿事项", "暂停受理的事项", "已取消的事项"):
        assert hidden not in page


def test_matter_list_filters_by_the_settings_chosen(client, world):
    enterprise = term("service_object", "legal_enterprise")
    licence = MatterFactory(
        department=world.dept_b,
        name="企业设立登记",
        handling_type=term("handling_type", "immediate"),
        promised_limit=0,
        online_depth=term("online_depth", "depth_4"),
        visits=0,
        service_objects=[enterprise],
        natural_themes=[],
        legal_themes=[term("legal_theme", name="设立变更")],
    )
    county = DepartmentFactory(name="测试东区局", short_name="东区局", level="county", parent=world.dept_a)
    MatterFactory(department=county, name="东区局在用事项")

    slugs = iter(range(100))

    def shown(**value) -> set[str]:
        page = SectionPageFactory(body=[matters_block(**value)], slug=f"filter-{next(slugs)}")
        listed = text(client.get(page.url))
        return {name for name in ("甲局在用事项", "乙局在用事项", "企业设立登记", "东区局在用事项") if name in listed}

    assert shown(department=world.dept_a.pk) == {"甲局在用事项"}
    assert shown(level="county") == {"东区局在用事项"}
    assert shown(theme=str(term("legal_theme", name="设立变更").pk)) == {licence.name}
    everyone = {"甲局在用事项", "乙局在用事项", "东区局在用事项"}
    assert shown(theme=str(term("natural_theme", name="准营准办").pk)) == everyone
    assert shown(handling_type=str(term("handling_type", "immediate").pk)) == {licence.name}
    assert shown(online_depth=str(term("online_depth", "depth_4").pk)) == {licence.name}
    assert shown(service_object=str(enterprise.pk)) == {licence.name}
    assert shown(department=world.dept_b.pk, service_object=str(enterprise.pk)) == {licence.name}


def test_matter_list_count_ordering_and_links(client, world):
    newest = MatterFactory(department=world.dept_a, name="最新更新的事项")
    guide = GuidePageFactory(matter=world.matters["other"])
    page = SectionPageFactory(
        body=[
            matters_block(heading="最近更新", count=1, ordering="updated", more=NO_MORE),
            matters_block(heading="链接指南", department=world.dept_b.pk, link_to="guide"),
            matters_block(heading="按部门", department=world.dept_a.pk),
        ]
    )
    html = client.get(page.url).content.decode()
    listed = text(client.get(page.url))
    assert "最新更新的事项" in listed.split("链接指南")[0]
    assert "甲局在用事项" not in listed.split("链接指南")[0]  # count 1
    catalog = MatterCatalogPage.objects.get().url
    assert f'href="{guide.url}"' in html
    assert f'href="{catalog}item/{newest.implementation_code}/"' in html
    # "更多" leads to the catalog filtered the same way, unless the editor turned it off.
    assert f'href="{catalog}?department={world.dept_a.pk}"' in html
    assert html.count('class="pb-more"') == 2


@pytest.mark.parametrize("gone", ["deleted", "deactivated"])
def test_matter_list_of_a_department_that_is_gone_shows_nothing(client, world, gone):
    department = DepartmentFactory(name="临时机构", short_name="临时机构")
    page = SectionPageFactory(body=[matters_block(heading="临时机构事项", department=department.pk)])
    if gone == "deleted":
        remove_empty_department_sections(department)
        department.delete()
    else:
        department.is_active = False
        department.save()
    response = client.get(page.url)
    assert response.status_code == 200
    listed = text(response)
    assert "临时机构事项" in listed and "暂无符合条件的事项" in listed
    assert "甲局在用事项" not in listed and "乙局在用事项" not in listed


def test_matter_list_of_a_deactivated_theme_shows_nothing(client, world):
    theme = term("natural_theme", name="准营准办")
    page = SectionPageFactory(body=[matters_block(theme=str(theme.pk))])
    assert "甲局在用事项" in text(client.get(page.url))
    Term.objects.filter(pk=theme.pk).update(is_active=False)
    listed = text(client.get(page.url))
    assert "暂无符合条件的事项" in listed and "甲局在用事项" not in listed


# ---- disclosure ---------------------------------------------------------------------------------


def test_disclosure_list_shows_live_documents_by_category_and_body(client, portal):
    world, documents = portal.world, portal.documents
    organisation = Classification.objects.get(facet=Facet.CATEGORY, key="organisation")
    page = SectionPageFactory(
        body=[
            block("disclosure_list", heading="第一栏", count=10, show_index_number=True, show_date=True),
            block("disclosure_list", heading="第二栏", category=str(organisation.pk), count=10),
            block("disclosure_list", heading="第三栏", body=world.dept_a.pk, count=10),
        ]
    )
    listed = text(client.get(page.url))
    everything, rest = listed.split("第二栏", 1)
    by_category, by_body = rest.split("第三栏", 1)
    assert "甲局行政规范性文件公开" in everything and "乙局机构职能公开" in everything
    assert documents["live"].index_number in everything
    assert "甲局未发布的文件" not in listed
    assert "乙局机构职能公开" in by_category and "甲局行政规范性文件公开" not in by_category
    assert "甲局行政规范性文件公开" in by_body and "乙局机构职能公开" not in by_body
    assert documents["live"].index_number not in by_body  # shown only where asked

    Classification.objects.filter(pk=organisation.pk).update(is_active=False)
    listed = text(client.get(page.url))
    assert "暂无公开信息" in listed


# ---- halls ----------------------------------------------------------------------------------------


def test_hall_notices_are_the_ones_in_force_in_active_halls(client, portal):
    page = render(
        client,
        block("hall_notices", heading="全部公告", count=10),
        block("hall_notices", heading="东区公告", halls=["east-center"], count=10),
        block("hall_notices", heading="紧急公告", levels=["urgent"], count=10),
    )
    everything, rest = page.split("东区公告", 1)
    east, urgent = rest.split("紧急公告", 1)
    assert "中心停车场临时关闭" in everything and "东区中心延时服务" in everything
    for hidden in ("已经过期的公告", "已经撤下的公告", "下月才开始的公告", "旧大厅的公告"):
        assert hidden not in page
    assert "东区中心延时服务" in east and "中心停车场临时关闭" not in east
    assert "中心停车场临时关闭" in urgent and "东区中心延时服务" not in urgent


def test_hall_notices_of_a_chosen_hall_that_was_deactivated_show_nothing(client, portal):
    page = SectionPageFactory(body=[block("hall_notices", heading="东区公告", halls=["east-center"], count=10)])
    portal.halls["county"].is_active = False
    portal.halls["county"].save()
    listed = text(client.get(page.url))
    assert "目前没有大厅公告" in listed and "中心停车场临时关闭" not in listed


def test_halls_block_lists_active_halls_and_marks_closed_windows(client, portal):
    page = render(
        client,
        block("halls", heading="全部大厅", count=10),
        block("halls", heading="市中心窗口", halls=["city-center"], show_windows=True, count=10),
    )
    everything, windows = page.split("市中心窗口", 1)
    assert "测试市政务服务中心" in everything and "测试东区政务服务中心" in everything
    assert "已停用的旧大厅" not in page
    assert "A01 综合受理窗口 开放" in windows
    assert "A02 甲局专业窗口 暂停服务 系统升级，暂停服务半天" in windows
    assert "东区综合窗口" not in windows


def test_halls_block_by_level(client, portal):
    page = render(client, block("halls", heading="区县大厅", levels=["county"], count=10))
    assert "测试东区政务服务中心" in page and "测试市政务服务中心" not in page


# ---- statistics, departments, themes, bundles ---------------------------------------------------


def test_stats_block_counts_public_matters_overall_and_per_department(client, world):
    immediate = term("handling_type", "immediate")
    MatterFactory(department=world.dept_a, name="即办事项", handling_type=immediate, promised_limit=0)
    page = render(
        client,
        block("stats", heading="全市效能", figures=["total", "immediate_share"], breakdown="department"),
        block("stats", heading="甲局效能", department=world.dept_a.pk, figures=["total", "compression"]),
    )
    overall, own = page.split("甲局效能", 1)
    # 3 public matters (drafts excluded), one of them 即办件.
    assert "事项总数 3 项" in overall and "即办件占比 33.3 %" in overall
    assert "示范市甲局 2 50.0%" in overall and "示范市乙局 1 0.0%" in overall
    assert "事项总数 2 项" in own and "承诺时限比法定时限平均压缩 50.0 %" in own


def test_departments_and_themes_blocks_link_to_the_filtered_catalog(client, world):
    page = SectionPageFactory(
        body=[
            block("departments", heading="部门", show_counts=True),
            block("themes", heading="主题", vocabulary="both", show_counts=True),
        ]
    )
    html = client.get(page.url).content.decode()
    listed = text(client.get(page.url))
    catalog = MatterCatalogPage.objects.get().url
    zhunying = term("natural_theme", name="准营准办")
    assert f'href="{catalog}?department={world.dept_a.pk}"' in html
    assert f'href="{catalog}?theme={zhunying.pk}"' in html
    assert "甲局 1 项事项" in listed and "乙局 1 项事项" in listed
    assert "个人办事 准营准办 2 项事项" in listed
    assert 'class="pb-subtitle">法人办事' not in html  # no legal-person theme has a public matter


def test_bundles_block_lists_published_bundles_with_their_size(client, portal):
    listed = render(client, block("bundles", heading="一件事", count=5, show_summary=True))
    assert "测试“一件事” 涉及 2 个事项" in listed


# ---- validation, in Chinese -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block_class", "count"), [(MatterListBlock, 0), (MatterListBlock, 500), (DisclosureListBlock, 31)]
)
def test_out_of_range_counts_are_refused_in_chinese(block_class, count):
    block_def = block_class()
    value = block_def.to_python({"heading": "列表", "count": count})
    with pytest.raises(StructBlockValidationError) as error:
        block_def.clean(value)
    assert error.value.block_errors["count"].messages == ["显示条数须在 1 到 30 之间。"]


def test_links_need_one_target_and_a_text(db):
    quick = QuickLinksBlock()
    value = quick.to_python({"links": [{"icon": "star", "label": "无链接"}]})
    with pytest.raises(StructBlockValidationError) as error:
        quick.clean(value)
    link_errors = error.value.block_errors["links"].block_errors[0].block_errors
    assert link_errors["page"].messages == ["请选择链接的页面，或填写网址。"]

    banner = BannerBlock()
    with pytest.raises(StructBlockValidationError) as error:
        banner.clean(banner.to_python({"title": "横幅", "url": "https://example.gov.cn/"}))
    assert error.value.block_errors["link_text"].messages == ["有链接时请填写按钮文字。"]

    more = MoreLinkBlock()
    home = MatterCatalogPage.objects.get().get_parent()
    with pytest.raises(StructBlockValidationError) as error:
        more.clean(more.to_python({"show": True, "text": "更多", "page": home.pk, "url": "https://example.gov.cn/"}))
    assert error.value.block_errors["url"].messages == ["页面和网址只能填写一个。"]


def test_a_deactivated_department_cannot_be_chosen(world):
    world.dept_b.is_active = False
    world.dept_b.save()
    for block_def in (StatsBlock(), MatterListBlock()):
        with pytest.raises(StructBlockValidationError) as error:
            block_def.clean(block_def.to_python({"heading": "统计", "department": world.dept_b.pk, "count": 5}))
        assert error.value.block_errors["department"].messages == ["所选部门不存在或已停用，请重新选择。"]


def test_notice_block_refuses_an_unknown_hall(portal):
    block_def = HallNoticesBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block_def.clean(block_def.to_python({"heading": "公告", "halls": ["old-hall"], "count": 5}))
    assert "halls" in error.value.block_errors


def test_a_count_stored_out_of_range_is_kept_within_bounds(client, portal):
    """Stored JSON that bypassed validation (an import, an old revision) still shows at most 30."""
    for i in range(32):
        NoticeFactory(
            department=portal.world.dept_a, title=f"批量公告{i:02d}", halls=[portal.halls["city"]], days_left=1
        )
    listed = render(client, block("hall_notices", heading="公告", count=500))
    assert listed.count("的内容。") == 30  # every notice text ends so (NoticeFactory)
