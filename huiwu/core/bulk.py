"""Inserting many rows at once, fast on PostgreSQL.

Django's bulk_create on PostgreSQL sends each column as one array parameter, and psycopg quotes
those arrays in Python, escaping every quote of every JSON value: for a batch import (30,000
people, 1,000 receipts with their snapshots) that costs more than all the rest of the work.
Here the ids come from the table's sequence in one statement and the rows go in by COPY.
Other databases (SQLite) use bulk_create, which returns the ids itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Field,
    FloatField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.utils import timezone


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> list[int]:
    """Insert rows of plain values for `columns` (attnames, no id); returns the new ids in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs)
        return [obj.pk for obj in objs]
    table = model._meta.db_table
    pk = model._meta.pk.column
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in (pk, *(model._meta.get_field(a).column for a in columns)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, pk, len(rows)])
        ids = [i for (i,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for i, row in zip(ids, rows, strict=True):
                copy.write_row((i, *row))
    return ids


def insert_columns(model: type[Model]) -> list[str]:
    """The fields (attnames) an INSERT of `model` gives: every concrete field but the primary key, in order."""
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def insert_values(obj: Any) -> tuple:
    """An unsaved instance's values for `insert_columns`, prepared for the database (auto_now filled)."""
    return tuple(f.get_db_prep_save(f.pre_save(obj, True), connection)
                 for f in obj._meta.concrete_fields if not f.primary_key)


#: fields whose preparation returns a value of these types unchanged
_AS_IS_FIELDS = (CharField, TextField, IntegerField, BooleanField, FloatField, ForeignKey)
_AS_IS_TYPES = frozenset({str, int, bool, float})
#: per model: its field names, and per field (attname, field, taken as it is, set to now on insert)
_PLANS: dict[type[Model], tuple[frozenset[str], list[tuple[str, Field, bool, bool]]]] = {}


def row_values(model: type[Model], values: dict[str, Any]) -> tuple:
    """`insert_values` from plain values by attname, without a model instance: a path that runs
    hundreds of times a second (a scan) skips building two (a tenth of its CPU).

    Fields not given take their default, auto_now(_add) ones the time; each value is prepared by its
    field, as saving an instance would, unless the field takes it as it is (text, numbers, booleans).
    """
    if model not in _PLANS:
        plan = [(f.attname, f, isinstance(f, _AS_IS_FIELDS),
                 getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
                for f in model._meta.concrete_fields if not f.primary_key]
        _PLANS[model] = frozenset(p[0] for p in plan), plan
    names, plan = _PLANS[model]
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
    out = []
    now = None
    for attname, f, as_is, stamped in plan:
        if stamped:
            value = now = now or timezone.now()  # as saving an instance does, whatever was given
        elif attname in values:
            value = values[attname]
        else:
            value = f.get_default()
        out.append(value if value is None or (as_is and type(value) in _AS_IS_TYPES)
                   else f.get_db_prep_save(value, connection))
    return tuple(out)


def insert_objects(objs: list[Any]) -> list[Any]:
    """bulk_create for unsaved model instances of one model, by COPY on PostgreSQL; sets their pks."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    columns = insert_columns(model)
    rows = [insert_values(obj) for obj in objs]
    for obj, pk in zip(objs, insert_rows(model, columns, rows), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def update_ids(model: type[Model], ids: list[int] | set[int], **values: Any) -> int:
    """UPDATE … WHERE id IN ids for thousands of ids: one array parameter on PostgreSQL
    (Django would prepare one parameter per id); the ORM elsewhere."""
    if not ids:
        return 0
    if connection.vendor != "postgresql":
        return model.objects.filter(pk__in=list(ids)).update(**values)
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(k) for k in values]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = ANY(%s)",
                       [*params, list(ids)])
        return cursor.rowcount
