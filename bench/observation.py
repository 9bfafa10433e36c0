"""Observation benchmarks: today's checks and the township overview over 5,000 active cases in a county.

``run(database, scale, root, repeat)`` picks a county (``root`` itself if it is one, else the first
county below it; one is created below ``root``, with townships and villages, if none has villages)
and writes with ``bulk_create``, as ``bench.reporting`` does:

- 5,000 persons (valid, unique ID numbers and phones, encrypted as on every save) and one active
  case each (reason ``returnee``, start within the last 13 days, planned end 13 days later, opened
  that day, the default check times), spread unevenly over the county's villages and communities;
- the health checks of the last 24 hours: each slot taken with a probability of 0.9 (so about one
  case in five shows a missed check), about 2% of checks out of range, each of those raising an open
  alert (an immediate report waiting for the township, as ``check_record`` files it);
- a pending delivery request (requested or assigned) for 3 cases in 40, a delivered one for 1 in 40.

It then requests the pages with Django's test client, logged in (``force_login``) as:

- ``observation_township_overview``: a township cadre of the township with the most cases, its
  overview page (``observation:overview``: the township's villages and communities);
- ``observation_county_overview``: a county HQ admin, the same page for the county (its townships);
- ``observation_today_checks``: that county admin, the first page of today's checks
  (``observation:today``: the states of all 5,000 cases, ranked, 50 shown).

Each figure is the median of ``repeat`` requests after a warm-up (``bench.run.time_one``); the
target is 100 ms at the median (``target_figure``), with no baseline. Each page's queries are
counted (``CaptureQueriesContext``) once the first 50 cases are written and again with all 5,000:
an ``AssertionError`` if they differ.

``python -m bench.observation --db sqlite|postgres [--url URL] [--repeat N] [--profile]`` runs them
alone, on a county tree; ``--profile`` prints where each page's time goes (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import importlib
import io
import os
import pstats
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.residents import GIVEN, SURNAMES, id_number

if TYPE_CHECKING:
    from django.test import Client

    from bastion.core.models import OrgUnit, User

CASES = 5_000
FEW = 50  # cases written first: each page's queries are counted with these, then with all
TARGET_MS = 100.0
DAYS = 14
TAKEN_SHARE = 0.9  # of the slots of the last 24 hours
OUT_OF_RANGE_SHARE = 0.02  # of the checks taken
ID_OFFSET = 3_100_000  # ID numbers clear of bench.residents' rosters
BATCH_SIZE = 1000
SEED = 2020
PASSWORD = "Qx7!tundra-lantern-41"  # noqa: S105 (a bench-only account on a bench database)
TOWNSHIP_USER, COUNTY_USER, DOCTOR_USER = "bench-obs-township", "bench-obs-county", "bench-obs-doctor"
PENDING = ("requested", "assigned")
NEW_TOWNSHIPS, NEW_VILLAGES = 4, 8  # only if no county below the root has villages


@dataclass
class PlannedCase:
    number: int
    unit: OrgUnit  # a village or a community
    start: dt.date
    opened_at: dt.datetime
    checks: list[tuple[dt.datetime, Decimal, bool]] = field(default_factory=list)  # taken at, °C, out of range
    missed: bool = False  # a slot of the last 24 hours is over without a check
    delivery: str = ""  # the status of its delivery request, if any

    @property
    def alert(self) -> bool:
        return any(out for _at, _temperature, out in self.checks)

    @property
    def delivery_pending(self) -> bool:
        return self.delivery in PENDING


def pick_county(root: OrgUnit) -> OrgUnit:
    """``root`` if a county, else the first county below it; created with townships and villages if needed."""
    from bastion.core.models import OrgUnit
    from bastion.core.scope import paths_q
    from bastion.core.services.orgunits import orgunit_create

    kind = OrgUnit.Kind
    county = root if root.kind == kind.COUNTY else None
    if county is None:
        counties = OrgUnit.objects.filter(paths_q([root.path]), kind=kind.COUNTY).order_by("path")
        county = next((c for c in counties if _base_units(c)), None)
    if county is None:
        county = orgunit_create(by=None, parent=root, kind=kind.COUNTY, name="基准观察县")
    if not _base_units(county):
        for t in range(NEW_TOWNSHIPS):
            township = orgunit_create(by=None, parent=county, kind=kind.TOWNSHIP, name=f"观察{t + 1}镇")
            for v in range(NEW_VILLAGES):
                orgunit_create(by=None, parent=township, kind=kind.VILLAGE, name=f"观察{t + 1}镇{v + 1}村")
    return county


def _base_units(county: OrgUnit) -> list[OrgUnit]:
    """The active villages and communities of ``county``, each with its township (``parent``) loaded."""
    from bastion.core.models import OrgUnit
    from bastion.core.scope import paths_q

    kinds = [OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY]
    units = OrgUnit.objects.filter(paths_q([county.path]), kind__in=kinds, is_active=True)
    return list(units.select_related("parent").order_by("path"))


def plan_cases(units: list[OrgUnit], now: dt.datetime, seed: int = SEED) -> list[PlannedCase]:
    """``CASES`` active cases over ``units`` (some units weigh more than others) and their last 24 hours."""
    from django.utils import timezone

    from bastion.observation.models.cases import DEFAULT_CHECK_TIMES
    from bastion.observation.schedule import day_slots, minutes_of

    rng = random.Random(seed)
    weights = [rng.randint(1, 9) for _ in units]
    today = timezone.localdate(now)
    minutes = minutes_of(DEFAULT_CHECK_TIMES.split(","))
    since = now - dt.timedelta(hours=24)
    slots = day_slots(today - dt.timedelta(days=1), minutes) + day_slots(today, minutes)
    slots = [s for s in slots if s.end > since and s.start < now]
    planned = []
    for number, unit in enumerate(rng.choices(units, weights, k=CASES)):
        start = today - dt.timedelta(days=rng.randint(0, DAYS - 2))
        midnight = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        opened_at = midnight + dt.timedelta(hours=8, minutes=rng.randint(0, 600))
        if opened_at >= now:  # opened today, earlier than that
            opened_at = midnight + (now - midnight) * rng.random()
        case = PlannedCase(number, unit, start, opened_at)
        for slot in slots:
            low, high = max(slot.start, opened_at), min(slot.end, now)
            if low >= high:
                continue  # over before the case opened, or not begun yet
            if rng.random() >= TAKEN_SHARE:
                case.missed = case.missed or slot.end <= now
                continue
            moment = slot.at + dt.timedelta(minutes=rng.randint(-90, 120))
            moment = min(max(moment, low), high - dt.timedelta(seconds=1))
            out = rng.random() < OUT_OF_RANGE_SHARE
            temperature = Decimal(rng.choice(("37.4", "37.8", "38.3", "38.9")) if out else f"36.{rng.randint(0, 9)}")
            case.checks.append((moment, temperature, out))
        if number % 20 == 0:
            case.delivery = "requested"
        elif number % 40 in (10, 30):
            case.delivery = "assigned" if number % 40 == 10 else "delivered"
        planned.append(case)
    return planned


def few_first(planned: list[PlannedCase], township_pk: int) -> list[PlannedCase]:
    """``planned`` with, first, a case of the township with a missed check, one with an alert, one with a
    delivery pending: the pages then list something in every part with ``FEW`` cases as with all (a list
    left empty can save a query, which is not the count growing with the cases)."""
    front: list[PlannedCase] = []
    for wanted in ("missed", "alert", "delivery_pending"):
        pick = next(
            (p for p in planned if p.unit.parent_id == township_pk and getattr(p, wanted) and p not in front), None
        )
        front += [pick] if pick is not None else []
    return front + [p for p in planned if p not in front]


@functools.cache
def _name_keys(name: str) -> tuple[str, str]:
    from bastion.residents.validation import name_keys

    return name_keys(name)


def write_cases(planned: list[PlannedCase], now: dt.datetime) -> None:
    """Persons, cases, alerts, checks and delivery requests of ``planned``, in bulk, in one transaction."""
    from django.db import transaction

    from bastion.observation.models import DeliveryRequest, HealthCheck, ObservationCase, ObservationReason
    from bastion.reporting.models import ImmediateReport, IncidentCategory
    from bastion.residents.models import Person

    reason = ObservationReason.objects.get(code="returnee")
    category = IncidentCategory.objects.get(code="observation_alert")
    rng = random.Random(SEED + len(planned))
    with transaction.atomic():
        persons = []
        for p in planned:
            number = id_number(p.number, ID_OFFSET)
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            initials, full = _name_keys(name)
            persons.append(
                Person(
                    org_unit=p.unit,
                    name=name,
                    name_initials=initials,
                    name_pinyin=full,
                    sex="M" if int(number[16]) % 2 else "F",
                    birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    id_number=number,
                    phone=f"139{ID_OFFSET + p.number:08d}",
                    address=f"{rng.randint(1, 9)}组{rng.randint(1, 120)}号",
                )
            )
        Person.objects.bulk_create(persons, batch_size=BATCH_SIZE)
        cases = [
            ObservationCase(
                person=person,
                org_unit=p.unit,
                reason=reason,
                start_date=p.start,
                planned_end=p.start + dt.timedelta(days=DAYS - 1),
                opened_at=p.opened_at,
            )
            for p, person in zip(planned, persons, strict=True)
        ]
        ObservationCase.objects.bulk_create(cases, batch_size=BATCH_SIZE)
        checks, alerts = [], []
        for p, case in zip(planned, cases, strict=True):
            alert = None
            for taken_at, temperature, out in p.checks:
                raised = out and alert is None
                if raised:  # later checks out of range join the open alert, as check_record does
                    alert = ImmediateReport(
                        org_unit=p.unit,
                        category=category,
                        occurred_at=taken_at,
                        description=f"居家观察人员健康监测：体温 {temperature} °C",
                        persons_involved=case.person.masked_name,
                        waiting_unit=p.unit.parent,
                        filed_at=taken_at,
                    )
                    alerts.append(alert)
                checks.append(
                    HealthCheck(
                        case=case,
                        org_unit=p.unit,
                        taken_at=taken_at,
                        temperature=temperature,
                        out_of_range=out,
                        raised_alert=raised,
                        alert=alert if out else None,
                    )
                )
        ImmediateReport.objects.bulk_create(alerts, batch_size=BATCH_SIZE)  # the checks take their ids on save
        HealthCheck.objects.bulk_create(checks, batch_size=BATCH_SIZE)
        deliveries = [
            DeliveryRequest(
                org_unit=p.unit,
                person=case.person,
                case=case,
                note="蔬菜、生活用品",
                status=p.delivery,
                requested_at=now - dt.timedelta(hours=rng.randint(1, 30)),
                delivered_at=now if p.delivery == "delivered" else None,
            )
            for p, case in zip(planned, cases, strict=True)
            if p.delivery
        ]
        DeliveryRequest.objects.bulk_create(deliveries, batch_size=BATCH_SIZE)


def ensure_defaults() -> None:
    """The roles' groups, the observation reasons and the alert category: a flushed database has lost them."""
    from django.apps import apps

    from bastion.core.roles import roles_sync

    roles_sync()
    importlib.import_module("bastion.observation.migrations.0002_defaults").add_defaults(apps, None)


