"""Set-based SQL for the event pipeline: a batch of rows in one statement, not one per row.

Folding used Django's ``bulk_update``, which writes one ``CASE WHEN id = ... THEN ...`` per row
into a single statement: its cost grows with the square of the batch (Django resolves one
expression per row and PostgreSQL tests every branch for every row), and it was most of the
folding time. Here each step is one statement per batch:

* ``insert_returning``: a multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` that tells
  which rows were new (a duplicate of a stored event, or a profile another worker created in
  the meantime, is simply not returned). It works on the unique constraint of SQLite and plain
  PostgreSQL tables and on the trigger that keeps the partitioned raw log idempotent (a row
  its ``BEFORE INSERT`` trigger drops is not returned either);
* ``update_documents``: on PostgreSQL one ``UPDATE ... FROM (VALUES ...)``; on SQLite an
  ``executemany`` of a prepared ``UPDATE`` (in-process, so a round trip costs nothing).

Values go through each model field's ``get_db_prep_save``, as the ORM would send them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import CharField, Field, Model

#: Rows per statement: 10 columns x 500 rows stays under every driver's parameter limit.
ROWS_PER_STATEMENT = 500


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _prepared(model: type[Model], objects: Sequence[Model], names: Sequence[str]) -> list[Any]:
    """The objects' values as parameters, as the ORM would send them; a plain ``CharField``'s
    value is sent as it is (its ``get_db_prep_save`` is the identity for a string)."""
    fields = [_field(model, name) for name in names]
    plain = [type(field) is CharField for field in fields]
    params: list[Any] = []
    append = params.append
    for obj in objects:
        for field, as_is in zip(fields, plain, strict=True):
            value = getattr(obj, field.attname)
            if as_is and type(value) is str:
                append(value)
            else:
                append(field.get_db_prep_save(value, connection))
    return params


def insert_returning(
    model: type[Model], objects: Sequence[Model], names: Sequence[str], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert ``objects`` (columns ``names``) skipping conflicts; the ``returning`` columns of
    the rows actually inserted."""
    if not objects:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_field(model, n).column) for n in names)
    back = ", ".join(quote(_field(model, n).column) for n in returning)
    one_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    result: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objects), ROWS_PER_STATEMENT):
            chunk = objects[start : start + ROWS_PER_STATEMENT]
            values = ", ".join([one_row] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608  # model names  # nosec B608
            sql += f" ON CONFLICT DO NOTHING RETURNING {back}"
            cursor.execute(sql, _prepared(model, chunk, names))
            result.extend(tuple(row) for row in cursor.fetchall())
    return result


def update_documents(model: type[Model], rows: Sequence[tuple[int, Any]], moment: datetime) -> None:
    """Set ``data`` (a JSON document) and ``updated_at`` of rows by primary key, one statement
    per ``ROWS_PER_STATEMENT`` rows (PostgreSQL) or one prepared statement (SQLite)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    data_field = _field(model, "data")
    stamp_field = _field(model, "updated_at")
    pk = quote(_field(model, "id").column)
    stamp = stamp_field.get_db_prep_save(moment, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                values = ", ".join(["(%s, %s::jsonb)"] * len(chunk))
                params: list[Any] = []
                for key, document in chunk:
                    params.extend((key, data_field.get_db_prep_save(document, connection)))
                sql = f"UPDATE {table} AS t SET data = v.data, updated_at = %s"  # noqa: S608  # model names  # nosec B608
                sql += f" FROM (VALUES {values}) AS v(id, data) WHERE t.{pk} = v.id"
                cursor.execute(sql, [stamp, *params])
        else:
            sql = f"UPDATE {table} SET data = %s, updated_at = %s WHERE {pk} = %s"  # noqa: S608  # model names  # nosec B608
            cursor.executemany(
                sql,
                [
                    (data_field.get_db_prep_save(document, connection), stamp, key)
                    for key, document in rows
                ],
            )
