"""“一件事” bundles: one merged checklist, steps in order, one combined time limit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.models import BundleGuidePage
from guides.notice import merge_materials
from matters import lifecycle
from matters.models import Material, Matter

from ..helpers import publish_change
from ..matters.factories import MatterFactory
from .factories import BundleGuidePageFactory, section_of

pytestmark = pytest.mark.django_db


def _matter(name: str) -> Matter:
    return Matter(name=name)


def test_same_material_from_same_source_is_asked_for_once_with_every_matter_needing_it():
    licence, food = _matter("营业执照办理"), _matter("食品经营许可")
    lines = merge_materials(
        [
            (licence, [Material(name="居民身份证", source="government", original_copies=1, copy_copies=0)]),
            (food, [Material(name=" 居民身份证", source="government", material_type="both", copy_copies=2)]),
        ]
    )
    assert len(lines) == 1
    line = lines[0]
    assert line.name == "居民身份证" and line.matters == ["营业执照办理", "食品经营许可"]
    assert line.requirement.startswith("原件1份、复印件2份")  # the most any matter asks for


def test_same_name_from_different_sources_stays_apart():
    a, b = _matter("甲"), _matter("乙")
    lines = merge_materials(
        [
            (a, [Material(name="检测报告", source="intermediary", source_note="检测机构")]),
            (b, [Material(name="检测报告", source="applicant")]),
        ]
    )
    assert [(line.name, line.source, line.matters) for line in lines] == [
        ("检测报告", "intermediary", ["甲"]),
        ("检测报告", "applicant", ["乙"]),
    ]


def test_merged_line_is_required_if_any_matter_requires_it_and_exempt_only_if_all_exempt():
    a, b = _matter("甲"), _matter("乙")
    lines = merge_materials(
        [
            (a, [Material(name="房产证明", necessity="conditional", condition="自有房屋", exempt=True)]),
            (b, [Material(name="房产证明", necessity="required", exempt=False)]),
        ]
    )
    (line,) = lines
    assert line.required and line.conditions == [] and not line.exempt


@pytest.fixture
def bundle_world(world):
    """A bundle of department A joining its own matter and department B's, in two steps."""
    own, other = world.matters["own"], world.matters["other"]
    # B's matter shares 居民身份证 (same source) and asks a 申请表 of its own kind.
    publish_change(
        other,
        promised_limit=3,
        materials=[
            Material(name="居民身份证", material_type="original", source="government", source_note="公安机关"),
            Material(name="排水设施竣工图", source="intermediary", source_note="设计单位"),
        ],
    )
    third = MatterFactory(department=world.dept_b, name="乙局第三事项", promised_limit=7)
    bundle = BundleGuidePageFactory(
        department=world.dept_a, members=[(own, 1), (other, 2), (third, 2)], windows_note="综合窗口1号"
    )
    return bundle, own, other, third


def test_bundle_page_shows_merged_materials_steps_limit_and_windows(client, world, bundle_world):
    bundle = bundle_world[0]
    html = client.get(bundle.url).content.decode()
    # 居民身份证 (公安机关, government) is asked for by all three: one line naming all three.
    assert html.count("居民身份证") == 1
    assert "甲局在用事项、乙局在用事项、乙局第三事项" in html
    assert "排水设施竣工图" in html
    # Step 1 then step 2 (two matters in parallel): 10 + max(3, 7) = 17 working days.
    assert html.index("第 1 步") < html.index("第 2 步（以下 2 项同时办理）")
    assert "17个工作日" in html
    assert "综合窗口1号" in html
    print_html = client.get(bundle.url + "print/").content.decode()
    assert print_html.count("居民身份证") == 1 and "用于：甲局在用事项、乙局在用事项、乙局第三事项" in print_html


def test_bundle_shows_a_member_that_cannot_be_applied_for(client, world, bundle_world):
    bundle, third = bundle_world[0], bundle_world[3]
    lifecycle.change_state(third, world.users["sysadmin"], "suspend", "系统升级")
    html = client.get(bundle.url).content.decode()
    assert "暂时不能一次办完" in html and "乙局第三事项：本事项已暂停办理" in html
    assert "13个工作日" in html  # 10 + 3: the suspended matter no longer counts


def _bundle_form(members, promised_total=None, department=None):
    from ..helpers import form_post_data

    form_class = BundleGuidePage.get_edit_handler().get_form_class()
    data = form_post_data(form_class(instance=BundleGuidePage(), parent_page=None, for_user=None))
    data.update({"title": "新“一件事”", "slug": "new-bundle", "body-count": "0"})
    data.update({"members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0"})
    for i, (matter, stage) in enumerate(members):
        data.update({f"members-{i}-matter": str(matter.pk), f"members-{i}-stage": str(stage), f"members-{i}-ORDER": i})
    if promised_total is not None:
        data["promised_total"] = str(promised_total)
    return data


def _post_bundle(client, world, members, **kwargs):
    url = reverse("wagtailadmin_pages:add", args=["guides", "bundleguidepage", section_of(world.dept_a).pk])
    return client.post(url, _bundle_form(members, **kwargs))


def test_owner_builds_a_bundle_with_another_departments_matter(client, world):
    client.force_login(world.users["owner"])
    response = _post_bundle(client, world, [(world.matters["own"], 1), (world.matters["other"], 2)])
    assert response.status_code == 302
    bundle = BundleGuidePage.objects.get(slug="new-bundle")
    assert [m.matter_id for m in bundle.get_latest_revision_as_object().members.all()] == [
        world.matters["own"].pk,
        world.matters["other"].pk,
    ]


@pytest.mark.parametrize(
    ("members", "promised_total", "message"),
    [
        ([("own", 1), ("other", 1)], 11, "承诺总时限不能超过各事项按办理顺序合计的承诺时限（10个工作日）"),
        ([("own", 1), ("own", 2)], None, "重复，每个事项只列一次"),
        ([("own", 1)], None, "至少包含两个事项"),
        ([("own", 1), ("other_draft", 2)], None, "不是已发布的在用事项"),
    ],
)
def test_bundle_form_refuses_bad_bundles(client, world, members, promised_total, message):
    client.force_login(world.users["owner"])
    chosen = [(world.matters[key], stage) for key, stage in members]
    response = _post_bundle(client, world, chosen, promised_total=promised_total)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BundleGuidePage.objects.filter(slug="new-bundle").exists()


def test_bundle_is_edited_by_its_owning_department_only(client, world, bundle_world):
    bundle = bundle_world[0]
    edit = reverse("wagtailadmin_pages:edit", args=[bundle.pk])
    client.force_login(world.users["owner_b"])  # owns a member matter, not the bundle
    assert client.get(edit).status_code in (302, 403)
    client.force_login(world.users["owner"])
    assert client.get(edit).status_code == 200
