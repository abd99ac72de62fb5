"""A guide whose matter changed after its last review is flagged until a reviewer confirms it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides import reviews
from guides.models import GuideReview
from matters import lifecycle

from ..helpers import publish_change
from .factories import BundleGuidePageFactory, GuidePageFactory

pytestmark = pytest.mark.django_db

LISTING = reverse("guide_pages:index")


def listing_row(client, guide) -> str:
    html = client.get(LISTING).content.decode()
    html = html[html.index('<table class="listing') :]
    start = html.index("data-listing-page-title")
    return html[start : html.index("</tr>", start)]


def test_publishing_a_guide_records_the_review(world, guide):
    review = GuideReview.objects.get(page=guide)
    assert review.snapshot["承诺办结时限"] == "10个工作日"
    assert not reviews.is_stale(guide)


def test_matter_change_flags_the_guide_everywhere_until_a_reviewer_confirms(client, world, guide):
    publish_change(world.matters["own"], promised_limit=5)
    assert reviews.is_stale(guide)

    client.force_login(world.users["owner"])
    assert "事项已变更，待核对" in listing_row(client, guide)
    assert guide.title in client.get(LISTING + "?stale=true").content.decode()
    assert guide.title in client.get(reverse("wagtailadmin_home")).content.decode()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()
    assert "承诺办结时限：由“10个工作日”改为“5个工作日”" in edit
    assert "确认指南内容无需修改" not in edit  # owners cannot confirm
    confirm = reverse("guides_confirm_review", args=[guide.pk])
    refused = client.post(confirm)  # Wagtail's admin turns a refusal into a redirect with a message
    assert refused.status_code == 403 or refused.url == reverse("wagtailadmin_home")
    assert reviews.is_stale(guide)

    client.force_login(world.users["reviewer"])
    assert "确认指南内容无需修改" in client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()
    assert client.post(confirm).url == reverse("wagtailadmin_pages:edit", args=[guide.pk])
    assert not reviews.is_stale(guide)
    assert GuideReview.objects.get(page=guide).reviewed_by == world.users["reviewer"]
    assert "已核对" in listing_row(client, guide)
    assert guide.title not in client.get(LISTING + "?stale=true").content.decode()


def test_suspension_counts_as_a_change(world, guide):
    lifecycle.change_state(world.matters["own"], world.users["reviewer"], "suspend", "暂停受理")
    assert reviews.is_stale(guide)
    assert "事项状态：由“正常受理”改为“本事项已暂停办理，暂不受理申请。恢复办理后将在本页公布。”" in (
        reviews.changes_since_review(guide)
    )


def test_a_member_change_flags_the_bundle(world):
    bundle = BundleGuidePageFactory(
        department=world.dept_a, members=[(world.matters["own"], 1), (world.matters["other"], 2)]
    )
    assert not reviews.is_stale(bundle)
    publish_change(world.matters["other"], promised_limit=4)
    assert reviews.is_stale(bundle)
    assert [p.pk for p in reviews.stale_guides()] == [bundle.pk]


def test_other_departments_cannot_confirm_or_see_the_guide(client, world, guide):
    publish_change(world.matters["own"], promised_limit=5)
    client.force_login(world.users["owner_b"])
    assert client.post(reverse("guides_confirm_review", args=[guide.pk])).status_code == 404
    assert guide.title not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert guide.title not in client.get(LISTING).content.decode()
    assert reviews.is_stale(guide)


def test_confirming_a_forged_page_id_is_404(client, world):
    client.force_login(world.users["reviewer"])
    assert client.post(reverse("guides_confirm_review", args=[987654])).status_code == 404
    home = world.dept_a.guides_guidesectionpage  # a page that is not a guide
    assert client.post(reverse("guides_confirm_review", args=[home.pk])).status_code == 404


def test_republishing_clears_the_flag(world, guide):
    publish_change(world.matters["own"], promised_limit=5)
    page = guide.get_latest_revision_as_object()
    page.summary = "已根据新时限修改"
    page.save_revision().publish()
    assert not reviews.is_stale(guide)


def test_new_guides_start_reviewed_and_drafts_are_never_stale(world):
    draft = GuidePageFactory(matter=world.matters["other"], draft=True)
    publish_change(world.matters["other"], promised_limit=2)
    assert not reviews.is_stale(draft)


@pytest.mark.parametrize(("param", "shown"), [("true", "是"), ("false", "否")])
def test_the_stale_filter_chip_says_yes_or_no_in_chinese(client, world, guide, param, shown):
    """The chip of the filter in force reads 事项已变更待核对：是, never "True"."""
    client.force_login(world.users["owner"])
    html = client.get(LISTING, {"stale": param}).content.decode()
    chips = html[html.index('<ul class="w-active-filters">') :]
    chips = chips[: chips.index("</ul>")]
    assert "事项已变更待核对" in chips
    assert f'<b class="w-ml-1">{shown}</b>' in chips
    assert "True" not in chips and "False" not in chips
