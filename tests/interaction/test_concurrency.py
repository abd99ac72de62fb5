"""At the same instant (real threads, each with its own connection and transaction): ten visitors
submit and get ten different numbers; five clerks act on one item read at the same revision and one
wins; the hotline sends one ticket four times and one item is made. PostgreSQL with row locks and
the unique constraint: ``.ci/postgres-tests tests/interaction``.

The test runner's SQLite database is in memory with a shared cache, where a second writer gets
"database table is locked" at once, so on SQLite the race runs against a file copy of the test
database opened as ``cms/settings`` opens it (WAL, IMMEDIATE transactions, 20 s timeout).
"""

from __future__ import annotations

import pytest

from interaction import flow
from interaction.models import Interaction, InteractionStep, State

from .. import concurrency
from .factories import submission, submit

THREADS = 10


def race(target, use_database, count: int = THREADS) -> tuple[list, list]:
    return concurrency.race(target, use_database, count, flow.InteractionError)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_visitors_at_once_get_ten_different_numbers(iworld, real_database):
    def attempt(i):
        item, _ = flow.submit(submission(subject=f"问题{i}"), department=iworld.dept_a)
        return item.number

    results, errors = race(attempt, real_database)
    assert not errors, errors
    assert len(set(results)) == THREADS
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in results)
    assert serials == list(range(1, THREADS + 1))
    assert Interaction.objects.count() == THREADS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_five_clerks_acting_on_one_reading_one_wins(iworld, real_database):
    item = submit(iworld.dept_a)
    seen = item.revision
    clerks = [iworld.users["owner"], iworld.users["reviewer"], iworld.users["reviewer2"]]

    def attempt(i):
        user = type(clerks[i % 3]).objects.get(pk=clerks[i % 3].pk)  # a fresh user object per thread
        if i % 2:
            step = flow.Step("reject", note=f"重复{i}", expected_revision=seen)
        else:
            step = flow.Step("accept", expected_revision=seen)
        return flow.act(item.pk, step, user=user)

    results, errors = race(attempt, real_database, count=5)
    assert not errors, errors
    won = [r for r in results if isinstance(r, Interaction)]
    lost = [r for r in results if isinstance(r, flow.InteractionConflict)]
    assert len(won) == 1 and len(lost) == 4
    fresh = Interaction.objects.get(pk=item.pk)
    assert fresh.revision == seen + 1 and fresh.state in (State.HANDLING, State.REJECTED)
    assert InteractionStep.objects.filter(interaction=fresh).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_ticket_sent_four_times_at_once_makes_one_item(iworld, real_database):
    def attempt(i):
        item, created = flow.submit(
            submission(), department=iworld.dept_a, source="hotline", hotline_ticket="T-RACE", hotline_client_id=3
        )
        return item.pk, created

    results, errors = race(attempt, real_database, count=4)
    assert not errors, errors
    assert len({pk for pk, _ in results}) == 1 and sum(created for _, created in results) == 1
    assert Interaction.objects.count() == 1
