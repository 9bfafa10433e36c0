"""Places and their kinds for the outreach tests."""

from __future__ import annotations

from bastion.core.models import OrgUnit
from bastion.outreach.models import Channel, Place, PlaceKind, TargetGroup


def kind(code: str = "supermarket") -> PlaceKind:
    return PlaceKind.objects.get(code=code)


def channel(code: str) -> Channel:
    return Channel.objects.get(code=code)


def group(code: str) -> TargetGroup:
    return TargetGroup.objects.get(code=code)


def place(unit: OrgUnit, name: str = "万家福超市", kind_code: str = "supermarket") -> Place:
    return Place.objects.create(
        org_unit=unit,
        kind=kind(kind_code),
        name=name,
        address=f"{unit.name}人民路1号",
        responsible_name="马经理",
        responsible_phone="13912340000",
    )
