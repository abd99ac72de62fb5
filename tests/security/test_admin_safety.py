"""Admin findings of issue 14: page visibility (item 8), bulk delete and the admin's 500s (item 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page, Workflow

from halls.models import Hall
from permissions.models import Membership
from terminals.models import Terminal

from ..disclosure.factories import DisclosureDocumentPageFactory, DisclosureRequestFactory, section_of
from ..halls.factories import HallFactory, WindowFactory
from ..sitesearch.factories import SynonymFactory
from ..terminals.factories import TerminalFactory
from .test_admin_crawl import text_of

# Spaced, so the admin search (which tokenises on spaces for Latin words) finds them by "XYZ".
DRAFT = "他部门草稿 XYZ"
REVIEW = "他部门审核中 XYZ"
LIVE = "乙局公开文件 XYZ"


@pytest.fixture
def pages(org):
    """Department B's live page (public), then its draft and its page in review (edited last)."""
    live = DisclosureDocumentPageFactory(department=org.dept_b, title=LIVE)
    draft = DisclosureDocumentPageFactory(department=org.dept_b, title=DRAFT, draft=True)
    review = DisclosureDocumentPageFactory(department=org.dept_b, title=REVIEW, draft=True)
    workflow = Workflow.objects.get(workflow_pages__page=section_of(org.dept_b))
    workflow.start(review, org.users["owner_b"])
    return {"draft": draft, "review": review, "live": live, "section_b": section_of(org.dept_b)}


def body(client, url) -> str:
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    return text_of(response)


def hidden(text: str) -> bool:
    return DRAFT not in text and REVIEW not in text


@pytest.mark.django_db
class TestPageVisibility:
    def test_chooser_search_and_browse_hide_other_departments_drafts(self, client, org, pages):
        client.force_login(org.users["owner"])
        search = body(client, reverse("wagtailadmin_choose_page_search") + "?q=XYZ")
        assert hidden(search) and LIVE in search
        browse = body(client, reverse("wagtailadmin_choose_page_child", args=[pages["section_b"].pk]))
        assert hidden(browse) and LIVE in browse
        assert client.get(reverse("wagtailadmin_choose_page_child", args=[pages["draft"].pk])).status_code == 404

    def test_the_department_and_its_reviewer_still_see_them(self, client, org, pages):
        client.force_login(org.users["owner_b"])
        search = body(client, reverse("wagtailadmin_choose_page_search") + "?q=XYZ")
        assert DRAFT in search and REVIEW in search

    def test_explorer_search_hides_them(self, client, org, pages):
        client.force_login(org.users["owner"])
        assert hidden(body(client, reverse("wagtailadmin_pages:search") + "?q=XYZ"))
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results"):
            assert client.get(reverse(name, args=[pages["draft"].pk])).status_code == 404
            assert client.get(reverse(name, args=[pages["review"].pk]) + "?q=XYZ").status_code == 404
        client.force_login(org.users["owner_b"])
        assert DRAFT in body(client, reverse("wagtailadmin_explore", args=[pages["draft"].pk]))

    @pytest.mark.parametrize("action", ["publish", "unpublish", "delete", "move"])
    def test_bulk_confirmations_name_no_hidden_page(self, client, org, pages, action):
        client.force_login(org.users["owner"])
        ids = "&".join(f"id={pages[k].pk}" for k in ("draft", "review"))
        url = f"/admin/bulk/wagtailcore/page/{action}/?{ids}"
        assert hidden(body(client, url))
        assert hidden(body(client, f"/admin/bulk/wagtailcore/page/{action}/?id=all&childOf={pages['section_b'].pk}"))
        client.post(url, {})
        pages["draft"].refresh_from_db()
        assert not pages["draft"].live and Page.objects.filter(pk=pages["draft"].pk).exists()

    def test_move_confirmation_is_refused(self, client, org, pages):
        client.force_login(org.users["owner"])
        own_section = section_of(org.dept_a)
        url = reverse("wagtailadmin_pages:move_confirm", args=[pages["draft"].pk, own_section.pk])
        response = client.get(url)
        assert response.status_code in (403, 404) and hidden(text_of(response))
        client.post(url)
        assert pages["draft"].get_parent().pk == pages["section_b"].pk

    def test_page_types_usage_report_names_no_hidden_page(self, client, org, pages):
        client.force_login(org.users["owner"])
        text = body(client, reverse("wagtailadmin_reports:page_types_usage"))
        assert hidden(text) and LIVE in text  # the last edited page A may see
        assert hidden(body(client, reverse("wagtailadmin_reports:page_types_usage_results")))
        client.force_login(org.users["owner_b"])
        text = body(client, reverse("wagtailadmin_reports:page_types_usage"))
        assert REVIEW in text  # B may see its own page in review, edited last


