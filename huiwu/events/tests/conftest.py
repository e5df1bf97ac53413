"""Fixtures of the events tests: an event made from a provincial notice nobody prepared for."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTICE = Path(__file__).with_name("notice_provincial.txt")


@pytest.fixture
def provincial(organizer):
    from huiwu.notices.parser import parse
    from huiwu.notices.services import create_event_from_notice

    text = NOTICE.read_text("utf-8")
    return create_event_from_notice(parse(text), organizer, notice_text=text)
