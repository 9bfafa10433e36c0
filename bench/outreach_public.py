"""Outreach public page: the median latency of a village's public notice page under load, against a trivial endpoint.

``run(database, scale, root, repeat)`` prepares, in a county of ``root`` (``bench.observation.pick_county``),
``NOTICES`` current notices shown on the page of its first village: a third each published by the county, the
village's township and the village itself, every one in Chinese and Kazakh (Arabic script), one in three in Uyghur
too, made through ``notice_create``. It starts ``gunicorn bastion.wsgi:application --workers 2`` on a free loopback
port (``bench.checkpoints_load.start_server``), checks that the page is cacheable (``Cache-Control: public`` with a
max-age, an ETag, no ``Vary: Cookie``, no cookie set, 304 to a conditional GET), and drives it with locust,
headless, in a subprocess (``bench.checkpoints_load.load``), ``FastHttpUser``, no wait between requests:

- ``GET /api/v1/health`` (no database, no auth): the baseline;
- ``GET /outreach/n/{village_id}/?lang=…`` (Chinese, Kazakh or Uyghur at random), never conditional: every request
  renders the page (a phone that has not seen it yet);
- for the note, the same page with ``If-None-Match``: the 304 a returning phone gets.

Each is loaded at ``STEPS`` users in turn, ``SECONDS`` each after a short warm-up. Entries, at the last step
(``STEPS[-1]`` concurrent readers, more than the two workers serve at once, so queueing is included):

- ``outreach_public_page_p50``: the page's median ms, target ``TARGET_P50_MS`` (``target_figure``); the baseline
  is the health endpoint's median at the same step;
- ``outreach_public_page_throughput``: pages/s against health requests/s (``higher_is_better``, no target).

``python -m bench.outreach_public --db sqlite|postgres [--url URL] [--seconds S] [--steps 1,4,8]`` runs it alone
on a county tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from bastion.core.models import OrgUnit

NOTICES = 30
STEPS = (1, 4, 8)
SECONDS = 15
WARMUP_SECONDS = 3
TARGET_P50_MS = 50.0
AUDIENCE = "基准公开页"  # marks the benchmark's notices, removed before each run
LANGUAGES = ("zh-hans", "kk-arab", "ug")
IN_PROCESS_REQUESTS = 200
MAX_FAILURE_SHARE = 0.001

LOCUSTFILE = '''\
"""Written by bench/outreach_public.py for one run; the page and its ETag come from the environment."""

import os
import random

from locust import FastHttpUser, constant, task

PAGE = os.environ["BENCH_PUBLIC_PAGE"]
ETAG = os.environ["BENCH_PUBLIC_ETAG"]
LANGUAGES = ("", "?lang=kk-arab", "?lang=ug")


class HealthUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/api/v1/health", name="health")


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        self.client.get(PAGE + random.choice(LANGUAGES), name="public page")


class RevalidateUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def revalidate(self):
        with self.client.get(PAGE, headers={"If-None-Match": ETAG}, name="304", catch_response=True) as response:
            if response.status_code == 304:
                response.success()
            else:
                response.failure(f"status {response.status_code}, not 304")
'''


def _texts(i: int) -> dict[str, dict[str, str]]:
    texts = {
        "zh-hans": {
            "title": f"致湖北返乡人员的一封信（第{i + 1}号）",
            "body": "各位返乡的乡亲：\n\n请您主动向村委会报告，居家观察十四天，每天测量体温。\n\n"
            "如有发热、咳嗽、乏力，请及时到村卫生室就诊，不要乘坐公共交通工具。" * 2,
        },
        "kk-arab": {
            "title": f"حۋبەيدەن قايتقاندارعا حات ({i + 1})",
            "body": "قۇرمەتتى اعايىن!\n\nاۋىل كومىتەتىنە ءوزىڭىز حابارلاڭىز، ون ءتورت كۇن ۇيدە بولىڭىز." * 2,
        },
    }
    if i % 3 == 0:
        texts["ug"] = {
            "title": f"خۇبېيدىن قايتقانلارغا خەت ({i + 1})",
            "body": "ھۆرمەتلىك يۇرتداشلار!\n\nكەنت كومىتېتىغا ئۆزىڭىز مەلۇم قىلىڭ، ئون تۆت كۈن ئۆيدە تۇرۇڭ.",
        }
    return texts


def prepare(root: OrgUnit) -> OrgUnit:
    """The village whose page is loaded, with ``NOTICES`` current notices of it and the units above it."""
    import datetime as dt

    from django.utils import timezone

    from bastion.outreach.models import Notice
    from bastion.outreach.services.notices import notice_create
    from bench.observation import _base_units, ensure_defaults, pick_county

    ensure_defaults()
    county = pick_county(root)
    village = _base_units(county)[0]
    township = village.parent
    assert township is not None
    Notice.objects.filter(audience=AUDIENCE).delete()
    publishers = (county, township, village)
    now = timezone.now()
    for i in range(NOTICES):
        notice_create(
            by=None,
            org_unit=publishers[i % 3],
            texts=_texts(i),
            audience=AUDIENCE,
            publish_at=now - dt.timedelta(hours=NOTICES - i),
        )
    return village


def page_path(village: OrgUnit) -> str:
    from django.urls import reverse

    return reverse("outreach:public_unit", args=[village.pk])


def cacheability(base: str, path: str) -> tuple[bool, str, str]:
    """(cacheable, what the headers say, the ETag) of the page as gunicorn serves it."""
    with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310 (loopback)
        headers = response.headers
        status = response.status
    etag = headers.get("ETag", "")
    problems = []
    cache_control = headers.get("Cache-Control", "")
    if status != 200:
        problems.append(f"status {status}")
    if "public" not in cache_control or "max-age" not in cache_control:
        problems.append(f"Cache-Control {cache_control!r}")
    if not etag or not headers.get("Last-Modified"):
        problems.append("no ETag or Last-Modified")
    if "cookie" in headers.get("Vary", "").lower():
        problems.append(f"Vary {headers.get('Vary')!r}")
    if headers.get("Set-Cookie"):
        problems.append("sets a cookie")
    request = urllib.request.Request(base + path, headers={"If-None-Match": etag})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as again:  # noqa: S310 (loopback)
            problems.append(f"conditional GET answered {again.status}, not 304")
    except urllib.error.HTTPError as exc:
        if exc.code != 304:
            problems.append(f"conditional GET answered {exc.code}, not 304")
    said = (
        f"Cache-Control: {cache_control}; Vary: {headers.get('Vary', '')}; ETag and Last-Modified; 304 on If-None-Match"
    )
    return not problems, "; ".join(problems) if problems else said, etag


def in_process(client: Client, path: str, n: int) -> tuple[float, float, int]:
    """Median ms of health and of the page through Django's test client (no HTTP), and the page's queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    health_ms, page_ms = [], []
    for i in range(n):
        start = time.perf_counter()
        client.get("/api/v1/health")
        health_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        response = client.get(path, {"lang": LANGUAGES[i % len(LANGUAGES)]})
        page_ms.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise AssertionError(f"GET {path}: status {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(health_ms), statistics.median(page_ms), len(queries.captured_queries)


def run(
    database: str, scale: str, root: OrgUnit, repeat: int, *, seconds: int = SECONDS, steps: tuple[int, ...] = STEPS
) -> list[dict[str, Any]]:
    """Load the health endpoint and the public page through gunicorn; ``repeat`` is not used (the load runs for
    time)."""
    from django.db import connection
    from django.test import Client

    from bench.checkpoints_load import Step, free_port, load, start_server, stop_server, wait_until_up
    from bench.observation import pages_served
    from bench.run import BENCH_DATA_DIR, analyze

    del repeat
    village = prepare(root)
    analyze(database)
    path = page_path(village)
    with pages_served():
        health_in_process, page_in_process, queries = in_process(Client(), path, IN_PROCESS_REQUESTS)
    connection.close()

    workdir = BENCH_DATA_DIR / "outreach_public"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "locustfile.py").write_text(LOCUSTFILE, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_server(port, log)

    def step_through(user_class: str, label: str, env: dict[str, str]) -> list[Step]:
        load(server, base, user_class, steps[0], WARMUP_SECONDS, workdir, env)
        done = []
        for users in steps:
            step = load(server, base, user_class, users, seconds, workdir, env)
            print(f"    {label} {step.describe()}" + (f", {step.failures} failed" if step.failures else ""))
            if step.failures > MAX_FAILURE_SHARE * max(step.requests, 1):
                raise AssertionError(f"{label}: {step.failures} of {step.requests} failed; first: {step.failure}")
            done.append(step)
        return done

    try:
        wait_until_up(server, base, log)
        cacheable, cache_note, etag = cacheability(base, path)
        if not cacheable:
            raise AssertionError(f"GET {path} is not cacheable: {cache_note}")
        env = {**os.environ, "BENCH_PUBLIC_PAGE": path, "BENCH_PUBLIC_ETAG": etag}
        print(f"  {database}: gunicorn (2 workers) at {base}; locust steps {steps}, {seconds} s each; {path}")
        health_steps = step_through("HealthUser", "health", env)
        page_steps = step_through("PageUser", "public page", env)
        revalidate = load(server, base, "RevalidateUser", steps[-1], seconds, workdir, env)
        print(f"    304 {revalidate.describe()}")
    finally:
        stop_server(server)

    health, page = health_steps[-1], page_steps[-1]
    ratio = page.p50 / health.p50 if health.p50 else None
    steps_note = (
        f"steps, {seconds} s each: health [{'; '.join(s.describe() for s in health_steps)}]; public page "
        f"[{'; '.join(s.describe() for s in page_steps)}]; 304 to If-None-Match at {revalidate.users} users: "
        f"{revalidate.rps:.0f}/s, p50 {revalidate.p50:g} ms, p99 {revalidate.p99:g} ms"
    )
    data = (
        f"the page of village {village.name}: {NOTICES} current notices (a third each of the county, the township "
        f"and the village), Chinese and Kazakh, one in three Uyghur too; ?lang= Chinese, Kazakh or Uyghur at random"
    )
    in_process_note = (
        f"in-process (test client, no HTTP): health {health_in_process:.2f} ms, page {page_in_process:.2f} ms "
        f"(median of {IN_PROCESS_REQUESTS}), {queries} queries"
    )
    load_average = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    common = (
        f"cacheable: yes ({cache_note}); gunicorn 2 sync workers on loopback, locust one process, FastHttpUser, "
        f"no wait; load average at the end {load_average}; {steps_note}; {in_process_note}; {data}"
    )
    return [
        {
            "name": "outreach_public_page_p50",
            "database": database,
            "scale": scale,
            "figure": page.p50,
            "unit": "ms",
            "baseline_figure": health.p50,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target_ratio": None,
            "target_figure": TARGET_P50_MS,
            "note": f"median ms of GET {path}?lang=… at {page.users} users ({page.rps:.0f}/s, p99 {page.p99:g} ms) "
            f"against GET /api/v1/health at {health.users} users (p50 {health.p50:g} ms, {health.rps:.0f}/s); "
            f"target {TARGET_P50_MS:g} ms; {common}",
        },
        {
            "name": "outreach_public_page_throughput",
            "database": database,
            "scale": scale,
            "figure": round(page.rps, 1),
            "unit": "req/s",
            "baseline_figure": round(health.rps, 1),
            "ratio": round(page.rps / health.rps, 2) if health.rps else 0.0,
            "target_ratio": None,
            "higher_is_better": True,
            "note": f"public pages/s at {page.users} users against health requests/s at {health.users} users; "
            f"no target (the latency is judged); {common}",
        },
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.run import SQLITE_PATH, standalone_county

    parser = argparse.ArgumentParser(prog="python -m bench.outreach_public", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--seconds", type=int, default=SECONDS, help=f"per step (default {SECONDS})")
    parser.add_argument("--steps", default=",".join(map(str, STEPS)), help="locust users per step, comma-separated")
    parser.add_argument("--out", type=Path, help="also write the entries here as JSON")
    args = parser.parse_args(argv)
    steps = tuple(int(n) for n in args.steps.split(","))
    root = standalone_county(parser, args.db, args.url, SQLITE_PATH)
    entries = run(args.db, "county", root, 0, seconds=args.seconds, steps=steps)
    for item in entries:
        if item.get("target_figure") is not None:
            verdict = "over" if item["figure"] > item["target_figure"] else "within"
            print(f"  {item['name']}: {item['figure']} {item['unit']} ({verdict} {item['target_figure']:g})")
        else:
            print(f"  {item['name']}: {item['figure']} {item['unit']} against {item['baseline_figure']}")
        print(f"    {item['note']}")
    if args.out:
        args.out.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
