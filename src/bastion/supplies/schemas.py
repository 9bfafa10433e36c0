"""Schemas of the supplies API: what goes in and what comes out, never all fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from bastion.supplies.models import Item, Movement


class ItemOut(Schema):
    code: str
    name: str
    category: str
    unit_of_measure: str
    cover_days_threshold: int

    @staticmethod
    def resolve_name(obj: Item) -> str:
        return str(obj)


class StoreOut(Schema):
    id: int
    name: str
    kind: str
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    keeper: str
    is_active: bool


class StockOut(Schema):
    item: str = Field(alias="item.code")
    quantity: int
    in_transit: int
    issued_last_7_days: int = Field(alias="issued")
    days_of_cover: Decimal | None


class MovementOut(Schema):
    id: int
    store_id: int
    item: str = Field(alias="item.code")
    batch: str | None = Field(None, alias="batch.code")
    kind: str
    quantity: int = Field(description="above zero into the store, below zero out of it")
    at: dt.datetime
    recipient_kind: str
    recipient_name: str
    note: str
    transfer_id: int | None
    distribution_id: int | None


class ReceiveIn(Schema):
    item: str = Field(description="item code")
    quantity: int
    source: str = Field(Movement.Kind.PURCHASE, description="purchase or allocation")
    batch_code: str = ""
    expires_on: dt.date | None = None
    note: str = ""


class IssueIn(Schema):
    item: str = Field(description="item code")
    quantity: int
    recipient_kind: str = Field(description="person, household, post, institution, observed or other")
    recipient_name: str
    note: str = ""


class HandOutLine(Schema):
    item: str = Field(description="item code")
    each: int = Field(description="what every recipient gets")


class HandOutIn(Schema):
    recipients: list[str] = Field(description="one name each")
    items: list[HandOutLine]
    recipient_kind: str = Movement.Recipient.PERSON
    note: str = ""


class DistributionOut(Schema):
    id: int
    store_id: int
    at: dt.datetime
    recipients: int
    movements: int = Field(description="movement rows written")


class TransferIn(Schema):
    from_store_id: int
    to_store_id: int
    item: str = Field(description="item code")
    quantity: int
    note: str = ""


class TransferOut(Schema):
    id: int
    from_store_id: int
    to_store_id: int
    item: str = Field(alias="item.code")
    quantity: int
    status: str
    request_id: int | None
    dispatched_at: dt.datetime
    received_at: dt.datetime | None


class RequestIn(Schema):
    store_id: int
    item: str = Field(description="item code")
    quantity: int
    reason: str = ""


class DecisionIn(Schema):
    action: str = Field(description="approve, refuse or fill")
    quantity: int | None = Field(None, description="approve: how many; fill: how many to send")
    reason: str = Field("", description="refuse: why")
    from_store_id: int | None = Field(None, description="fill: a store of the level above")


class RequestOut(Schema):
    id: int
    store_id: int
    unit_id: int = Field(alias="org_unit_id")
    supplier_unit_id: int
    item: str = Field(alias="item.code")
    quantity: int
    status: str
    approved_quantity: int | None
    filled_quantity: int
    refusal: str
    requested_at: dt.datetime


class DonationIn(Schema):
    unit_id: int = Field(description="the receiving unit")
    donor_name: str
    donor_kind: str = "person"
    anonymous: bool = False
    kind: str = Field(description="cash or goods")
    amount: str | None = Field(None, description='cash: yuan as text, at most two decimals, e.g. "1000.00"')
    fund_id: int | None = None
    item: str | None = Field(None, description="goods: item code")
    quantity: int | None = None
    store_id: int | None = None
    batch_code: str = ""
    expires_on: dt.date | None = None
    earmark: str = ""
    received_on: dt.date | None = None


class DonationOut(Schema):
    id: int
    number: str
    unit_id: int = Field(alias="org_unit_id")
    donor_name: str
    anonymous: bool
    kind: str
    amount: Decimal | None
    item: str | None = Field(None, alias="item.code")
    quantity: int | None
    earmark: str
    received_on: dt.date
    thanks: str
