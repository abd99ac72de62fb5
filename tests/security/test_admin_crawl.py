"""Every admin URL × role × own/other department, GET and POST (issue 14 items 8, 10, 11).

Each URL pattern under ``/admin/`` (walked from ``django.urls.get_resolver()``) is filled with real
objects of the right kind — the model a view is built for, pages for page views — once with the
user's own department's object and once with another department's draft. Asserted for each role:

- no response is a 5xx (Wagtail's own ``/admin/failwhale/`` aside);
- no response to a role that may not see them contains the title of another department's
  unpublished or in-review page or matter (planted as ``…XYZ`` titles);
- no POST (CSRF-less test client, empty or garbage body) changes any row of the other department
  (row digests before and after).

One test per role; the URLs are looped inside so the world is built five times, not thousands.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page, Revision, Workflow

from disclosure.models import DisclosureRequest
from halls.models import Hall, Notice, Window
from matters.models import Matter
from permissions.policy import owned_models
from terminals.models import Feed, Terminal

from ..disclosure.factories import DisclosureDocumentPageFactory, DisclosureRequestFactory, section_of
from ..halls.factories import HallFactory, NoticeFactory, WindowFactory
from ..matters.factories import MatterFactory
from ..terminals.factories import FeedFactory, TerminalFactory

PAGE_DRAFT = "他部门草稿XYZ"
PAGE_REVIEW = "他部门审核中XYZ"
MATTER_DRAFT = "他部门草稿事项XYZ"
MATTER_PENDING = "他部门待发布修改XYZ"
PAGE_TITLES = (PAGE_DRAFT, PAGE_REVIEW)
MATTER_TITLES = (MATTER_DRAFT, MATTER_PENDING)

# Which planted titles each role must never see (the system administrator sees everything;
# the disclosure office reads every department's matters by its role).
FORBIDDEN = {
    "owner": PAGE_TITLES + MATTER_TITLES,
    "reviewer": PAGE_TITLES + MATTER_TITLES,
    "disclosure": PAGE_TITLES,
    "nodept": PAGE_TITLES + MATTER_TITLES,
    "sysadmin": (),
}
# Roles whose POSTs must leave the other department untouched (the system administrator may act).
GUARDED = {"owner", "reviewer", "disclosure", "nodept"}

PAGE_PARAMS = {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "pk", "id"}
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
SKIP = ("admin/failwhale/", "admin/logout/")
# Custom views that name no model: the model their <pk> is.
ROUTE_MODELS = (
    ("admin/disclosure/requests/", DisclosureRequest),
    ("admin/api-terminals/", Terminal),
    ("admin/matters/lifecycle/", Matter),
)
BULK = (
    ("wagtailcore", "page", ("publish", "unpublish", "delete", "move")),
    ("matters", "matter", ("delete", "suspend", "resume", "cancel", "export")),
    ("terminals", "terminal", ("delete",)),
    ("halls", "hall", ("delete",)),
    ("halls", "window", ("delete",)),
    ("disclosure", "disclosurerequest", ("delete",)),
)


def admin_routes() -> list[tuple[str, object]]:
    """(route, callback) of every URL pattern under admin/ (string routes; regex ones without groups)."""
    found: list[tuple[str, object]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = getattr(pattern.pattern, "_route", None)
            if route is None:
                regex = pattern.pattern.regex.pattern
                if "(" in regex or "." in regex.replace("\\.", ""):
                    continue  # catch-alls and regex groups (Wagtail's fallback 404s)
                route = regex.lstrip("^").rstrip("$").replace("\\", "")
            full = prefix + route
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern) and full.startswith("admin/") and not full.startswith(SKIP):
                found.append((full, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found), key=lambda item: item[0])


def view_model(callback) -> type[Model] | None:
    initkwargs = getattr(callback, "view_initkwargs", None) or {}
    model = initkwargs.get("model") or getattr(getattr(callback, "view_class", None), "model", None)
    return model if isinstance(model, type) and issubclass(model, Model) else None


class World:
    """Objects of each department, and the planted titles of department B."""

    def __init__(self, org):
        a, b = org.dept_a, org.dept_b
        self.org = org
        self.pages = {
            "own": DisclosureDocumentPageFactory(department=a, title="本部门草稿页面", draft=True),
            "other": DisclosureDocumentPageFactory(department=b, title=PAGE_DRAFT, draft=True),
        }
        review = DisclosureDocumentPageFactory(department=b, title=PAGE_REVIEW, draft=True)
        Workflow.objects.get(workflow_pages__page=section_of(b)).start(review, org.users["owner_b"])
        self.pages["review"] = review
        self.pages["live"] = DisclosureDocumentPageFactory(department=b, title="乙局公开文件")
        pending = MatterFactory(department=b, name="乙局在用事项")
        draft = pending.get_latest_revision_as_object()
        draft.name = MATTER_PENDING
        draft.save_revision(user=org.users["owner_b"])
        hall_a, hall_b = HallFactory(department=a), HallFactory(department=b)
        self.objects: dict[type, dict[str, Model]] = {
            Matter: {
                "own": MatterFactory(department=a, name="本部门草稿事项", draft=True),
                "other": MatterFactory(department=b, name=MATTER_DRAFT, draft=True),
                "pending": pending,
            },
            Hall: {"own": hall_a, "other": hall_b},
            Window: {"own": WindowFactory(hall=hall_a), "other": WindowFactory(hall=hall_b)},
            Notice: {"own": NoticeFactory(department=a, halls=[hall_a]), "other": NoticeFactory(department=b)},
            Terminal: {
                "own": TerminalFactory(department=a, department_system=True, with_key=True),
                "other": TerminalFactory(department=b, department_system=True, with_key=True),
            },
            Feed: {"own": FeedFactory(departments=[a]), "other": FeedFactory(departments=[b])},
            DisclosureRequest: {
                "own": DisclosureRequestFactory(department=a),
                "other": DisclosureRequestFactory(department=b),
            },
        }
        self.revision = Revision.objects.filter(object_id=str(self.pages["other"].pk)).first()

    def candidates(self, route: str, callback) -> list[dict[str, str]]:
        """Keyword sets to fill the route with: the other department's objects first, then one's own."""
        names = [m.group("name") for m in PARAM.finditer(route)]
        if not names:
            return [{}]
        if route.startswith("admin/bulk/"):
            return [
                {"app_label": label, "model_name": name, "action": action}
                for label, name, actions in BULK
                for action in actions
            ]
        model = view_model(callback)
        if model is not None and issubclass(model, Page):
            model = None
        model = model or next((m for part, m in ROUTE_MODELS if part in route), None)
        kinds = ("other", "review", "pending", "own")
        sets = []
        for kind in kinds:
            values = {}
            for name in names:
                values[name] = self.value(name, model, kind)
            if values not in sets:
                sets.append(values)
        return sets

    def value(self, name: str, model, kind: str) -> str:
        if name in {"app_label", "content_type_app_name", "app_name"}:
            return "disclosure"
        if name in {"model_name", "content_type_model_name"}:
            return "disclosuredocumentpage"
        if name in {"action", "action_name"}:
            return "publish"
        if name in {"revision_id"} and self.revision is not None:
            return str(self.revision.pk)
        if name in {"history_id"}:
            return "1"
        if model is not None and model in self.objects:
            objects = self.objects[model]
            obj = objects.get(kind) or objects["other"]
            return str(obj.pk)
        if model is not None and name in {"pk", "id", "object_id"}:
            first = model._default_manager.order_by("pk").first()
            return str(first.pk if first is not None else 1)
        if name in PAGE_PARAMS or name.endswith("page_id"):
            page = self.pages.get(kind) or self.pages["other"]
            if name == "destination_id":
                return str(section_of(self.org.dept_a).pk)
            return str(page.pk)
        return str(self.pages["other"].pk) if "id" in name else "x"

    def query(self, route: str) -> str:
        if route.startswith("admin/bulk/"):
            ids = [p.pk for p in self.pages.values()] + [o.pk for objs in self.objects.values() for o in objs.values()]
            return "?" + "&".join(f"id={pk}" for pk in sorted(set(ids)))
        return "?q=XYZ"

    def other_rows(self) -> str:
        """A digest of every row of department B (owned records and its page subtree)."""
        parts = []
        b = self.org.dept_b
        for model in owned_models:
            rows = model._default_manager.filter(department=b).order_by("pk").values()
            parts.append(f"{model._meta.label}:{list(rows)}")
        for section in (section_of(b),):
            pages = Page.objects.descendant_of(section, inclusive=True).order_by("path")
            parts.append(str(list(pages.values("pk", "title", "live", "latest_revision_id", "path", "locked"))))
        ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
        ids += [str(pk) for pk in Matter.objects.filter(department=b).values_list("pk", flat=True)]
        revisions = Revision.objects.filter(object_id__in=ids).order_by("pk")
        parts.append(str(list(revisions.values_list("pk", "object_id", "content_type_id", "approved_go_live_at"))))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def text_of(response) -> str:
    """The body as a reader sees it: JSON (modal choosers, the admin API) with its escapes undone."""
    content = getattr(response, "content", b"").decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        with contextlib.suppress(ValueError):
            content = json.dumps(json.loads(content), ensure_ascii=False)
    return content


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values[m.group("name")], route)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "reviewer", "disclosure", "sysadmin", "nodept"])
def test_admin_crawl(client, org, role):
    world = World(org)
    client.force_login(org.users[role])
    forbidden = FORBIDDEN[role]
    before = world.other_rows()
    errors, escapes, requests = [], [], 0
    for route, callback in admin_routes():
        for values in world.candidates(route, callback):
            url = fill(route, values)
            for method in ("get", "post"):
                target = url + (world.query(route) if method == "get" else "")
                try:
                    response = getattr(client, method)(target, {} if method == "get" else {"garbage": "x"})
                except Exception as exc:  # an exception escaping the view is a 500 in production
                    errors.append(f"{method.upper()} {target}: {type(exc).__name__}: {exc}"[:300])
                    continue
                requests += 1
                if response.status_code >= 500:
                    errors.append(f"{method.upper()} {target}: {response.status_code}")
                content = text_of(response)
                leaked = [title for title in forbidden if title in content]
                if leaked:
                    escapes.append(f"{method.upper()} {target}: {leaked}")
                if response.status_code == 302 and "/login/" in response.get("Location", ""):
                    client.force_login(org.users[role])  # a POST ended the session: sign in again
    assert requests > 500, requests
    assert not errors, "\n".join(errors)
    assert not escapes, "\n".join(escapes)
    if role in GUARDED:
        assert world.other_rows() == before, "a POST changed a row of the other department"