@pytest.mark.django_db
class TestAdminApiWrites:
    @pytest.mark.parametrize(
        "action", ["publish", "copy", "move", "delete", "revert_to_page_revision", "convert_alias"]
    )
    def test_wagtail_admin_api_actions_refuse_without_crashing(self, client, org, pages, action):
        client.force_login(org.users["owner"])
        for page in (pages["draft"], pages["live"], section_of(org.dept_a)):
            response = client.post(f"/admin/api/main/pages/{page.pk}/action/{action}/", {"garbage": "x"})
            assert response.status_code < 500, (action, page.title, response.content[:300])
        pages["draft"].refresh_from_db()
        assert not pages["draft"].live

    def test_a_page_detail_post_is_refused(self, client, org, pages):
        client.force_login(org.users["owner"])
        assert client.post(f"/admin/api/main/pages/{pages['draft'].pk}/", {}).status_code in (403, 404, 405)

    def test_wagtail_still_lets_the_owner_publish_their_own_page(self, client, org):
        own = DisclosureDocumentPageFactory(department=org.dept_a, draft=True)
        client.force_login(org.users["reviewer"])
        response = client.post(f"/admin/api/main/pages/{own.pk}/action/publish/", {})
        assert response.status_code == 200, response.content
        own.refresh_from_db()
        assert own.live


@pytest.mark.django_db
def test_synonym_history_views_answer(client, org):
    synonym = SynonymFactory()
    synonym.words = "社保、社会保险、五险"
    synonym.save()
    client.force_login(org.users["sysadmin"])
    history = synonym.history.order_by("history_id")
    for url in (
        reverse("wagtailsnippets_sitesearch_synonym:history", args=[synonym.pk]),
        reverse("wagtailsnippets_sitesearch_synonym:history_compare", args=[synonym.pk])
        + f"?old={history.first().history_id}",
        reverse("wagtailsnippets_sitesearch_synonym:history_revert", args=[synonym.pk, history.first().history_id]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
class TestBulkDelete:
    def test_confirmation_of_terminals_halls_windows_answers_every_method(self, client, org):
        terminal = TerminalFactory(department=org.dept_a)
        hall = HallFactory(department=org.dept_a)
        window = WindowFactory(hall=hall, department=org.dept_a)
        client.force_login(org.users["owner"])
        urls = [
            f"/admin/bulk/{model}/delete/?id={obj.pk}"
            for model, obj in (("halls/window", window), ("terminals/terminal", terminal), ("halls/hall", hall))
        ]
        for url in urls:
            assert client.get(url).status_code == 200, url
        # PUT is POST to Wagtail's bulk actions (Django's FormView): it may delete, never crash.
        for url in urls:
            for method in ("head", "options", "patch", "delete", "put"):
                assert getattr(client, method)(url).status_code < 500, (method, url)

    def test_disclosure_requests_cannot_be_bulk_deleted(self, client, org):
        request = DisclosureRequestFactory(department=org.dept_a)
        for user in (org.users["owner"], org.users["sysadmin"], org.users["disclosure"]):
            client.force_login(user)
            url = f"/admin/bulk/disclosure/disclosurerequest/delete/?id={request.pk}"
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
        assert type(request).objects.filter(pk=request.pk).exists()

    def test_deleting_a_terminal_in_bulk_retires_its_service_user(self, client, org):
        terminal = TerminalFactory(department=org.dept_a, department_system=True, with_key=True)
        user = terminal.service_user
        assert user.is_active and user.groups.exists()
        client.force_login(org.users["owner"])
        response = client.post(f"/admin/bulk/terminals/terminal/delete/?id={terminal.pk}", {})
        assert response.status_code == 302
        assert not Terminal.objects.filter(pk=terminal.pk).exists()
        user = get_user_model().objects.get(pk=user.pk)
        assert not user.is_active
        assert not user.groups.exists() and not Membership.objects.filter(user=user).exists()

    def test_another_departments_terminal_is_never_deleted(self, client, org):
        terminal = TerminalFactory(department=org.dept_b)
        client.force_login(org.users["owner"])
        assert client.post(f"/admin/bulk/terminals/terminal/delete/?id={terminal.pk}", {}).status_code == 404
        assert Terminal.objects.filter(pk=terminal.pk).exists()

    def test_a_referenced_hall_is_refused_with_a_message(self, client, org):
        hall = HallFactory(department=org.dept_a)
        TerminalFactory(department=org.dept_a, hall=hall)
        client.force_login(org.users["owner"])
        response = client.post(f"/admin/bulk/halls/hall/delete/?id={hall.pk}", {}, follow=True)
        assert response.status_code < 500
        assert Hall.objects.filter(pk=hall.pk).exists()
