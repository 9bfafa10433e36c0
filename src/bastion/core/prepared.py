"""Reads and inserts on a hot path, built and compiled once and then run with new values; bulk inserts.

Django builds a queryset and compiles its SQL on every call. For a read of one row by key, or the
insert of one row, that is most of the statement's cost: a checkpoint passage spent half of its time
building and compiling its four reads and three inserts. ``PreparedRead`` builds the
queryset once, for stand-in values, finds each stand-in among the compiled statement's parameters, and
later runs the same statement with the real values. Rows become model instances the way the ORM makes
them (the database's converters, ``select_related``), through the compiler kept from the first call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.db.models.sql.subqueries import InsertQuery

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Compiled:
    model: type[models.Model]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[str | None, ...]  # per parameter: the name of the value that replaces it, or None
    converters: dict[int, Any]
    init_list: list[str]
    start: int
    end: int
    related: list[Any]


class PreparedRead(Generic[M]):
    """The first row of ``build(**stand_ins)``, run again with other values: ``read.first(name=value)``.

    Each stand-in must reach the SQL as one parameter equal to itself (a distinctive string or integer
    compared by ``=``); the values given later must be of the same type. The statement is compiled once
    per database alias and vendor.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]], **stand_ins: object) -> None:
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: object) -> M | None:
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor))
        if compiled is None:
            compiled = self._compiled[using, connection.vendor] = self._compile(using)
        params: list[Any] = [
            values[slot] if slot is not None else param
            for param, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(1)
        if not rows:
            return None
        row = rows[0]
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.related:
            populator.populate(row, obj)
        return cast(M, obj)

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(**self._stand_ins)[:1]
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = tuple(self._slot(param) for param in params)
        missing = set(self._stand_ins) - set(slots)
        if missing:
            raise ValueError(f"stand-ins not found among the statement's parameters: {sorted(missing)}")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        klass_info = compiler.klass_info
        assert klass_info is not None  # a queryset of model instances
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = [f[0].target.attname for f in compiler.select[start:end]]
        related = get_related_populators(klass_info, compiler.select, using)
        converters = compiler.get_converters(fields)
        return _Compiled(
            queryset.model, compiler, sql, tuple(params), slots, converters, init_list, start, end, related
        )

    def _slot(self, param: object) -> str | None:
        for name, stand_in in self._stand_ins.items():
            if type(param) is type(stand_in) and param == stand_in:
                return name
        return None


@dataclass(frozen=True)
class _Insert:
    compiler: SQLInsertCompiler
    fields: list[Any]
    returning: list[Any]
    sql: str


_INSERTS: dict[tuple[type[models.Model], str, str], _Insert] = {}


def instance_insert(obj: M, using: str = DEFAULT_DB_ALIAS) -> M:
    """``obj.save()`` of a new row, with its INSERT statement built once per model and database.

    As ``save()`` does: each field's ``pre_save`` (``auto_now_add``, the look-up hashes), its conversion
    for the database (encryption), and the new primary key set on ``obj``. Unlike it, no
    ``pre_save``/``post_save`` signals are sent: nothing in Bastion listens for them.
    """
    connection = connections[using]
    if obj.pk is not None or not connection.features.can_return_columns_from_insert:
        obj.save(using=using, force_insert=True)
        return obj
    key = (type(obj), using, connection.vendor)
    insert = _INSERTS.get(key)
    if insert is None:
        insert = _INSERTS[key] = _insert_for(type(obj), using)
    compiler = insert.compiler
    values = [compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in insert.fields]
    with connection.cursor() as cursor:
        cursor.execute(insert.sql, values)
        returned = cursor.fetchone()
    for field, value in zip(insert.returning, returned, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return obj


def _insert_for(model: type[models.Model], using: str) -> _Insert:
    connection = connections[using]
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    if meta.parents or any(getattr(f, "get_placeholder", None) for f in fields):
        raise ValueError(f"{meta.label}: only a plain model's row can be inserted this way")
    returning = list(meta.db_returning_fields)
    query = InsertQuery(model)
    query.insert_values(fields, [], raw=False)
    compiler = query.get_compiler(using=using)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    returning_sql, _params = connection.ops.return_insert_columns(returning)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) {returning_sql}"  # noqa: S608 (names only)
    return _Insert(compiler, fields, returning, sql)


ROWS_PER_INSERT = 500  # a multi-row INSERT of 13 columns: 6,500 parameters, well under SQLite's 32,766


def rows_insert(
    table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], *, returning: bool = False, batch: int = 0
) -> list[int]:
    """Insert ``rows`` (values of ``columns``, ready for the database) in bulk: with COPY on PostgreSQL (one
    stream instead of a round trip per row), else with multi-row INSERTs of ``batch`` rows, which SQLite runs
    about twice as fast as ``executemany``. On SQLite, the new ids if ``returning`` (in the order of ``rows``,
    as Django's ``bulk_create`` relies on too); PostgreSQL's COPY returns none, so there a caller that needs
    them draws the ids from the sequence first and writes them."""
    if not rows:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return []
        size = batch or ROWS_PER_INSERT
        ids: list[int] = []
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            cursor.execute(_values_sql(table, tuple(columns), len(part), returning), list(chain.from_iterable(part)))
            if returning:
                ids += [row[0] for row in cursor.fetchall()]
        return ids


@functools.lru_cache(maxsize=32)
def _values_sql(table: str, columns: tuple[str, ...], count: int, returning: bool) -> str:
    """A multi-row INSERT with SQLite's own ``?`` placeholders: Django's cursor rewrites every ``%s`` of a
    statement on each call, which for 6,500 parameters costs more than encrypting the rows' numbers."""
    row = "(" + ", ".join("?" * len(columns)) + ")"
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES {", ".join([row] * count)}'  # noqa: S608 (names only)
    return sql + ' RETURNING "id"' if returning else sql
