"""Absolute links (declaration links, SMS texts, e-mails, invitations) from `HUIWU_BASE_URL`.

A link built from the request's Host header can be steered by whoever sends the request (a
forged Host puts an attacker's address into a mail the system sends). Every absolute link is
built here, from the site's configured address; `huiwu up` sets that address to the one it
serves on when the environment does not name one.
"""

from __future__ import annotations

from django.conf import settings

#: used only when neither HUIWU_BASE_URL nor `huiwu up` named the site's address (tests, shell)
FALLBACK_BASE_URL = "http://localhost:8000"


def base_url() -> str:
    """The site's address without a trailing slash, e.g. `https://huiwu.example.gov.cn`."""
    return (getattr(settings, "HUIWU_BASE_URL", "") or FALLBACK_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`/d/abc/` → `https://huiwu.example.gov.cn/d/abc/`; a full URL is returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + "/" + path.lstrip("/")
