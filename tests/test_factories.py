"""The factories make what their docstrings say (each app's ``tests/<app>/factories.py``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from disclosure.models import Facet
from matters.models import MatterStatus
from permissions.models import Membership
from permissions.roles import DISCLOSURE_EDITOR, SYSTEM_ADMINISTRATOR
from terminals.models import TerminalKey, TerminalKind
from terminals.service import service_username
from workdays import service as workdays

from .cms.factories import DocumentFactory, ImageFactory, PlainPageFactory, SectionPageFactory, home_page
from .disclosure.factories import DisclosureDocumentPageFactory, DisclosureRequestFactory, section_of
from .guides.factories import BundleGuidePageFactory, GuidePageFactory
from .halls.factories import HallFactory, NoticeFactory, WindowFactory
from .matters.factories import MatterFactory
from .permissions.factories import PASSWORD, DepartmentFactory, UserFactory
from .sitesearch.factories import SynonymFactory
from .terminals.factories import FeedFactory, TerminalFactory
from .workdays.factories import CalendarDayFactory, CalendarYearFactory

pytestmark = pytest.mark.django_db


def test_users_by_role():
    department = DepartmentFactory()
    owner = UserFactory(owner_of=department)
    reviewer = UserFactory(reviewer_of=[department])
    assert owner.check_password(PASSWORD)
    assert Membership.objects.get(user=owner).role == "owner"
    assert Membership.objects.get(user=reviewer).role == "reviewer"
    editor = UserFactory(disclosure_editor=True)
    admin = UserFactory(system_administrator=True)
    assert [g.name for g in editor.groups.all()] == [DISCLOSURE_EDITOR.name]
    assert [g.name for g in admin.groups.all()] == [SYSTEM_ADMINISTRATOR.name]
    assert not admin.is_superuser and UserFactory(superuser=True).is_superuser


def test_matters_in_each_state():
    assert MatterFactory().status == MatterStatus.IN_FORCE
    draft = MatterFactory(draft=True)
    assert draft.status == MatterStatus.DRAFT and not draft.live and draft.latest_revision
    assert MatterFactory(published=False).status == MatterStatus.DRAFT
    assert MatterFactory(suspended=True).status == MatterStatus.SUSPENDED
    assert MatterFactory(cancelled=True).status == MatterStatus.CANCELLED
    immediate = MatterFactory(immediate=True)
    assert immediate.handling_type.key == "immediate" and immediate.promised_limit == 0
    assert immediate.check_errors == 0


def test_pages_in_their_sections():
    matter = MatterFactory()
    guide = GuidePageFactory(matter=matter)
    assert guide.live and guide.get_parent().specific.department == matter.department
    assert guide.title == f"{matter.name}办事指南"
    assert not GuidePageFactory(matter=MatterFactory(department=matter.department), draft=True).live
    bundle = BundleGuidePageFactory(members=[(matter, 1), (MatterFactory(), 2)])
    assert bundle.live and [m.stage for m in bundle.members.all()] == [1, 2]
    document = DisclosureDocumentPageFactory(department=matter.department, category="budget")
    assert document.live and document.index_number
    assert document.get_parent().specific == section_of(matter.department)
    assert [c.key for c in document.categories.all()] == ["budget"]
    assert document.categories.get().facet == Facet.CATEGORY
    attached = DisclosureDocumentPageFactory(department=matter.department, with_attachment=True)
    assert attached.attachments.get().document.title == "实施细则"
    assert f'id="{attached.attachments.get().document.pk}"' in attached.body
    assert not DisclosureDocumentPageFactory(department=matter.department, published=False).live
    plain = PlainPageFactory(title="专题")
    assert plain.live and plain.get_parent().pk == home_page().pk
    assert not SectionPageFactory(draft=True).live


def test_media():
    document, image = DocumentFactory(), ImageFactory()
    assert document.file.name.endswith(".pdf") and (image.width, image.height) == (40, 30)
    assert document.collection.is_root() and image.collection.is_root()


def test_requests_are_received_on_their_day():
    request = DisclosureRequestFactory(received=datetime.date(2025, 9, 26))
    assert (request.channel, request.received_date) == ("in_person", datetime.date(2025, 9, 26))
    assert DisclosureRequestFactory(online=True).channel == "online"


def test_halls_windows_notices():
    hall = HallFactory(county=True)
    window = WindowFactory(hall=hall, closed=True, departments=[hall.department])
    assert window.department == hall.department and not window.is_open and window.closed_reason
    notice = NoticeFactory(department=hall.department, halls=[hall], expired=True)
    assert notice.ends_at < timezone.now() and list(notice.halls.all()) == [hall]
    assert NoticeFactory(department=hall.department).ends_at is None


def test_terminals_and_feeds():
    terminal = TerminalFactory(with_key=True)
    assert TerminalKey.objects.get_from_key(terminal.api_key).terminal == terminal
    assert terminal.service_user is None
    system = TerminalFactory(department_system=True)
    assert system.kind == TerminalKind.DEPARTMENT_SYSTEM
    assert system.service_user.username == service_username(system)
    feed = FeedFactory(departments=[terminal.department])
    assert list(feed.departments.all()) == [terminal.department]


def test_calendar_and_synonyms():
    CalendarDayFactory(date=datetime.date(2027, 1, 1), name="元旦")
    CalendarDayFactory(date=datetime.date(2027, 1, 9), name="元旦", workday=True)
    CalendarYearFactory(year=2027, complete=True)
    assert workdays.is_working_day(datetime.date(2027, 1, 9))
    assert not workdays.is_working_day(datetime.date(2027, 1, 1))
    assert SynonymFactory(words="开饭店、餐饮", one_way=True).one_way
