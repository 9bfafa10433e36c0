"""The load test's floor (``bench.checkpoints_floor``) writes what a passage writes, or its figure means nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from bastion.checkpoints.models import Passage, Post
from bastion.core.models import User
from bastion.core.models.audit import AuditEvent
from bastion.core.services.accounts import token_create
from bastion.dashboard.models import DailyFigure
from bench import checkpoints_floor
from tests.checkpoints.test_api import wuhan_to
from tests.conftest import World


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "floor.pickle"
    monkeypatch.setenv(checkpoints_floor.STATEMENTS_ENV, str(path))
    checkpoints_floor._recorded.cache_clear()
    yield path
    checkpoints_floor._recorded.cache_clear()


@pytest.mark.django_db
def test_the_floor_replays_a_passage_with_its_arrival_figures_and_audit_event(
    world: World, highway_exit: Post, duty_officer: User, recorded: Path, settings: object
) -> None:
    _token, key = token_create(by=duty_officer, name="phone")
    in_use = Client(headers={"authorization": f"Bearer {key}"}).get("/api/v1/checkpoints/posts")
    assert in_use.status_code == 200  # a token's first use is written once: not a passage's work
    statements = checkpoints_floor.record(Client(), highway_exit, key, wuhan_to(world), recorded)
    first = Passage.objects.get()
    assert first.idempotency_key is not None
    assert [sql.split('"')[1] for sql, _params in statements if sql.startswith("INSERT")] == [
        "checkpoints_passage",
        "dashboard_dailyfigure",
        "checkpoints_arrival",
        "dashboard_dailyfigure",
        "core_auditevent",
    ]

    settings.ROOT_URLCONF = "bench.floor_urls"  # type: ignore[attr-defined]
    answer = Client().post(checkpoints_floor.FLOOR_PATH, wuhan_to(world), content_type="application/json")

    assert answer.status_code == 201, answer.content
    replayed = Passage.objects.get(pk=answer.json()["id"])
    assert replayed.pk != first.pk
    assert replayed.idempotency_key != first.idempotency_key
    assert replayed.arrival.org_unit == world.village_a
    assert AuditEvent.objects.filter(action="passage.record", object_id=str(replayed.pk)).count() == 1
    today = timezone.localdate()
    passages_in = DailyFigure.objects.get(org_unit=world.township_a, day=today, key="checkpoints.passages_in")
    assert passages_in.value == 2
