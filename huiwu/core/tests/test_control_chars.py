"""Control characters stop at the door on both databases (a NUL gave HTTP 500 on PostgreSQL and
was stored raw on SQLite): every page path parameter → 404, every API path parameter → 404 JSON,
every API body field → 422 naming it, every form field → 400, file cells are cleaned, and no
HTML or CSV answer carries one."""

from __future__ import annotations

import json
import re

import pytest

from conftest import url_routes
from huiwu.core.text import fold, has_control_chars
from huiwu.receipts.models import Attendee

NUL = "%00"


def _site_routes():
    for route, _p in url_routes():
        if not route.startswith(("django-admin/", "api/v1/", "static/", "media/")):
            yield route


def _value(conv: str | None, name: str, slug: str, attendee_id: int) -> str:
    if name in ("event", "slug"):
        return slug
    if name in ("venue", "code"):
        return "110000"
    if name == "fmt":
        return "docx"
    if conv == "int" or name.endswith("id") or name == "pk":
        return str(attendee_id)
    return "x" * 8


def _urls_with_nul(route: str, slug: str, attendee_id: int):
    """The route filled with real values, once per parameter with a NUL appended to that one."""
    params = list(re.finditer(r"<(?:(\w+):)?(\w+)>", route))
    for i in range(len(params)):
        def sub(m, i=i):
            v = _value(m.group(1), m.group(2), slug, attendee_id)
            return v + NUL if m.start() == params[i].start() else v
        yield "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


@pytest.fixture
def person(demo_event):
    venue = demo_event.venues.get(code="110000")
    return Attendee.objects.create(event=demo_event, venue=venue, name="张三", unit="北京市教委",
                                   position="处长", phone="13800138000")


def test_text_helpers():
    assert has_control_chars("a\x00b") and has_control_chars("\x1b[0m") and has_control_chars("\x85")
    assert not has_control_chars("第一行\n第二行\t\r") and not has_control_chars("王·立")
    assert fold("张\x00三\x07") == "张三"


@pytest.mark.parametrize("who", ["anonymous", "organizer"])
def test_a_nul_in_any_page_path_parameter_is_404(client, demo_event, person, organizer, who):
    if who == "organizer":
        client.force_login(organizer)
    checked = []
    for route in _site_routes():
        for url in _urls_with_nul(route, demo_event.slug, person.pk):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (method, url, response.status_code)
                checked.append(url)
    # the page the attack found without login
    assert client.get(f"/e/{demo_event.slug}/templates/110000{NUL}.docx").status_code == 404
    assert len(checked) > 40


def _api_operations():
    from huiwu.core.api import api

    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op, schema


def _body_fields(op, schema) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    body = content.get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return list(body.get("properties", {}))


def test_a_nul_in_any_api_path_parameter_is_404_json(api_client, organizer, demo_event, person):
    client = api_client(organizer)
    checked = 0
    for path, method, _op, _schema in _api_operations():
        names = re.findall(r"\{(\w+)\}", path)
        for target in names:
            url = path
            for name in names:
                value = {"event": demo_event.slug, "venue": "110000"}.get(name, str(person.pk))
                url = url.replace("{" + name + "}", value + (NUL if name == target else ""))
            response = getattr(client, method)(url, data="{}" if method != "get" else None,
                                               content_type="application/json")
            assert response.status_code == 404, (method, url, response.status_code, response.content[:200])
            assert response.json()["error"]["code"] == "not_found"
            checked += 1
    assert checked > 20


def test_a_nul_in_any_api_body_field_is_422_naming_it(api_client, organizer, demo_event, person):
    client = api_client(organizer)
    checked = 0
    for path, method, op, schema in _api_operations():
        if method not in ("post", "put", "patch"):
            continue
        url = path.replace("{event}", demo_event.slug).replace("{venue}", "110000")
        url = re.sub(r"\{\w+\}", str(person.pk), url)
        for field in _body_fields(op, schema) or ["name"]:
            for value in ("a\x00b", "a\x01b", "\ud800"):
                body = json.dumps({field: value})
                response = getattr(client, method)(url, body, content_type="application/json")
                assert response.status_code == 422, (method, url, field, response.status_code, response.content[:300])
                assert field in response.json()["error"]["fields"], (url, field, response.content[:300])
                checked += 1
    # nested: a receipt's attendees
    response = client.post(f"/api/v1/events/{demo_event.slug}/venues/110000/receipts",
                           json.dumps({"attendees": [{"name": "王\x00五", "unit": "u"}]}), content_type="application/json")
    assert response.status_code == 422 and "attendees.0.name" in response.json()["error"]["fields"]
    assert checked > 20
    assert not any(has_control_chars(a.name) for a in Attendee.objects.all())
    assert Attendee.objects.count() == 1


def test_a_nul_in_a_query_parameter_is_refused(client, api_client, organizer, demo_event):
    response = api_client(organizer).get(f"/api/v1/events?x=a{NUL}")
    assert response.status_code == 422 and "x" in response.json()["error"]["fields"]
    assert client.get(f"/accounts/login/?next=/a{NUL}").status_code == 400


def test_a_nul_in_any_form_field_is_refused_before_the_view(client, organizer, demo_event, person):
    """Every page, any field: 400 with the field named, nothing changed."""
    from huiwu.audit.models import AuditEntry

    client.force_login(organizer)
    before = AuditEntry.objects.count()
    checked = 0
    for route in _site_routes():
        url = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: _value(m.group(1), m.group(2), demo_event.slug, person.pk),
                           route)
        response = client.post(url, {"name": "李\x00四", "unit": "单位"})
        assert response.status_code == 400, (url, response.status_code)
        assert "name" in response.content.decode()
        checked += 1
    assert checked > 20
    assert AuditEntry.objects.count() == before
    # the login form too (its user lookup gave a 500 on PostgreSQL)
    client.logout()
    assert client.post("/accounts/login/", {"username": "org\x00", "password": "x"}).status_code == 400


def _upload(client, demo_event, csv: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/api/v1/events/{demo_event.slug}/venues/110000/receipts",
                       {"file": SimpleUploadedFile("回执.csv", csv, content_type="text/csv")})


def test_every_channel_s_rows_are_cleaned_by_the_shared_normaliser():
    """Web, API, files and mail all file through validate_attendee: a cell read from a document or
    a mail (where the door check does not look) loses its control characters there."""
    from huiwu.receipts.services import validate_attendee

    clean, errors = validate_attendee({"name": "张\x00三", "unit": "北京市\x1b教委", "position": "处\x7f长",
                                       "phone": "138\x00001\x0138000"})
    assert not errors, errors
    assert (clean["name"], clean["unit"], clean["position"], clean["phone"]) == ("张三", "北京市教委", "处长", "13800138000")


def test_a_nul_in_an_uploaded_file_is_a_refusal_not_a_server_error(api_client, organizer, demo_event):
    csv = "姓名,单位,职务,手机\n张\x00三,北京市教育委员会,处长,13800138000\n".encode()
    response = _upload(api_client(organizer), demo_event, csv)
    assert response.status_code in (201, 422), response.content[:300]
    assert not any(has_control_chars(a.name) for a in Attendee.objects.all())


def test_no_html_or_csv_answer_carries_a_control_character(client, organizer, demo_event, person):
    """A row stored before the check (SQLite kept them raw) is not written into a page."""
    Attendee.objects.filter(pk=person.pk).update(name="张\x01三", position="处\x1b长")
    client.force_login(organizer)
    response = client.get(f"/manage/{demo_event.slug}/venues/110000/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and "\x01" not in body and "\x1b" not in body
