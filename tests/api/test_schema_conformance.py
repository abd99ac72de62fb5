"""The OpenAPI schema, fuzzed: no server error and no response that the schema does not describe.

The schema is the one drf-spectacular builds (the document /api/schema/ serves); schemathesis
generates requests for each of its read operations and sends them to the WSGI application in
process, against the demo city (``load_demo``). Each response must not be a 5xx and must have a
documented status code, a documented content type and a body valid against the documented
schema for that status. Every operation is a subtest, so one run lists every operation that fails.

Besides the generated requests, each list is read as a terminal reads it (first page, largest
page, incremental sync) and each detail operation is asked for real records from its list, so
real data is checked against the response schemas too.

Only GET/HEAD are fuzzed: the writes need credentials (anonymous ones end at 401 before the body
is read), and ``POST /api/v1/disclosure/requests/`` creates records and is rate limited.

One test, not one per operation: the demo city is loaded once, inside the test's transaction,
so the run is the same on SQLite and PostgreSQL and lands on one worker under ``pytest -n``.
(``schemathesis.pytest.from_fixture`` would do this too, but 4.32 reads ``Node._nodeid``, which
pytest 9.2 no longer has.) ``API_FUZZ_EXAMPLES=100`` makes a deeper local run.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.signal_handlers import disable_reference_index_auto_update

from api.collections import bury
from api.models import TombstoneReason

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
READ_METHODS = ["GET", "HEAD"]
UNLIMITED = "1000000/minute"
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))  # per operation, valid and invalid inputs
RECORDS_PER_DETAIL = 8  # real records asked for on each detail operation
# Values at the integer limits (32/64-bit, a year's range, a float), one parameter at a time, each time.
PATH_ID_LIMITS = ["0", str(2**31), str(2**63), "9" * 30]
NUMBER_LIMITS = ["0", "-1", "10000", str(2**63), "1e30", "0.5"]
DETAIL_PATH = re.compile(r"^(?P<list>.+/)\{(?P<name>\w+)\}/$")


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


@pytest.fixture
def api_schema(db, settings, monkeypatch):
    """The demo city in the test's transaction, and the schema's read operations bound to the WSGI app."""
    # The search index and the reference index serve the admin only; skipping them saves a third of the load.
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**conf, "AUTO_UPDATE": False} for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with disable_reference_index_auto_update():
        call_command("load_demo", quiet_accounts=True, stdout=io.StringIO())
    # A deletion within the tombstone retention, so incremental sync has a tombstone to report.
    bury("matters", 999_999, TombstoneReason.DELETED)

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    application = get_wsgi_application()  # the URLconf is imported by now, so every throttle class exists

    # One run sends hundreds of anonymous requests from one address; a throttle reads ``rate`` first.
    for throttle in _subclasses(SimpleRateThrottle):
        monkeypatch.setattr(throttle, "rate", UNLIMITED, raising=False)
    # As Django's test client does: a request must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config())
        schema.app = application
        yield schema.include(method=READ_METHODS)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _send(case):
    """Send a case in a savepoint, so that a request breaking the transaction (PostgreSQL) breaks only itself."""
    response = None
    try:
        with transaction.atomic():
            response = case.call()
    except DatabaseError:
        if response is None:
            raise
    return response


def _call(case, checks=CHECKS) -> None:
    case.validate_response(_send(case), checks=checks)


def _fuzz(operation) -> None:
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            hypothesis.HealthCheck.too_slow,
            hypothesis.HealthCheck.filter_too_much,
            hypothesis.HealthCheck.data_too_large,
        ],
    )
    @hypothesis.given(case=strategy)
    def check(case):
        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
            # A path that breaks the parameter's pattern matches no route at all: only a server error counts.
            _call(case, checks=[not_a_server_error])
        else:
            _call(case)

    check()


def _read_as_a_terminal(operation, records: dict[str, list[dict]]) -> None:
    """Read a list as terminals do; keep the records of its largest page for the detail operations."""
    names = {parameter.name for parameter in operation.query}
    queries = [{}]
    if "page_size" in names:
        queries.append({"page_size": "200"})
    if "updated_since" in names:
        queries.append({"updated_since": (timezone.now() - datetime.timedelta(days=1)).isoformat()})
    cases = [operation.Case(query=query) for query in queries]
    responses = [_send(case) for case in cases]
    for response in responses:
        body = response.json() if response.status_code == 200 else None
        results = body.get("results") if isinstance(body, dict) else None
        if isinstance(results, list) and len(results) > len(records.get(operation.path, [])):
            records[operation.path] = results
    for case, response in zip(cases, responses, strict=True):
        case.validate_response(response, checks=CHECKS)


def _limits(operation, path_parameters: dict[str, str]) -> list:
    """Cases with one numeric parameter at an integer limit: generated inputs reach these only by chance."""
    cases = []
    for parameter in operation.path_parameters:
        spec = parameter.definition.get("schema", {})
        if spec.get("type") == "integer" or spec.get("pattern") == "^[0-9]+$":
            cases += [operation.Case(path_parameters={parameter.name: value}) for value in PATH_ID_LIMITS]
    if len(path_parameters) == len(operation.path_parameters):
        for parameter in operation.query:
            if parameter.definition.get("schema", {}).get("type") in {"integer", "number"}:
                cases += [
                    operation.Case(path_parameters=path_parameters, query={parameter.name: value})
                    for value in NUMBER_LIMITS
                ]
    return cases


def _spread(values: list, count: int) -> list:
    if len(values) <= count:
        return values
    step = (len(values) - 1) / (count - 1)
    return [values[round(i * step)] for i in range(count)]


def test_api_conforms_to_schema(api_schema, subtests):
    operations = []
    for result in api_schema.get_all_operations():
        if isinstance(result, Err):
            with subtests.test(msg=f"invalid schema: {result.err()}"):
                raise result.err()
        else:
            operations.append(result.ok())
    assert operations, "the schema has no read operation"

    records: dict[str, list[dict]] = {}
    for operation in operations:
        if not operation.path_parameters and operation.method.upper() == "GET":
            with subtests.test(msg=f"{operation.label} (demo records)"):
                _read_as_a_terminal(operation, records)

    for operation in operations:
        detail = DETAIL_PATH.match(operation.path)
        values = []
        if detail and operation.method.upper() == "GET" and records.get(detail["list"]):
            name = detail["name"]
            values = [str(record[name]) for record in records[detail["list"]] if name in record]
            with subtests.test(msg=f"{operation.label} (demo records)"):
                for value in _spread(values, RECORDS_PER_DETAIL):
                    _call(operation.Case(path_parameters={name: value}))
        with subtests.test(msg=f"{operation.label} (integer limits)"):
            for case in _limits(operation, {detail["name"]: values[0]} if values else {}):
                _call(case, checks=[not_a_server_error, status_code_conformance])
        with subtests.test(msg=operation.label):
            _fuzz(operation)