def account(username: str, role: str, unit: OrgUnit) -> User:
    from bastion.core.models import User
    from bastion.core.services.accounts import user_create

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return user_create(by=None, username=username, password=PASSWORD, role=role, scope_units=[unit])


@contextmanager
def pages_served() -> Iterator[None]:
    """The test client's host allowed, and static URLs without collectstatic's manifest (bench process only)."""
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=storages),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise: nothing collected here
        yield


def client_for(user: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: status {response.status_code}")
    return response


def page_queries(client: Client, url: str) -> list[str]:
    """The SQL of the queries one request of ``url`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return [query["sql"] for query in queries.captured_queries]


@dataclass
class Page:
    name: str
    label: str  # who asks
    scope: OrgUnit
    client: Client
    url: str
    cases: int  # active cases in the page's scope
    target: float | None = TARGET_MS  # None: measured for the record, not judged
    queries: list[list[str]] = field(default_factory=list)  # with FEW cases, then with all

    def constant_count(self) -> int:
        """The page's one query count; an AssertionError naming the odd queries if it grew with the cases."""
        few, many = self.queries
        if len(few) == len(many):
            return len(many)
        few_shapes, many_shapes = _shapes(few), _shapes(many)
        odd = (many_shapes - few_shapes) + (few_shapes - many_shapes)
        raise AssertionError(
            f"{self.name}: the number of queries depends on the number of cases ({len(few)} with {FEW} cases, "
            f"{len(many)} with {CASES:,}); queries in one run only: {sorted(odd)}"
        )


def _shapes(queries: list[str]) -> Counter[str]:
    """The queries by their first 100 characters: the table and the columns asked for, not the values."""
    return Counter(sql[:100] for sql in queries)


def profile(page: Page, top: int = 30) -> str:
    """The functions the page's request spends most time in, cumulative, as pstats prints them."""
    profiler = cProfile.Profile()
    profiler.runcall(get, page.client, page.url)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(top)
    return out.getvalue()


def run(
    database: str, scale: str, root: OrgUnit, repeat: int, report: Callable[[Page], None] | None = None
) -> list[dict[str, Any]]:
    """Write the cases below a county of ``root`` and time the pages; ``report`` sees each page once timed."""
    from django.urls import reverse
    from django.utils import timezone

    from bench.run import WARMUP, analyze, time_one

    ensure_defaults()
    county = pick_county(root)
    units = _base_units(county)
    now = timezone.now()
    planned = plan_cases(units, now)
    townships = {u.parent.pk: u.parent for u in units if u.parent is not None}
    per_township = Counter(p.unit.parent_id for p in planned)
    township = townships[max(townships, key=lambda pk: (per_township[pk], -pk))]
    planned = few_first(planned, township.pk)
    per_village = Counter(p.unit.pk for p in planned)
    first = {p.unit.pk: p.unit for p in planned[:FEW]}  # the village's page is counted with a case in it
    village = first[max(first, key=lambda pk: (per_village[pk], -pk))]
    doctor = account(DOCTOR_USER, "doctor", village)
    cadre = account(TOWNSHIP_USER, "township_cadre", township)
    admin = account(COUNTY_USER, "county_admin", county)
    overview, today = reverse("observation:overview"), reverse("observation:today")
    with pages_served():
        in_township = per_township[township.pk]
        pages = [
            Page(
                "observation_today_checks",
                "village doctor",
                village,
                client_for(doctor),
                today,
                per_village[village.pk],
            ),
            Page("observation_township_overview", "township cadre", township, client_for(cadre), overview, in_township),
            Page("observation_county_overview", "county HQ admin", county, client_for(admin), overview, CASES, None),
            Page("observation_today_checks_county", "county HQ admin", county, client_for(admin), today, CASES, None),
        ]
        start = time.perf_counter()
        write_cases(planned[:FEW], now)
        for page in pages:
            page.queries.append(page_queries(page.client, page.url))
        write_cases(planned[FEW:], now)
        print(
            f"  {database}: wrote {CASES:,} persons and cases, {sum(len(p.checks) for p in planned):,} checks "
            f"({sum(p.missed for p in planned):,} cases with a missed check, {sum(p.alert for p in planned)} with "
            f"an alert), {sum(p.delivery_pending for p in planned)} deliveries pending in {county.kind} "
            f"{county.name} in {time.perf_counter() - start:.1f} s"
        )
        analyze(database)
        results = []
        for page in pages:
            page.queries.append(page_queries(page.client, page.url))
            count = page.constant_count()
            figure = time_one(functools.partial(get, page.client, page.url), repeat)
            results.append(
                {
                    "name": page.name,
                    "database": database,
                    "scale": scale,
                    "figure": round(figure, 3),
                    "unit": "ms",
                    "baseline_figure": None,
                    "ratio": None,
                    "target_ratio": None,
                    "target_figure": page.target,
                    "note": f"GET {page.url} as a {page.label} of {page.scope.kind} {page.scope.name} "
                    f"({page.cases:,} active cases in scope, {CASES:,} in the county): {count} queries, as with "
                    f"{FEW} cases; median of {repeat} requests after {WARMUP} warm-up requests; "
                    + (f"target {page.target:g} ms" if page.target else "for the record, no target"),
                }
            )
            verdict = "no target" if page.target is None else "over" if figure > page.target else "within"
            print(f"  {database}: {page.name} {figure:.1f} ms, {count} queries ({verdict} {TARGET_MS:g} ms)")
            if report is not None:
                report(page)
    return results


def main(argv: list[str] | None = None) -> int:
    from bench.run import SQLITE_PATH, standalone_county

    parser = argparse.ArgumentParser(prog="python -m bench.observation", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print where each page's time goes (cProfile)")
    args = parser.parse_args(argv)
    root = standalone_county(parser, args.db, args.url, SQLITE_PATH)

    def show_profile(page: Page) -> None:
        print(f"\n--- {page.name} ---\n{profile(page)}")

    for item in run(args.db, "county", root, args.repeat, show_profile if args.profile else None):
        target = f"target {item['target_figure']:g} ms" if item["target_figure"] else "no target"
        print(f"  {item['name']}: {item['figure']} {item['unit']} ({target})")
        print(f"    {item['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
