"""Checkpoints load: passages registered per second through the API, against a trivial JSON endpoint.

``run(database, scale, root, repeat)`` prepares, in a county of ``root`` (``bench.observation.pick_county``):
one active post at a township, an account of role ``checkpoint_staff`` scoped to that township and
added to the post's staff, and an API token for it (``token_create``). It then starts
``gunicorn bastion.wsgi:application --workers 2`` on a free loopback port, with the environment of
this process (``bench.run.configure``) and ``bench.floor_settings`` (Bastion's, and the floor view),
waits for ``GET /api/v1/health`` and drives it with locust, headless, in a subprocess of its own (locust
patches the standard library with gevent, which must not happen in the process that holds Django's
connections), one ``FastHttpUser`` class per endpoint, no wait between requests:

- ``GET /api/v1/health`` (no database, no auth): the baseline;
- ``POST /api/v1/checkpoints/posts/{post_id}/passages`` with a bearer token, a fresh ``Idempotency-Key``
  (uuid4) per request and one of ``BODIES`` prepared bodies (valid ID numbers, phones and plates; half
  inbound from outside the county to one of its villages, which also writes an arrival, half outbound).

Each endpoint is loaded at ``STEPS`` users in turn, ``SECONDS`` each after a short warm-up; the step
kept is the one with the highest throughput whose p99 is at most ``TARGET_P99_MS`` (the first step if
none is). Entries:

- ``checkpoints_passage_throughput``: passages/s, against health requests/s; ratio target at least
  ``TARGET_RATIO`` (``higher_is_better``);
- ``checkpoints_passage_p99``: p99 in ms at the kept step, target ``TARGET_P99_MS``;
- ``checkpoints_passage_floor``: ``POST /bench/floor``, the passage's own statements replayed by a bare view
  (``bench.checkpoints_floor``), against health requests/s: the ceiling of the first entry, no target.

The notes give every step, p50, the CPU the load generator and the gunicorn workers took, and the
in-process cost of one request of each endpoint (Django's test client, no HTTP), for where time goes.

``python -m bench.checkpoints_load --db sqlite|postgres [--url URL] [--seconds S] [--steps 2,4,8]
[--profile]`` runs it alone on a county tree; ``--profile`` prints a cProfile of passages in-process.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.checkpoints_floor import FLOOR_PATH, STATEMENTS_ENV, record
from bench.residents import GIVEN, SURNAMES, id_number

if TYPE_CHECKING:
    from django.test import Client

    from bastion.checkpoints.models import Post
    from bastion.core.models import OrgUnit

WORKERS = 2
STEPS = (1, 2, 4, 8, 16)  # locust users (closed loop: each sends its next request when the last is answered)
SECONDS = 20  # per step
WARMUP_SECONDS = 3  # one run at the first step before the steps, for each endpoint
TARGET_RATIO = 0.5  # passages/s over health requests/s, at least
TARGET_P99_MS = 100.0
BODIES = 500
ID_OFFSET = 3_400_000  # ID numbers clear of bench.residents' and bench.observation's
SEED = 2020
STAFF_USER = "bench-load-checkpoint"
POST_NAME = "基准负载卡点"
OUTSIDE_CODE, OUTSIDE_REGION = "420102", "湖北省武汉市江岸区"
HEALTH_PATH = "/api/v1/health"
IN_PROCESS_REQUESTS = 200  # per endpoint, for the median in-process cost
MAX_FAILURE_SHARE = 0.001
SAMPLE_EVERY = 0.25  # s, CPU of the generator and the workers

LOCUSTFILE = '''\
"""Written by bench/checkpoints_load.py for one run; the token and the post come from the environment."""

import json
import os
import random
import uuid

from locust import FastHttpUser, constant, task

BODIES = json.loads(open(os.environ["BENCH_LOAD_BODIES"], encoding="utf-8").read())
PASSAGES = f"/api/v1/checkpoints/posts/{os.environ['BENCH_LOAD_POST']}/passages"
AUTHORIZATION = "Bearer " + os.environ["BENCH_LOAD_TOKEN"]


class HealthUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/api/v1/health", name="health")


class PassageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def passage(self):
        headers = {"Authorization": AUTHORIZATION, "Idempotency-Key": str(uuid.uuid4())}
        self.client.post(PASSAGES, json=random.choice(BODIES), headers=headers, name="passage")


class FloorUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def floor(self):
        self.client.post("/bench/floor", json=random.choice(BODIES), name="floor")
'''


@dataclass
class Step:
    users: int
    requests: int
    failures: int
    rps: float
    p50: float
    p99: float
    generator_share: float  # cores the locust process kept busy over the load (its last ``seconds``)
    server_share: float  # cores the gunicorn workers kept busy over the same window
    failure: str = ""  # the first failure locust recorded, if any

    def describe(self) -> str:
        busy = f"CPU: locust {self.generator_share:.0%}, gunicorn {self.server_share:.0%} of a core"
        return f"{self.users} users: {self.rps:.0f}/s, p50 {self.p50:g} ms, p99 {self.p99:g} ms ({busy})"


def passages_path(post_id: int) -> str:
    return f"/api/v1/checkpoints/posts/{post_id}/passages"


def route_exists() -> bool:
    """Whether the API routes the passage endpoint (it is written alongside this benchmark)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(passages_path(1))
    except Resolver404:
        return False
    return True


