"""
Writes that settle a race in one statement, without a savepoint.

A savepoint around an INSERT that may hit a unique index costs two statements more (SAVEPOINT,
RELEASE) on every call, for a conflict that almost never happens. PostgreSQL and SQLite (3.35
and later) say it in the INSERT itself: `ON CONFLICT DO NOTHING RETURNING id` inserts the row,
or answers nothing when another transaction holds one with the same key (after waiting for it
to commit), and the transaction goes on either way.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def insert_or_nothing(obj: models.Model, connection: BaseDatabaseWrapper) -> bool:
    """
    INSERT `obj` (a new instance, primary key unset) unless a unique constraint already holds
    a row like it: True and `obj.pk` set when inserted, False otherwise. The caller checks
    `connection.features.can_return_columns_from_insert` first.
    """
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values: list[Any] = []
    for f in fields:
        value = f.pre_save(obj, add=True)  # auto_now_add, defaults already on the instance
        values.append(f.get_db_prep_save(value, connection))

    def quote(name: str | None) -> str:
        return str(connection.ops.quote_name(str(name)))

    # Names from the model's own metadata, values as parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True
