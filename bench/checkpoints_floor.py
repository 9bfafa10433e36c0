"""The floor of the checkpoint load test: a passage's own SQL, replayed by a bare view through the same server.

``record(client, post, key, body, path)`` sends one inbound passage through the API in the bench process and
keeps every statement it ran, with its parameters as the driver received them (``connection.execute_wrapper``),
in a pickle at ``path``. The load test then serves Bastion with ``bench.floor_settings``: Bastion's URLs and
settings, plus ``POST /bench/floor`` (``replay``), a plain Django view that reads the request's JSON body and
runs the same statements again: the reads as they were, then the writes in one transaction, with a fresh
idempotency key and the new passage's id in its arrival and its audit event. No validation, no encryption, no
ORM: what the database and the server cost for the rows a passage must read and write, the most any work in
Python could reach.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django.test import Client

    from bastion.checkpoints.models import Post

FLOOR_PATH = "/bench/floor"
STATEMENTS_ENV = "BENCH_FLOOR_STATEMENTS"  # the pickle ``record`` wrote, for the server's workers

Statement = tuple[str, tuple[Any, ...]]
Write = tuple[str, tuple[Any, ...], dict[int, str]]  # with the positions of the parameters to renew
COLUMNS = re.compile(r'INSERT INTO "\w+" \((?P<columns>[^)]*)\) VALUES \([^)]*\)(?: RETURNING .*)?$')
RENEWED = ("idempotency_key", "passage_id", "object_id")


def record(client: Client, post: Post, key: str, body: dict[str, Any], path: Path) -> list[Statement]:
    """Send one passage, write what it ran to ``path`` (``reads``, then ``writes`` with the columns to renew
    in each) and return its statements.

    The token must have been used already: its first use in a while writes its last use, which a passage
    does not do every time.
    """
    from django.db import connection

    from bench.checkpoints_load import passage_request

    ran: list[Statement] = []

    def keep(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        ran.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        response = passage_request(client, post, key, body)
    if response.status_code != 201:  # a new passage, not one given back for its key
        raise AssertionError(f"recording a passage: status {response.status_code}: {response.content[:500]!r}")
    statements = [(sql, params) for sql, params in ran if not sql.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]
    reads = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    writes = [(sql, params, _renewed_columns(sql, params)) for sql, params in statements if (sql, params) not in reads]
    if not writes or not writes[0][0].startswith('INSERT INTO "checkpoints_passage"'):
        raise AssertionError(f"a passage's first write is not its INSERT: {[w[0][:60] for w in writes]}")
    path.write_bytes(pickle.dumps((reads, writes)))
    return statements


def _renewed_columns(sql: str, params: tuple[Any, ...]) -> dict[int, str]:
    """Which parameters of a one-row INSERT take the new passage's key or id: {position: column}."""
    found = COLUMNS.match(sql)
    if found is None or len(params) != found["columns"].count(",") + 1:
        return {}  # an INSERT of several rows (the figures), or no INSERT
    columns = [name.strip().strip('"') for name in found["columns"].split(",")]
    return {i: column for i, column in enumerate(columns) if column in RENEWED}


@cache
def _recorded() -> tuple[list[Statement], list[Write]]:
    recorded: tuple[list[Statement], list[Write]] = pickle.loads(Path(os.environ[STATEMENTS_ENV]).read_bytes())  # noqa: S301 (the bench's own file)
    return recorded


def replay(request: HttpRequest) -> HttpResponse:
    """Run the recorded passage's statements again, as one request of the load: a fresh idempotency key, and
    the new passage's id in its arrival and its audit event."""
    from django.db import connection, transaction
    from django.http import JsonResponse

    json.loads(request.body)
    reads, writes = _recorded()
    key, passage_id = uuid.uuid4(), None
    with connection.cursor() as cursor:
        for sql, params in reads:
            cursor.execute(sql, params)
            cursor.fetchall()
        with transaction.atomic():
            for sql, params, renewed in writes:
                values = list(params)
                for i, column in renewed.items():
                    if column == "idempotency_key":  # a UUID, or its hex where the column is text (SQLite)
                        values[i] = key.hex if isinstance(params[i], str) else key
                    else:
                        values[i] = type(params[i])(passage_id)
                cursor.execute(sql, values)
                if " RETURNING " in sql:
                    returned = cursor.fetchone()[0]
                    passage_id = returned if passage_id is None else passage_id
    return JsonResponse({"id": passage_id}, status=201)