def prepare(root: OrgUnit) -> tuple[Post, str, list[dict[str, Any]]]:
    """The post, a token of its staff account, and ``BODIES`` request bodies for it."""
    from bastion.checkpoints.models import Post
    from bastion.core.services.accounts import token_create
    from bench.observation import _base_units, account, ensure_defaults, pick_county

    ensure_defaults()
    county = pick_county(root)
    villages = _base_units(county)
    township = villages[0].parent
    assert township is not None
    post, _created = Post.objects.get_or_create(
        org_unit=township, name=POST_NAME, defaults={"kind": Post.Kind.HIGHWAY_EXIT, "is_active": True}
    )
    staff = account(STAFF_USER, "checkpoint_staff", township)
    post.staff.add(staff)
    _token, key = token_create(by=staff, name="bench load")
    rng = random.Random(SEED)
    bodies = []
    for i in range(BODIES):
        inbound = i % 2 == 0
        bodies.append(
            {
                "direction": "in" if inbound else "out",
                "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                "id_number": id_number(i, ID_OFFSET),
                "phone": f"138{ID_OFFSET + i:08d}",
                "plate": f"新B{rng.randint(10000, 99999)}" if i % 3 == 0 else "",
                "from_region": OUTSIDE_REGION if inbound else "",
                "from_division_code": OUTSIDE_CODE if inbound else "",
                "to_unit_id": rng.choice(villages).pk if inbound else None,
                "to_outside": "" if inbound else "乌鲁木齐市",
                "purpose": rng.choice(("返乡", "务工", "探亲", "运输")),
                "temperature": f"36.{rng.randint(0, 9)}",
            }
        )
    return post, key, bodies


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(statements: Path) -> dict[str, str]:
    """This process's environment (``bench.run.configure`` set the database), loopback allowed, Bastion's
    settings with the floor view (``bench.floor_settings``) replaying the ``statements`` recorded."""
    environment = dict(os.environ)
    for name in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "BASTION_DATA_DIR"):
        if not environment.get(name):
            raise RuntimeError(f"{name} is not set: call bench.run.configure first")
    environment["DJANGO_SETTINGS_MODULE"] = "bench.floor_settings"
    environment[STATEMENTS_ENV] = str(statements)
    environment["BASTION_DEBUG"] = "0"
    environment["BASTION_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    return environment


def start_server(port: int, log: Path, statements: Path) -> subprocess.Popen[bytes]:
    from bench.run import PROJECT_DIR

    command = [sys.executable, "-m", "gunicorn", "bastion.wsgi:application", "--workers", str(WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "256"]
    with log.open("wb") as out:
        env = server_environment(statements)
        return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out)


def wait_until_up(server: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + HEALTH_PATH, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer {HEALTH_PATH} within {timeout:g} s:\n{log.read_text(errors='replace')}"
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; the master ends its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _cpu(process: Any) -> float:
    """CPU seconds of a ``psutil.Process`` so far; 0 once it is gone."""
    import psutil  # installed with locust

    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def sample_cpu(locust: subprocess.Popen[str], server: subprocess.Popen[bytes]) -> list[tuple[float, float, float]]:
    """(time, CPU seconds of locust, CPU seconds of the gunicorn workers) every ``SAMPLE_EVERY`` s until locust ends."""
    import psutil

    generator = psutil.Process(locust.pid)
    workers = psutil.Process(server.pid).children()
    samples = []
    while True:
        now = time.perf_counter()
        sample = (now, _cpu(generator), sum(_cpu(w) for w in workers))
        if locust.poll() is not None:
            return samples or [sample]
        samples.append(sample)
        time.sleep(SAMPLE_EVERY)


def _number(row: dict[str, str], column: str) -> float:
    value = row.get(column) or "0"
    return 0.0 if value == "N/A" else float(value)


def load(
    server: subprocess.Popen[bytes],
    base: str,
    user_class: str,
    users: int,
    seconds: int,
    workdir: Path,
    env: dict[str, str],
) -> Step:
    """One headless locust run of ``users`` ``user_class`` users for ``seconds``, all started at once."""
    from bench.run import PROJECT_DIR

    prefix = workdir / f"{user_class}-{users}"
    command = [sys.executable, "-m", "locust", "-f", str(workdir / "locustfile.py"), "--headless"]
    command += ["--host", base, "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "5"]
    command += ["--csv", str(prefix), "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0"]
    command += ["--skip-log-setup", user_class]
    with (workdir / "locust.log").open("w", encoding="utf-8") as log:
        locust = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        samples = sample_cpu(locust, server)
    with (workdir / "locust.log").open(encoding="utf-8") as log:
        output = log.read()
    end_at, generator_end, server_end = samples[-1]
    begin_at, generator_begin, server_begin = next(
        (s for s in reversed(samples) if s[0] <= end_at - seconds), samples[0]
    )
    window = end_at - begin_at
    if locust.returncode != 0:
        raise RuntimeError(f"locust exited with status {locust.returncode}:\n{output}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    row = rows["Aggregated"]
    failure = ""
    with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
        for first in csv.DictReader(failures):
            failure = f"{first['Method']} {first['Name']}: {first['Error']} ({first['Occurrences']} times)"
            break
    return Step(
        users=users,
        requests=int(_number(row, "Request Count")),
        failures=int(_number(row, "Failure Count")),
        rps=_number(row, "Requests/s"),
        p50=_number(row, "50%"),
        p99=_number(row, "99%"),
        generator_share=(generator_end - generator_begin) / window,
        server_share=(server_end - server_begin) / window,
        failure=failure,
    )


def pick(steps: list[Step]) -> Step:
    """The step with the highest throughput whose p99 is within the target; the first step if none is.

    Within is ``<=``, as ``python -m bench`` judges ``target_figure``; locust keeps times over 100 ms to 10 ms.
    """
    within = [s for s in steps if s.p99 <= TARGET_P99_MS]
    return max(within, key=lambda s: s.rps) if within else steps[0]


def step_up(
    server: subprocess.Popen[bytes],
    base: str,
    user_class: str,
    steps: tuple[int, ...],
    seconds: int,
    workdir: Path,
    env: dict[str, str],
    label: str,
) -> tuple[Step, list[Step]]:
    """Warm up, then load at each step in turn; stop after the first step whose p99 is over the target."""
    load(server, base, user_class, steps[0], WARMUP_SECONDS, workdir, env)
    done: list[Step] = []
    for users in steps:
        step = load(server, base, user_class, users, seconds, workdir, env)
        done.append(step)
        print(f"    {label} {step.describe()}" + (f", {step.failures} failed" if step.failures else ""))
        if step.failures > MAX_FAILURE_SHARE * max(step.requests, 1):
            raise AssertionError(f"{label}: {step.failures} of {step.requests} requests failed; first: {step.failure}")
        if step.p99 > TARGET_P99_MS:
            break  # more users only queue longer in front of the same two workers
    return pick(done), done


def in_process(client: Client, post: Post, key: str, bodies: list[dict[str, Any]], n: int) -> tuple[float, float]:
    """Median ms of one health request and of one passage through Django's test client (no HTTP, no gunicorn)."""
    health_ms, passage_ms = [], []
    for i in range(n):
        start = time.perf_counter()
        client.get(HEALTH_PATH)
        health_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        passage_request(client, post, key, bodies[i % len(bodies)])
        passage_ms.append((time.perf_counter() - start) * 1000)
    return statistics.median(health_ms), statistics.median(passage_ms)


def passage_request(client: Client, post: Post, key: str, body: dict[str, Any]) -> Any:
    response = client.post(
        passages_path(post.pk),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())},
    )
    if response.status_code not in (200, 201):
        raise AssertionError(
            f"POST {passages_path(post.pk)}: status {response.status_code}: {response.content[:500]!r}"
        )
    return response


def describe_queries(queries: list[str]) -> str:
    """``n statements, w writes (INSERT core_x, UPDATE core_y, ...)``."""
    writes = [q for q in queries if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    named = []
    for sql in writes:
        words = sql.replace('"', "").split()
        verb = words[0].upper()
        table = words[2] if verb in ("INSERT", "DELETE") else words[1]
        named.append(f"{verb} {table}")
    return f"{len(queries)} statements, {len(writes)} writes ({', '.join(named)})"


def profile(client: Client, post: Post, key: str, bodies: list[dict[str, Any]], n: int = 200, top: int = 40) -> str:
    """Where ``n`` passage requests spend their time in-process, as pstats prints it."""
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(n):
        passage_request(client, post, key, bodies[i % len(bodies)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(top)
    return out.getvalue()


def run(
    database: str,
    scale: str,
    root: OrgUnit,
    repeat: int,
    *,
    seconds: int = SECONDS,
    steps: tuple[int, ...] = STEPS,
    show_profile: bool = False,
) -> list[dict[str, Any]]:
    """Load the health and the passage endpoints through gunicorn; ``repeat`` is not used (the load runs for time)."""
    from django.db import connection
    from django.test import Client

    from bastion.checkpoints.models import Passage
    from bench.observation import pages_served
    from bench.run import BENCH_DATA_DIR, analyze

    del repeat
    if not route_exists():
        raise RuntimeError(f"no route for POST {passages_path(1)} in bastion.checkpoints.api: nothing to load")
    post, key, bodies = prepare(root)
    analyze(database)
    workdir = BENCH_DATA_DIR / "checkpoints_load"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "locustfile.py").write_text(LOCUSTFILE, encoding="utf-8")
    (workdir / "bodies.json").write_text(json.dumps(bodies, ensure_ascii=False), encoding="utf-8")
    with pages_served():
        client = Client()
        health_in_process, passage_in_process = in_process(client, post, key, bodies, IN_PROCESS_REQUESTS)
        statements = record(client, post, key, bodies[0], workdir / "floor.pickle")  # inbound: with an arrival
        queries = describe_queries([sql for sql, _params in statements])
        if show_profile:
            print(f"\n--- POST {passages_path(post.pk)}, in-process ---\n{profile(client, post, key, bodies)}")
    connection.close()  # SQLite: no lock held by this process while gunicorn writes

    env = {**os.environ, "BENCH_LOAD_BODIES": str(workdir / "bodies.json"), "BENCH_LOAD_POST": str(post.pk)}
    env["BENCH_LOAD_TOKEN"] = key
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_server(port, log, workdir / "floor.pickle")
    try:
        wait_until_up(server, base, log)
        print(f"  {database}: gunicorn ({WORKERS} workers) at {base}; locust steps {steps}, {seconds} s each")
        health, health_steps = step_up(server, base, "HealthUser", steps, seconds, workdir, env, "health")
        before = Passage.objects.filter(post=post).count()
        passage, passage_steps = step_up(server, base, "PassageUser", steps, seconds, workdir, env, "passages")
        written = Passage.objects.filter(post=post).count() - before
        floor, floor_steps = step_up(server, base, "FloorUser", steps, seconds, workdir, env, "floor")
    finally:
        stop_server(server)
    answered = sum(s.requests - s.failures for s in passage_steps)
    if written < answered:  # the warm-up wrote some more
        raise AssertionError(f"{answered:,} passage requests answered but only {written:,} passages written")

    ratio = passage.rps / health.rps if health.rps else 0.0
    mix = (
        f"{BODIES} bodies: half inbound from {OUTSIDE_CODE} to a village of the county (an arrival each), half "
        "outbound; fresh Idempotency-Key each"
    )
    cpu = (
        f"CPU over the last {seconds} s of each step; locust (one process, FastHttpUser, no wait) took "
        f"{passage.generator_share:.0%} of a core at the kept passage step and {health.generator_share:.0%} at the "
        f"kept health step, of 2 cores"
    )
    steps_note = (
        f"steps, {seconds} s each: health [{'; '.join(s.describe() for s in health_steps)}]; "
        f"passages [{'; '.join(s.describe() for s in passage_steps)}]; "
        f"floor [{'; '.join(s.describe() for s in floor_steps)}]; kept: the highest throughput with p99 "
        f"at most {TARGET_P99_MS:g} ms"
    )
    in_process_note = (
        f"in-process (test client, no HTTP): health {health_in_process:.2f} ms, passage {passage_in_process:.2f} ms "
        f"(median of {IN_PROCESS_REQUESTS}); an inbound passage: {queries}"
    )
    load_average = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    common = f"gunicorn {WORKERS} sync workers on loopback, load average at the end {load_average}; {steps_note}; "
    common += f"{cpu}; {in_process_note}; {mix}"
    return [
        {
            "name": "checkpoints_passage_throughput",
            "database": database,
            "scale": scale,
            "figure": round(passage.rps, 1),
            "unit": "req/s",
            "baseline_figure": round(health.rps, 1),
            "ratio": round(ratio, 2),
            "target_ratio": TARGET_RATIO,
            "higher_is_better": True,
            "note": f"POST passages/s at {passage.users} users (p50 {passage.p50:g} ms, p99 {passage.p99:g} ms) "
            f"against GET {HEALTH_PATH} at {health.users} users (p50 {health.p50:g} ms, p99 {health.p99:g} ms); "
            f"target at least {TARGET_RATIO:g}; {common}",
        },
        {
            "name": "checkpoints_passage_p99",
            "database": database,
            "scale": scale,
            "figure": passage.p99,
            "unit": "ms",
            "baseline_figure": None,
            "ratio": None,
            "target_ratio": None,
            "target_figure": TARGET_P99_MS,
            "note": f"p99 of POST passages at {passage.users} users ({passage.rps:.0f}/s), p50 {passage.p50:g} ms; "
            f"health at {health.users} users: p50 {health.p50:g} ms, p99 {health.p99:g} ms; {written:,} passages "
            f"written under load; {common}",
        },
        {
            "name": "checkpoints_passage_floor",
            "database": database,
            "scale": scale,
            "figure": round(floor.rps, 1),
            "unit": "req/s",
            "baseline_figure": round(health.rps, 1),
            "ratio": round(floor.rps / health.rps if health.rps else 0.0, 2),
            "target_ratio": None,
            "higher_is_better": True,
            "note": f"the most a passage could reach: its own {queries}, replayed by a bare Django view through "
            f"the same server (bench.checkpoints_floor: no validation, encryption or ORM), POST {FLOOR_PATH} "
            f"at {floor.users} users (p50 {floor.p50:g} ms, p99 {floor.p99:g} ms) against health; {common}",
        },
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.run import SQLITE_PATH, standalone_county

    parser = argparse.ArgumentParser(prog="python -m bench.checkpoints_load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--seconds", type=int, default=SECONDS, help=f"per step (default {SECONDS})")
    parser.add_argument("--steps", default=",".join(map(str, STEPS)), help="locust users per step, comma-separated")
    parser.add_argument("--profile", action="store_true", help="print where a passage request's time goes (cProfile)")
    args = parser.parse_args(argv)
    steps = tuple(int(n) for n in args.steps.split(","))
    root = standalone_county(parser, args.db, args.url, SQLITE_PATH)
    for item in run(args.db, "county", root, 0, seconds=args.seconds, steps=steps, show_profile=args.profile):
        if item.get("target_figure") is not None:
            verdict = "over" if item["figure"] > item["target_figure"] else "within"
            print(f"  {item['name']}: {item['figure']} {item['unit']} ({verdict} {item['target_figure']:g})")
        else:
            verdict = "no target"
            if item["target_ratio"] is not None:
                meets = item["ratio"] >= item["target_ratio"]
                verdict = f"{'meets' if meets else 'misses'} at least {item['target_ratio']:g}"
            print(
                f"  {item['name']}: {item['figure']} {item['unit']} against {item['baseline_figure']}, "
                f"ratio {item['ratio']} ({verdict})"
            )
        print(f"    {item['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
