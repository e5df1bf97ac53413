"""For benchmarks that drive `huiwu up`: open the server's own database in this process."""

from __future__ import annotations

import os


def use_server_database(app) -> None:
    """Point Django in this process at the data dir and database of `app` (a conftest LiveApp), then set it up.

    The benchmarks make their fixtures (people, tokens) directly, not over HTTP, so the timed part is the server's.
    """
    os.environ["HUIWU_DATA_DIR"] = app.env["HUIWU_DATA_DIR"]
    if app.env.get("HUIWU_DATABASE_URL"):
        os.environ["HUIWU_DATABASE_URL"] = app.env["HUIWU_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")
    os.environ["HUIWU_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
