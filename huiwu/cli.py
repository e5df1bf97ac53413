"""The `huiwu` command: Django's management commands under one name (`huiwu init`, `huiwu up`…)."""

from __future__ import annotations

import os
import sys

#: commands that work without a database (or create it): never told to run init first
NO_DATABASE = {"init", "up", "migrate", "makemigrations", "help", "check", "version", "--version", "--help", "-h",
               "compilemessages", "makemessages", "collectstatic", "test", "shell", "dbshell", "sqlmigrate",
               "showmigrations", "diffsettings", "startapp", "run_huey"}
#: `huiwu admission evaluate` is pure (rules and a declaration from files)
PURE_SUBCOMMANDS = {("admission", "evaluate"), ("notice", "parse")}


def _missing_tables(exc: BaseException) -> bool:
    """Does this database error mean the schema was never created (init not run)?"""
    text = str(exc).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _not_initialised() -> bool:
    """True when the database has none of huiwu's tables yet (a fresh data dir or empty PostgreSQL)."""
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        return "events_event" not in connection.introspection.table_names()
    except DatabaseError:
        return False  # cannot even connect: let the command say so in its own words


def _say_init_first() -> None:
    from django.utils.translation import gettext as _

    sys.stderr.write(_("数据库还没有初始化：请先运行 huiwu init（建立数据表并载入示范会议），再运行这个命令。") + "\n")
    sys.exit(2)


def main() -> None:
    # the data dir holds personal and health data: whatever a command creates there (database,
    # uploads, outbox, queue) is the owner's only, files 0600 and folders 0700
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    args = sys.argv[1:]
    command = args[0] if args else "help"
    if command not in NO_DATABASE and tuple(args[:2]) not in PURE_SUBCOMMANDS:
        django.setup()
        if _not_initialised():
            _say_init_first()
    try:
        execute_from_command_line(["huiwu", *args])
    except (OperationalError, ProgrammingError) as exc:
        if _missing_tables(exc):
            _say_init_first()
        raise


if __name__ == "__main__":
    main()
