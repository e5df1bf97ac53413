"""PostgreSQL as Django's, with one change: a reused connection that was used a moment ago is not
health-checked again.

Django's CONN_HEALTH_CHECKS sends `SELECT 1` before the first query of every request on a reused
connection. For the door's scans (hundreds a second, two statements each) that was a third of the
round trips. A connection used within `RECENTLY` seconds is known to work; one idle for longer (the
case the check exists for: the database restarted while it waited) is still checked.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

#: seconds after its last use during which a connection counts as healthy without a check
RECENTLY = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = 0.0

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and time.monotonic() - self._used_at < RECENTLY:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self._used_at = time.monotonic()
        return cursor
