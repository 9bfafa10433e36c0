"""The supplies figures stay equal to a rebuild from the movements and donations, whatever the ledger writes
(receipts, issues to one and to a list, transfers, counts, write-offs, donations), and a donation of masks shows
in the stock and the donations of the county."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from bastion.dashboard.figures import figure_totals, figures_verify
from bastion.supplies.figures import KEYS
from bastion.supplies.models import Distribution, Movement, Store, Transfer
from bastion.supplies.services.ledger import (
    stock_adjust,
    stock_issue,
    stock_issue_to_list,
    stock_receive,
    stock_write_off,
)
from bastion.supplies.services.money import donation_record
from bastion.supplies.services.transfers import transfer_dispatch, transfer_receive
from tests.conftest import World
from tests.supplies import factories as supplies

START = dt.datetime(2020, 1, 28, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CODES = ["mask_surgical", "mask_n95", "disinfectant_84", "alcohol_75", "protective_suit", "gloves", "vegetables"]


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World) -> None:
    rng = random.Random(150)
    with time_machine.travel(START, tick=False) as clock:
        stores = [
            supplies.store(world.county, "县物资储备库", Store.Kind.COUNTY_WAREHOUSE),
            supplies.store(world.township_a, "木垒镇物资站", Store.Kind.TOWNSHIP),
            supplies.store(world.village_a, "水磨沟村物资点"),
            supplies.store(world.village_b, "沈家沟村物资点"),
        ]
        funds = {unit.pk: supplies.fund(unit) for unit in (world.county, world.township_b)}
        units = {world.county.pk: world.county, world.township_b.pk: world.township_b}
        done = 0
        for step in range(1400):
            if step % 40 == 39:
                clock.shift(dt.timedelta(days=1, hours=rng.randint(-4, 4)))
            store = rng.choice(stores)
            item = supplies.item(rng.choice(CODES))
            roll = rng.random()
            try:
                if roll < 0.25:
                    stock_receive(
                        by=None,
                        store=store,
                        item=item,
                        quantity=rng.randint(1, 500),
                        source=rng.choice([Movement.Kind.PURCHASE, Movement.Kind.ALLOCATION, Movement.Kind.OPENING]),
                        batch_code=rng.choice(["", "B1", "B2"]),
                        at=timezone.now() - dt.timedelta(hours=rng.randint(0, 60)),
                    )
                elif roll < 0.45:
                    stock_issue(
                        by=None,
                        store=store,
                        item=item,
                        quantity=rng.randint(1, 60),
                        recipient_kind=rng.choice(Movement.Recipient.values),
                        recipient_name="马建国",
                        at=timezone.now() - dt.timedelta(hours=rng.randint(0, 30)),
                    )
                elif roll < 0.52:
                    stock_issue_to_list(
                        by=None,
                        store=store,
                        items=[(item, rng.randint(1, 5)), *([(supplies.item("gloves"), 1)] if roll < 0.49 else [])],
                        recipients=[f"居民{n}" for n in range(rng.randint(1, 8))],
                        recipient_kind=Movement.Recipient.HOUSEHOLD,
                    )
                elif roll < 0.6:
                    stock_adjust(by=None, store=store, item=item, counted=rng.randint(0, 300), reason="盘点")
                elif roll < 0.66:
                    stock_write_off(by=None, store=store, item=item, quantity=rng.randint(1, 30), reason="过期")
                elif roll < 0.76:
                    other = rng.choice([s for s in stores if s != store])
                    transfer_dispatch(by=None, from_store=store, to_store=other, item=item, quantity=rng.randint(1, 80))
                elif roll < 0.84:
                    waiting = list(Transfer.objects.filter(status=Transfer.Status.IN_TRANSIT)[:20])
                    if waiting:
                        transfer_receive(by=None, transfer=rng.choice(waiting))
                elif roll < 0.92:
                    unit_id = rng.choice(list(funds))
                    donation_record(
                        by=None,
                        org_unit=units[unit_id],
                        donor_name="爱心企业",
                        kind="cash",
                        amount=Decimal(rng.randint(1, 100000)) / 100,
                        fund=funds[unit_id],
                        received_on=timezone.localdate() - dt.timedelta(days=rng.randint(0, 3)),
                    )
                else:
                    donation_record(
                        by=None,
                        org_unit=store.org_unit,
                        donor_name="李先生",
                        kind="goods",
                        item=item,
                        quantity=rng.randint(1, 200),
                        store=store,
                        received_on=timezone.localdate() - dt.timedelta(days=rng.randint(0, 3)),
                    )
                done += 1
            except ValidationError:
                pass
    kinds = set(Movement.objects.values_list("kind", flat=True))
    assert kinds == set(Movement.Kind.values) and done > 250
    assert Distribution.objects.count() > 5
    assert figures_verify(KEYS) == {}


def test_a_donation_of_masks_shows_in_the_county_stock_and_donations(world: World) -> None:
    store = supplies.store(world.village_a, "水磨沟村物资点")
    supplies.stocked(store, 40)
    today = timezone.localdate()
    keys = ["supplies.stock_masks", "supplies.donations", "supplies.donated_fen", "supplies.issued_masks"]
    before = figure_totals(world.county, keys, today, today)
    donation_record(
        by=None,
        org_unit=world.village_a,
        donor_name="木垒县爱心人士",
        kind="goods",
        item=supplies.item("mask_surgical"),
        quantity=150,
        store=store,
    )
    donation_record(
        by=None,
        org_unit=world.county,
        donor_name="某公司",
        kind="cash",
        amount="1000",
        fund=supplies.fund(world.county),
    )
    after = figure_totals(world.county, keys, today, today)
    assert after["supplies.stock_masks"] - before["supplies.stock_masks"] == 150
    assert after["supplies.stock_masks"] == supplies.stock_of(store) == 190
    assert after["supplies.donations"] - before["supplies.donations"] == 2
    assert after["supplies.donated_fen"] - before["supplies.donated_fen"] == 100_000
    stock_issue(
        by=None,
        store=store,
        item=supplies.item("mask_surgical"),
        quantity=30,
        recipient_kind=Movement.Recipient.HOUSEHOLD,
        recipient_name="马家",
    )
    latest = figure_totals(world.township_a, keys, today, today)
    assert (latest["supplies.stock_masks"], latest["supplies.issued_masks"]) == (160, 30)
