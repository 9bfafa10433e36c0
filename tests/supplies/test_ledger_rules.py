"""The ledger's rules: random sequences never leave a negative stock or a balance that differs from the sum of
movements; two cadres issuing the last units at once cannot both succeed; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bastion.core.models import AuditEvent, User
from bastion.supplies.models import Balance, Batch, Donation, FundEntry, Movement, Store, Transfer
from bastion.supplies.selectors.stock import balances_verify
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

quantities = st.integers(min_value=-5, max_value=60)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 2), quantities, st.sampled_from(["", "B1", "B2"])),
        st.tuples(st.just("issue"), st.integers(0, 2), quantities, st.just("")),
        st.tuples(st.just("list"), st.integers(0, 2), quantities, st.integers(1, 4)),
        st.tuples(st.just("transfer"), st.integers(0, 2), quantities, st.integers(0, 2)),
        st.tuples(st.just("arrive"), st.integers(0, 2), st.just(0), st.just("")),
        st.tuples(st.just("count"), st.integers(0, 2), quantities, st.just("")),
        st.tuples(st.just("write_off"), st.integers(0, 2), quantities, st.just("")),
    ),
    max_size=25,
)


def _apply(op: tuple[Any, ...], stores: list[Store], by: User) -> None:
    name, index, quantity, extra = op
    store, masks = stores[index], supplies.item("mask_surgical")
    if name == "receive":
        future = timezone.localdate() + dt.timedelta(days=30 if extra == "B1" else 90)
        stock_receive(
            by=by, store=store, item=masks, quantity=quantity, batch_code=extra, expires_on=future if extra else None
        )
    elif name == "issue":
        stock_issue(by=by, store=store, item=masks, quantity=quantity, recipient_kind="person", recipient_name="张三")
    elif name == "list":
        stock_issue_to_list(by=by, store=store, items=[(masks, quantity)], recipients=[f"户{n}" for n in range(extra)])
    elif name == "transfer":
        transfer_dispatch(by=by, from_store=store, to_store=stores[extra], item=masks, quantity=quantity)
    elif name == "arrive":
        for transfer in Transfer.objects.filter(to_store=store, status=Transfer.Status.IN_TRANSIT):
            transfer_receive(by=by, transfer=transfer)
    elif name == "count":
        stock_adjust(by=by, store=store, item=masks, counted=quantity, reason="盘点")
    else:
        stock_write_off(by=by, store=store, item=masks, quantity=quantity, reason="破损")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=operations)
def test_no_accepted_sequence_leaves_a_negative_stock_or_a_balance_off_the_ledger(
    world: World, county_admin: User, sequence: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        stores = [supplies.store(world.county), supplies.store(world.township_a), supplies.store(world.village_a)]
        ids = [s.pk for s in stores]
        for op in sequence:
            before = Movement.objects.count(), list(Balance.objects.values_list("pk", "quantity").order_by("pk"))
            try:
                _apply(op, stores, county_admin)
            except ValidationError:
                after = Movement.objects.count(), list(Balance.objects.values_list("pk", "quantity").order_by("pk"))
                assert after == before, f"{op} was refused but changed the stock"
            assert balances_verify(ids) == []
            assert not Balance.objects.filter(quantity__lt=0).exists()
            in_transit = sum(Transfer.objects.filter(status="in_transit").values_list("quantity", flat=True))
            assert sum(Balance.objects.filter(store_id__in=ids).values_list("quantity", flat=True)) >= 0
            assert in_transit >= 0
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_cadres_issuing_the_last_units_at_once_only_one_succeeds(world: World, county_admin: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    store = supplies.store(world.village_a, "水磨沟村物资点")
    supplies.stocked(store, 10)
    masks = supplies.item("mask_surgical")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(name: str) -> None:
        translation.activate("en")  # a thread starts in the default language
        try:
            start.wait()
            stock_issue(
                by=county_admin, store=store, item=masks, quantity=10, recipient_kind="person", recipient_name=name
            )
            outcomes.append("issued")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(name,)) for name in ("张三", "李四")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("issued") == 1, outcomes
    assert "holds only 0" in next(o for o in outcomes if o != "issued")
    assert supplies.stock_of(store) == 0
    assert Balance.objects.get(store=store).quantity == 0


def _nothing_changes(action: Callable[[], object]) -> str:
    """Run a refused action; return its message after checking that no row was written."""
    models = (Movement, Balance, Transfer, Donation, FundEntry, AuditEvent)
    before = [list(m.objects.values_list("pk", flat=True).order_by("pk")) for m in models]
    quantities = list(Balance.objects.values_list("quantity", flat=True).order_by("pk"))
    with pytest.raises(ValidationError) as refused:
        action()
    assert [list(m.objects.values_list("pk", flat=True).order_by("pk")) for m in models] == before
    assert list(Balance.objects.values_list("quantity", flat=True).order_by("pk")) == quantities
    return " ".join(refused.value.messages)


@pytest.mark.django_db
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    world: World, township_cadre: User, township_store: Store, county_admin: User
) -> None:
    masks = supplies.item("mask_surgical")
    supplies.stocked(township_store, 100)
    outside = supplies.store(world.village_b, "沈家沟村物资点")
    fund = supplies.fund(world.county, budget="500000")
    supplies.stocked(township_store, 30, batch_code="2001", expires_on=timezone.localdate() + dt.timedelta(days=1))
    expired = Balance.objects.get(batch__code="2001").batch
    assert expired is not None
    expired.expires_on = timezone.localdate() - dt.timedelta(days=1)
    expired.save()

    def issue(quantity: int, **kwargs: Any) -> object:
        return stock_issue(
            by=township_cadre,
            store=township_store,
            item=masks,
            quantity=quantity,
            recipient_kind="person",
            recipient_name="张三",
            **kwargs,
        )

    assert "whole quantity above zero" in _nothing_changes(lambda: issue(-5))
    assert "holds only 100 个 of Surgical masks; 101 were asked for" in _nothing_changes(lambda: issue(101))
    assert "30 more are expired: write them off" in _nothing_changes(lambda: issue(101))
    assert "expired on" in _nothing_changes(lambda: issue(1, batch=expired))
    assert "outside your scope" in _nothing_changes(
        lambda: transfer_dispatch(
            by=township_cadre, from_store=township_store, to_store=outside, item=masks, quantity=10
        )
    )
    assert "1000.505 has more than two decimals" in _nothing_changes(
        lambda: donation_record(
            by=county_admin, org_unit=world.county, donor_name="李某", kind="cash", amount="1000.505", fund=fund
        )
    )
    assert supplies.stock_of(township_store) == 130


@pytest.mark.django_db
def test_a_count_is_recorded_as_an_audited_adjustment_and_expired_goods_are_written_off_first(
    world: World, township_cadre: User, township_store: Store
) -> None:
    masks = supplies.item("mask_surgical")
    soon = timezone.localdate() + dt.timedelta(days=1)
    supplies.stocked(township_store, 100)
    supplies.stocked(township_store, 20, batch_code="2001", expires_on=soon)
    Batch.objects.filter(code="2001").update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert "Give the reason" in _nothing_changes(
        lambda: stock_adjust(by=township_cadre, store=township_store, item=masks, counted=90, reason=" ")
    )
    # 120 on the books (20 of them expired); 115 counted: the expired batch is short first.
    adjusted = stock_adjust(by=township_cadre, store=township_store, item=masks, counted=115, reason="盘点少5个")
    assert [(m.batch.code if m.batch else None, m.quantity) for m in adjusted] == [("2001", -5)]
    event = AuditEvent.objects.get(action="stock.adjust")
    assert event.summary["reason"] == "盘点少5个" and event.summary["change"] == -5
    assert stock_adjust(by=township_cadre, store=township_store, item=masks, counted=115, reason="复盘") == []
    written = stock_write_off(by=township_cadre, store=township_store, item=masks, quantity=20, reason="过期")
    assert [(m.batch.code if m.batch else None, m.quantity) for m in written] == [("2001", -15), (None, -5)]
    assert supplies.stock_of(township_store) == 95
    found = stock_adjust(by=township_cadre, store=township_store, item=masks, counted=100, reason="找到一箱")
    assert [m.quantity for m in found] == [5] and supplies.stock_of(township_store) == 100
