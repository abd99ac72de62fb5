"""Writes are never lost (issue 14 item 10): editors read the latest revision with its id; a write
based on anything else is 409; every accepted write is in the final revision."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from ..matters.factories import MatterFactory
from .conftest import key_header

FIELD = "acceptance_conditions"


def detail(matter) -> str:
    return f"/api/v1/matters/{matter.pk}/"


def read(client, matter, key) -> dict:
    response = client.get(detail(matter), **key_header(key))
    assert response.status_code == 200, response.content
    data = json.loads(response.content)
    assert "revision" in data, "an editor's read must carry the revision it shows"
    assert response["ETag"] == f'"{data["revision"]}"'
    return data


def write(client, matter, key, data: dict, token: str):
    return client.patch(
        detail(matter),
        {"revision": data["revision"], FIELD: f"{data[FIELD]}[{token}]"},
        format="json",
        **key_header(key),
    )


def final_text(matter) -> str:
    matter.refresh_from_db()
    return getattr(matter.get_latest_revision_as_object(), FIELD)


@pytest.mark.django_db
def test_an_editor_reads_the_pending_draft_of_a_published_matter(api, world, department_system, kiosk):
    matter = world.matters["own"]
    draft = matter.get_latest_revision_as_object()
    setattr(draft, FIELD, "待审核的新条件")
    revision = draft.save_revision(user=world.users["owner"])

    data = read(api, matter, department_system.api_key)
    assert data["revision"] == revision.pk and data[FIELD] == "待审核的新条件"
    assert data["has_unpublished_changes"] is True

    # The public (and a key without a drafts scope) still read the version in force, no revision.
    public = json.loads(APIClient().get(detail(matter), **key_header(kiosk.api_key)).content)
    assert public[FIELD] != "待审核的新条件" and "revision" not in public


@pytest.mark.django_db
def test_one_writer_ten_read_modify_writes_keep_all_ten(api, world, department_system):
    matter = world.matters["own"]  # published: writes go onto drafts
    key = department_system.api_key
    for n in range(10):
        response = write(api, matter, key, read(api, matter, key), f"w0-{n}")
        assert response.status_code == 200, response.content
    text = final_text(matter)
    assert all(f"[w0-{n}]" in text for n in range(10)), text


@pytest.mark.django_db
def test_a_write_on_the_live_version_after_a_draft_is_409(api, world, department_system):
    matter = world.matters["own"]
    key = department_system.api_key
    stale = read(api, matter, key)
    assert write(api, matter, key, read(api, matter, key), "first").status_code == 200
    response = write(api, matter, key, stale, "stale")
    assert response.status_code == 409
    assert "已被修改" in json.loads(response.content)["detail"]
    assert "[stale]" not in final_text(matter) and "[first]" in final_text(matter)


def _four_writers(matter, key, rounds: int, threaded: bool) -> tuple[list[str], int]:
    accepted: list[str] = []
    conflicts = 0
    lock = threading.Lock()

    def one(writer: int, n: int, data: dict | None = None) -> None:
        nonlocal conflicts
        client = APIClient()
        data = data or read(client, matter, key)
        token = f"w{writer}-{n}"
        response = write(client, matter, key, data, token)
        with lock:
            if response.status_code == 200:
                accepted.append(token)
            else:
                assert response.status_code == 409, response.content
                conflicts += 1

    if threaded:

        def worker(writer: int) -> None:
            try:
                for n in range(rounds):
                    one(writer, n)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        # SQLite serialises writers: interleave them instead — all four read, then all four write.
        for n in range(rounds):
            reads = [read(APIClient(), matter, key) for _ in range(4)]
            for writer, data in enumerate(reads):
                one(writer, n, data)
    return accepted, conflicts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_writers_twenty_five_each_lose_no_accepted_write(world, department_system):
    matter = MatterFactory(department=world.dept_a, name="并发修改事项")
    threaded = connection.vendor == "postgresql"
    accepted, conflicts = _four_writers(matter, department_system.api_key, 25, threaded)
    assert len(accepted) + conflicts == 100
    assert accepted, "some writes must be accepted"
    text = final_text(matter)
    missing = [token for token in accepted if f"[{token}]" not in text]
    assert not missing, f"accepted but lost: {missing}"
