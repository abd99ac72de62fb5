"""The API documentation: OpenAPI 3 with every field described in Chinese, docs served locally."""

from __future__ import annotations

import re

import pytest
import yaml

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    """Generated once for the module: building the schema takes a while."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_versioned_paths_only(schema):
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_field_is_described_in_chinese(schema):
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            text = spec.get("description") or spec.get("title") or ""
            if not CJK.search(text):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_every_operation_and_parameter_is_described_in_chinese(schema):
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if not CJK.search(operation.get("summary", "") + operation.get("description", "")):
                missing.append(f"{method.upper()} {path}")
            for parameter in operation.get("parameters", []):
                if not CJK.search(parameter.get("description", "")):
                    missing.append(f"{method.upper()} {path} ?{parameter['name']}")
    assert missing == []


def test_interactive_docs_need_no_cdn(client, db):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    # Swagger UI's settings script is the split view's own ?script response (no inline script, CSP).
    assert assets and all(a.startswith("/static/") or a.startswith("/api/docs/?script") for a in assets)


def test_an_unknown_api_path_is_a_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "/api/docs/" in response.json()["detail"]


def test_the_key_scheme_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert scheme["in"] == "header" and "Api-Key" in scheme["description"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "status"),
    [("", 200), ("*/*", 200), ("application/json", 200), ("application/json; indent=2", 200), ("text/html", 406)],
)
def test_content_negotiation_answers_json_or_406(client, world, accept, status):
    """The short cut for plain Accept headers answers as DRF's rules do; anything else still goes through them."""
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get("/api/v1/matters/", **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_the_root_lists_every_collection_and_suffix_routes_are_gone(client, world):
    """/api/v1/ names each collection's list; JSON is the only format, so no ``.json`` routes."""
    root = client.get("/api/v1/").json()
    assert root["matters"].endswith("/api/v1/matters/")
    assert client.get(root["matters"]).status_code == 200
    assert client.get("/api/v1/matters.json").status_code == 404
