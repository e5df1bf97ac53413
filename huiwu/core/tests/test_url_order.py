"""huiwu/urls.py tries the door's scan routes first: that must not change which view answers a path."""

from django.urls import resolve

from huiwu.core.api import api


def test_no_other_api_route_matches_the_scan_paths():
    patterns, _app, _ns = api.urls
    for path in ("events/some-event/checkins", "events/some-event/checkins/batch"):
        matching = [str(p.pattern) for p in patterns if p.pattern.match(path)]
        assert len(matching) == 1, matching


def test_scan_paths_and_pages_resolve_to_their_views():
    assert resolve("/api/v1/events/e1/checkins").func.__name__ == resolve("/api/v1/events/e2/checkins").func.__name__
    assert resolve("/api/v1/events/e1/checkins").url_name != resolve("/api/v1/events/e1/checkins/batch").url_name
    assert resolve("/api/v1/events/e1/attendance").url_name not in ("", None)
    assert resolve("/healthz").url_name == "healthz"
    assert resolve("/manage/e1/").url_name == "overview"


def test_no_page_lives_under_api():
    """Django's CSRF, messages and common middleware pass /api/… by (core.middleware._PagesOnly): a
    page there would be served without the CSRF middleware's check."""
    from conftest import url_routes

    pages = [route for route, _p in url_routes() if not route.startswith("api/v1/")]
    assert pages and not [r for r in pages if r.lstrip("^/").startswith("api")]
