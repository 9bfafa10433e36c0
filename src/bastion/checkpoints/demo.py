"""The demo county's checkpoints: the bus station, a highway exit and a village road, with a day of passages;
arrivals from Hubei handed to the villages, one verified, one still to verify."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from stdnum.cn import ric

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.services.arrivals import arrival_verify
from bastion.checkpoints.services.passages import passage_count, passage_record
from bastion.core.models import OrgUnit, User

ORIGINS = [("湖北省武汉市", "420100"), ("乌鲁木齐市", "650100"), ("昌吉市", "652301"), ("木垒县城", "652328")]
NAMES = ["马", "杨", "黄", "周", "吴", "徐", "孙", "胡"]


def demo_checkpoints(county: OrgUnit) -> None:
    """Idempotent: nothing is added once a post exists."""
    if Post.objects.filter(org_unit__path__startswith=county.path).exists():
        return
    defaults = importlib.import_module("bastion.checkpoints.migrations.0002_defaults")
    defaults.add_defaults(apps, None)  # the risk areas the migration adds, in case a flush removed them
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code"))
    staff = User.objects.filter(username="checkpoint").first()
    posts = [
        Post.objects.create(org_unit=county, name="木垒县汽车站", kind=Post.Kind.BUS_STATION, location="县城"),
        Post.objects.create(
            org_unit=townships[0],
            name="木垒东高速出口",
            kind=Post.Kind.HIGHWAY_EXIT,
            hours="00:00-24:00",
            second_language="kk",
        ),
        Post.objects.create(
            org_unit=townships[0], name="园林社区路口", kind=Post.Kind.VILLAGE_ROAD, mode=Post.Mode.EXCEPTIONS
        ),
    ]
    if staff is not None:
        for post in posts[1:]:
            post.staff.add(staff)
    villages = list(
        OrgUnit.objects.filter(path__startswith=townships[1].path, kind=OrgUnit.Kind.VILLAGE).order_by("path")
    ) or list(OrgUnit.objects.filter(path__startswith=county.path, kind=OrgUnit.Kind.COMMUNITY).order_by("path"))
    now = timezone.now()
    for n in range(12):
        region, code = ORIGINS[n % len(ORIGINS)]
        born = dt.date(1970 + n, 1 + n % 12, 1 + n % 28)
        body = f"{'420100' if code.startswith('42') else '652328'}{born:%Y%m%d}{500 + n:03d}"
        number = body + ric.calc_check_digit(body + "0")
        passage_record(
            by=None,
            post=posts[n % 2],
            direction=Passage.Direction.IN if n % 4 else Passage.Direction.OUT,
            name=NAMES[n % len(NAMES)] + "某" + "一二三四五六七八九十"[n % 10],
            id_number=number,
            phone=f"1390991{n:04d}",
            from_region=region,
            from_division_code=code,
            to_unit=(villages[0] if n < 6 else villages[n % len(villages)]) if n % 4 else None,
            temperature=Decimal("36.5") + Decimal(n % 5) / 10,
            at=now - dt.timedelta(hours=12 - n),
        )
    for _tap in range(20):
        passage_count(by=None, post=posts[2], direction=Passage.Direction.IN)
    first = Arrival.objects.filter(org_unit__path__startswith=county.path).order_by("pk").first()
    hq = User.objects.filter(username="hq").first()
    if first is not None and hq is not None:
        arrival_verify(by=hq, arrival=first, result=Arrival.Result.AT_HOME, note="已入户核实，居家")
