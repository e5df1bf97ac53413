"""The API keeps its contract: error JSON for every failure (500 included), every operation declares
its error answers, bodies that are not JSON objects are refused with 422, enumerations are enums."""

from __future__ import annotations

import json

import pytest

from huiwu.core.api import ERROR_RESPONSES, api


def _is_error_json(response, code: str) -> None:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = json.loads(response.content)
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and isinstance(body["error"]["fields"], dict)


def test_a_server_error_answers_error_json_not_html(api_client, organizer, monkeypatch):
    import huiwu.events.api as events_api

    class Broken:
        @staticmethod
        def for_user(user):
            raise RuntimeError("boom")

    monkeypatch.setattr(events_api, "Access", Broken)
    response = api_client(organizer).get("/api/v1/events")
    assert response.status_code == 500
    _is_error_json(response, "server_error")
    assert "boom" not in response.content.decode()  # no internals leak


def test_a_server_error_outside_the_api_handlers_is_json_too(db):
    from django.test import RequestFactory

    from huiwu.core.views import server_error

    response = server_error(RequestFactory().get("/api/v1/events"))
    assert response.status_code == 500
    _is_error_json(response, "server_error")


def test_unknown_api_path_is_error_json(api_client, organizer):
    response = api_client(organizer).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    _is_error_json(response, "not_found")


def test_every_operation_declares_its_error_answers():
    schema = api.get_openapi_schema()
    assert "Error" in schema["components"]["schemas"]
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 19
    for path, method, op in operations:
        declared = {str(k) for k in op["responses"]}
        missing = {str(s) for s in (401, 403, 404, 409, 422)} - declared
        assert not missing, f"{method.upper()} {path} does not declare {sorted(missing)}"
        for status in ERROR_RESPONSES:
            response = op["responses"].get(status) or op["responses"].get(str(status))
            schema = response["content"]["application/json"]["schema"]
            refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("anyOf", [])]
            assert "#/components/schemas/Error" in refs, (method, path, status, schema)


def test_the_openapi_document_served_declares_them(client):
    doc = client.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/events/{event}/venues/{venue}/attendees"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(op["responses"])


@pytest.mark.parametrize("prop", [
    ("VenueOut", "kind", {"main", "branch"}),
    ("VenueOut", "approval_status", {"not_requested", "pending", "approved", "rejected"}),
    ("EventOut", "status", {"draft", "published", "closed", "archived"}),
    ("ReceiptOut", "status", {"submitted", "needs_review", "rejected"}),
    ("EvaluateIn", "venue_kind", {"main", "branch"}),
    ("EvaluateOut", "verdict", {"eligible", "not_eligible", "pending"}),
])
def test_enumerations_are_enums_in_the_schema(prop):
    """(An attendee's category is not among them: each event has its own, in EventOut.attendee_categories.)"""
    model, field, values = prop
    schema = api.get_openapi_schema()["components"]["schemas"][model]["properties"][field]
    assert "enum" in schema, f"{model}.{field} is a free string in the OpenAPI document"
    assert values <= set(schema["enum"])


@pytest.mark.parametrize("body", ["[]", '"text"', "1", "null", "true", "{not json", '{"name": '])
def test_bodies_that_are_not_json_objects_are_refused_with_422(api_client, organizer, demo_event, body):
    from huiwu.receipts.models import Attendee

    c = api_client(organizer)
    for method, url in [
        ("post", f"/api/v1/events/{demo_event.slug}/venues/110000/attendees"),
        ("put", f"/api/v1/events/{demo_event.slug}/venues/110000/tech-contact"),
        ("post", "/api/v1/admission/evaluate"),
    ]:
        response = getattr(c, method)(url, body, content_type="application/json")
        assert response.status_code == 422, (method, url, body, response.status_code, response.content[:200])
        _is_error_json(response, "invalid")
    assert not Attendee.objects.filter(venue__code="110000").exists()
