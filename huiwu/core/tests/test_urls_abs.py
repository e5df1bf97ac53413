"""Absolute links come from HUIWU_BASE_URL, never from the request's Host header."""

from huiwu.core.urls_abs import absolute_url


def test_absolute_url_uses_the_configured_address(settings):
    settings.HUIWU_BASE_URL = "https://huiwu.example.gov.cn"
    assert absolute_url("/d/abc/") == "https://huiwu.example.gov.cn/d/abc/"
    assert absolute_url("d/abc/") == "https://huiwu.example.gov.cn/d/abc/"
    assert absolute_url("https://other.example/x") == "https://other.example/x"


def test_absolute_url_without_an_address_is_still_absolute(settings):
    settings.HUIWU_BASE_URL = ""
    assert absolute_url("/d/abc/").startswith("http://localhost")


def test_invitation_links_ignore_a_forged_host_header(client, organizer, demo_event, settings):
    """The page and the mail name the configured site, whatever Host the request carried."""
    from huiwu.receipts.models import OutboxMail

    settings.HUIWU_BASE_URL = "https://huiwu.example.gov.cn"
    settings.ALLOWED_HOSTS = ["*"]
    client.force_login(organizer)
    body = client.post(f"/manage/{demo_event.slug}/venues/350200/invitations/", {"email": "xm@example.cn"},
                       HTTP_HOST="evil.example").content.decode()
    client.post(f"/manage/{demo_event.slug}/venues/350200/invite/", {"email": "xm2@example.cn"},
                HTTP_HOST="evil.example")
    mails = list(OutboxMail.objects.filter(kind="invitation"))
    assert len(mails) == 2
    for text in [body, *(m.body for m in mails)]:
        assert "https://huiwu.example.gov.cn/accounts/invite/" in text
        assert "evil.example" not in text
