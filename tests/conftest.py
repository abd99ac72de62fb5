"""Fixtures: a small world of two departments, one user per role, and their matters; and a fresh
start for every test, whatever ran before it in this process (the order is shuffled, see
docs/development.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

import factory
import pytest
from django.urls import get_resolver

from .matters.factories import MatterFactory
from .permissions.factories import DepartmentFactory, UserFactory
from .snapshots import Snapshot


@dataclass
class World:
    dept_a: object
    dept_b: object
    users: dict = field(default_factory=dict)
    matters: dict = field(default_factory=dict)


def _random_order_seed(config: pytest.Config) -> int | None:
    """The seed pytest-randomly shuffled this run with (None when it is off: ``-p no:randomly``)."""
    seed = getattr(config.option, "randomly_seed", None)
    return seed if isinstance(seed, int) else None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under -q there is no header: say the seed first, so a run stopped half-way can be repeated."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    seed = _random_order_seed(session.config)
    if reporter is not None and seed is not None and session.config.get_verbosity() < 0:
        reporter.write_line(f"Using --randomly-seed={seed}")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    seed = _random_order_seed(config)
    if seed is not None:
        terminalreporter.write_line(
            f"Random order: repeat it with -p randomly --randomly-seed={seed} (or keep the file order: -p no:randomly)."
        )


def _factories(base=factory.base.BaseFactory):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _factories(subclass)


def reset_sequences() -> None:
    """Number records from 0 again (``测试事项0``, ``dept0`` ...)."""
    for factory_class in set(_factories()):
        if factory_class._meta.counter_reference is factory_class._meta:
            factory_class.reset_sequence()


@pytest.fixture(autouse=True)
def _fresh_sequences():
    """Each test numbers its records from 0, as if it ran first."""
    reset_sequences()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: Wagtail caches site root URLs, which tests change;
    the version tokens of ``core.cache`` (search vocabulary, the working-day calendar) start anew."""
    from django.core.cache import cache

    from api.caching import forget_hot_bodies
    from api.collections import forget_local_copies
    from api.throttling import forget_batches

    cache.clear()
    forget_local_copies()
    forget_hot_bodies()
    forget_batches()
    yield
    cache.clear()
    forget_local_copies()
    forget_hot_bodies()
    forget_batches()


_password_only_force_login = None


def verified_force_login(self, user, backend=None):
    """``Client.force_login`` that also passes the second factor, as a person signing in does:
    the user gets a confirmed authenticator (one per user) and the session is marked verified
    by it. Tests of the second factor itself sign in with ``password_only_login``."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password_only_force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试身份验证器", confirmed=True)
    session = self.session  # a store over the session cookie force_login just set
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def password_only_login(client, user, backend=None) -> None:
    """Sign ``client`` in with the password alone (no second factor), as Django's own does."""
    _password_only_force_login(client, user, backend)


@pytest.fixture(autouse=True)
def _storages_outlive_setting_changes():
    """A test that changes ``STORAGES`` or ``MEDIA_ROOT`` makes Django forget its storage instances, but a
    ``FileField(storage=callable)`` keeps the one it got at import (cases' and disclosure's private files):
    put the instances back afterwards, so a later test's ``private_storage()`` is the files' storage again,
    whatever order the tests run in."""
    from django.core.files.storage import storages

    kept = {alias: storages[alias] for alias in ("default", "private")}
    yield
    for alias, storage in kept.items():
        storages._storages[alias] = storage


@pytest.fixture(autouse=True)
def _second_factor_in_force_login(monkeypatch):
    """Every test's ``client.force_login(user)`` signs in as a staff member does: with both
    factors (accounts: django-otp), so tests of everything else need not know about it."""
    global _password_only_force_login
    from django.test.client import ClientMixin

    if _password_only_force_login is None:
        _password_only_force_login = ClientMixin.force_login
    monkeypatch.setattr(ClientMixin, "force_login", verified_force_login)


def build_org() -> World:
    """Department A and B (both city level) and a user per role, nothing else.

    Roles: owner/reviewer of A, owner of B, the disclosure office editor, the system
    administrator (group, not superuser) and a user with no department at all.
    """
    dept_a = DepartmentFactory(name="示范市甲局", short_name="甲局", slug="jia")
    dept_b = DepartmentFactory(name="示范市乙局", short_name="乙局", slug="yi")
    users = {
        "owner": UserFactory(username="owner_a", owner_of=dept_a),
        "reviewer": UserFactory(username="reviewer_a", reviewer_of=dept_a),
        "owner_b": UserFactory(username="owner_b", owner_of=dept_b),
        "disclosure": UserFactory(username="disclosure", disclosure_editor=True),
        "sysadmin": UserFactory(username="sysadmin", system_administrator=True),
        "nodept": UserFactory(username="nodept"),
    }
    return World(dept_a, dept_b, users=users)


def build_world(org: World) -> World:
    """``org`` with a live and a draft matter in each department."""
    org.matters = {
        "own": MatterFactory(department=org.dept_a, name="甲局在用事项"),
        "own_draft": MatterFactory(department=org.dept_a, name="甲局草稿事项", draft=True),
        "other": MatterFactory(department=org.dept_b, name="乙局在用事项"),
        "other_draft": MatterFactory(department=org.dept_b, name="乙局草稿事项", draft=True),
    }
    return org


@pytest.fixture(scope="session", autouse=True)
def _admin_viewsets_registered() -> None:
    """Load the URLconf before any test, as a server does before its first request.

    Wagtail registers each admin viewset's model with its reference index when the admin's URLs
    first load (``ModelViewSet.on_register``): before that a saved ``Membership`` gets no
    reference rows, after it it does. Without this, what a test (or the fixture snapshot taken
    once per process) writes would depend on whether an earlier test happened to resolve a URL.
    """
    get_resolver().url_patterns  # noqa: B018 (loading is the point)


@pytest.fixture(scope="session")
def _org_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    snapshot = Snapshot(build_org)
    with django_db_blocker.unblock():
        snapshot.take()
    return snapshot


@pytest.fixture(scope="session")
def _world_snapshot(_org_snapshot, django_db_blocker) -> Snapshot:
    snapshot = Snapshot(build_world, on_top_of=_org_snapshot)
    with django_db_blocker.unblock():
        snapshot.take()
    return snapshot


@pytest.fixture
def org(db, _org_snapshot) -> World:
    """``build_org()``'s departments and users (laid down from a snapshot: tests/snapshots.py)."""
    return _org_snapshot.lay_down() if _org_snapshot.usable() else build_org()


@pytest.fixture
def world(org, _world_snapshot) -> World:
    """``build_world()``: ``org`` with a live and a draft matter in each department."""
    if _world_snapshot.usable():
        # The same object as ``org`` (as the build makes it), holding the snapshot's copies.
        vars(org).update(vars(_world_snapshot.lay_down()))
        return org
    return build_world(org)


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city, loaded once for a module and rolled back after it (a build takes a minute)."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from wagtail.signal_handlers import disable_reference_index_auto_update

    with django_db_blocker.unblock(), transaction.atomic():
        with disable_reference_index_auto_update():
            call_command("load_demo", quiet_accounts=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def real_database(tmp_path):
    """For a real race (``tests.concurrency.race``): ``use()`` points a thread at the shared database."""
    from .concurrency import file_database

    yield from file_database(tmp_path)


@pytest.fixture
def own_private_storage(settings, tmp_path):
    """Private files (kept uploads, previews) in this test's own folder: none is left for another
    test's count."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
