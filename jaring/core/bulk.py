"""Inserting many rows of one model fast: PostgreSQL's COPY where it runs, `bulk_create` elsewhere.

Why: Django 5.2's `bulk_create` on PostgreSQL sends each column as an array (INSERT ... SELECT FROM UNNEST),
and psycopg escapes every element of a text or JSON array in Python: for a bulk import of 100,000
applicants with their eligibility outcomes and audit records that alone cost over half a minute. COPY
sends the same values as one stream, escaped in C. Primary keys are taken from the table's sequence
first, so callers get them back as `bulk_create` gives them.

`rows_insert` takes plain tuples (no model instances: building a hundred thousand of them is itself
seconds of work); `bulk_insert` takes unsaved instances.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router

from jaring.core import clock


class JsonText(str):
    """A value of a JSON field already encoded as JSON text: written as it is (on other databases, decoded).

    Bulk writers encode a value shared by many rows (the same eligibility outcomes, the same audit data) once
    instead of once per row."""


def _json_writer(field: models.JSONField) -> Callable[[Any], str | None]:
    encoder = field.encoder
    nullable = field.null

    def as_json(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if type(value) is JsonText:
            return value
        return json.dumps(value, cls=encoder)

    return as_json


def _copy(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence[Any]]) -> None:
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    json_columns = [
        (index, _json_writer(field)) for index, field in enumerate(fields) if isinstance(field, models.JSONField)
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    # Errors come back as Django's (IntegrityError...), as from any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            # Choices members (TextChoices, IntegerChoices) need no conversion: psycopg finds str or int before
            # Enum in their classes and writes their value.
            write = copy.write_row
            if not json_columns:
                for row in rows:
                    write(row)
                return
            for row in rows:
                values = list(row)
                for index, as_json in json_columns:
                    values[index] = as_json(values[index])
                write(values)


def _decoded(value: Any) -> Any:
    return json.loads(value) if type(value) is JsonText else value


_SEQUENCES: dict[tuple[str, str], str] = {}  # (database alias, table) -> its primary key's sequence


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        key = (connection.alias, meta.db_table)
        sequence = _SEQUENCES.get(key)
        if sequence is None:
            # Looked up once: evaluated per generated row, the catalogue look-up was most of the statement.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            sequence = _SEQUENCES[key] = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [value for (value,) in cursor.fetchall()]


def rows_insert(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]], *, ids: bool = True
) -> list[int]:
    """Insert `rows` (tuples of values for the fields `names`, by attname, without the primary key) and return
    their new primary keys in order (none when `ids` is False: taking them from the sequence first costs).
    Fields not named get their default (auto_now fields: now), as a model instance would."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    if connection.vendor != "postgresql":
        objects = [model(**{name: _decoded(value) for name, value in zip(names, row, strict=True)}) for row in rows]
        model._default_manager.db_manager(connection.alias).bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects] if ids else []
    pk = meta.pk
    assert pk is not None
    by_attname = {field.attname: field for field in meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    others = [
        field
        for field in meta.concrete_fields
        if field is not pk and field.attname not in names and field.db_default is models.NOT_PROVIDED
    ]
    now = clock.now()
    rest = tuple(
        now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        for field in others
    )
    if not ids:
        _copy(model, [*fields, *others], ((*row, *rest) for row in rows) if rest else rows)
        return []
    new_ids = _next_ids(model, len(rows))
    _copy(model, [pk, *fields, *others], ((key, *row, *rest) for key, row in zip(new_ids, rows, strict=True)))
    return new_ids


def bulk_insert(objects: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert `objects` (all of one model, not yet saved) and set their primary keys, as `bulk_create` does."""
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        json_names = [field.attname for field in model._meta.concrete_fields if isinstance(field, models.JSONField)]
        for obj in objects:
            for name in json_names:
                setattr(obj, name, _decoded(getattr(obj, name)))
        model._default_manager.db_manager(connection.alias).bulk_create(objects, batch_size=batch_size)
        return
    meta = model._meta
    missing = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(missing, _next_ids(model, len(missing)) if missing else [], strict=True):
        obj.pk = pk
    fields = [field for field in meta.concrete_fields if field.db_default is models.NOT_PROVIDED]
    auto = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    attnames = [field.attname for field in fields]

    def values(obj: models.Model) -> list[Any]:
        for field in auto:
            field.pre_save(obj, add=True)  # sets the attribute, as a save would
        return [getattr(obj, name) for name in attnames]

    _copy(model, fields, (values(obj) for obj in objects))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
