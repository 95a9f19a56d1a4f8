"""The OpenAPI schema describes every endpoint; the docs page loads Swagger from our own static files."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/v1/offices"),
    ("get", "/api/v1/offices/{code}"),
    ("get", "/api/v1/procedures"),
    ("get", "/api/v1/offices/{code}/availability"),
    ("get", "/api/v1/offices/{code}/appointments"),
    ("post", "/api/v1/appointments"),
    ("get", "/api/v1/appointments/{code}"),
    ("post", "/api/v1/appointments/{code}/cancel"),
    ("post", "/api/v1/appointments/{code}/reschedule"),
    ("get", "/api/v1/appointments/{code}/receipt.pdf"),
    ("get", "/api/v1/appointments/{code}/calendar.ics"),
    ("post", "/api/v1/waitlist"),
    ("get", "/api/v1/waitlist/{entry_id}"),
    ("delete", "/api/v1/waitlist/{entry_id}"),
    ("post", "/api/v1/waitlist/{entry_id}/accept"),
    ("post", "/api/v1/waitlist/{entry_id}/decline"),
    ("post", "/api/v1/holds"),
    ("post", "/api/v1/appointments/{code}/verification"),
    ("post", "/api/v1/appointments/{code}/confirm"),
}


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_schema_lists_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Mi Consulado API"
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == ENDPOINTS


def test_every_operation_is_well_formed(schema):
    ids = []
    for path, item in schema["paths"].items():
        params = set(re.findall(r"{(\w+)}", path))
        for operation in item.values():
            ids.append(operation["operationId"])
            assert operation["responses"], path
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == params, path
    assert len(ids) == len(set(ids))


def test_every_reference_resolves(schema):
    for ref in refs(schema):
        assert ref.startswith("#/"), ref
        node = schema
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]


def test_errors_and_security_are_documented(schema):
    create = schema["paths"]["/api/v1/appointments"]["post"]
    for status in ("201", "409", "422"):
        assert status in create["responses"]
    error = create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorOut")
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "errors"}
    day = schema["paths"]["/api/v1/offices/{code}/appointments"]["get"]
    assert day["security"] == [{"TokenAuth": []}]
    # Citizens call without a token; staff and agents may send one.
    assert create["security"] == [{"OptionalTokenAuth": []}, {}]
    assert {s["scheme"] for s in schema["components"]["securitySchemes"].values()} == {"bearer"}
    headers = [p["name"] for p in create["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    query = [p["name"] for p in schema["paths"]["/api/v1/offices/{code}/availability"]["get"]["parameters"]]
    assert {"procedure", "from", "to"} <= set(query)


def test_docs_page_uses_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_the_api_root_points_to_the_docs(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }


def test_every_operation_documents_the_errors_any_request_can_get(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            assert "400" in statuses, (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= statuses, (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in statuses, (method, path)
            for status in statuses - {"200", "201"}:
                error = operation["responses"][status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
