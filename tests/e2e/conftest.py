"""Browser tests: Playwright (sync API) drives Debian's chromium against pytest-django's live server.

Run with ``make e2e`` or::

    .venv/bin/pytest tests/e2e -o addopts="" -p no:cacheprovider -q --ds=bastion.test_settings

CI installs the browser with ``.ci/install-browser.sh``; Playwright never downloads one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# to touch the database from fixtures running in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "A-good-long-passphrase-2020"  # tests/factories.py gives every account this one
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

if not CHROMIUM.exists():  # pragma: no cover - CI installs it
    pytest.skip(
        f"{CHROMIUM} is missing: run .ci/install-browser.sh (apt chromium + CJK fonts) to run the browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _join_request_threads(timeout: float = 5.0) -> None:
    """Let the live server's request threads finish before it stops sharing the in-memory database.

    Chromium keeps connections alive; when it closes them, each request thread closes its database
    connection. Should that happen after ``live_server`` stopped sharing the connection between
    threads, Django raises "DatabaseWrapper objects created in a thread can only be used in that
    same thread" and the last test fails on an unhandled thread exception.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[Browser]:
    # Depending on live_server makes pytest close the browser before it stops the server.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    _join_request_threads()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (separate cookie jars) on the live server; a Chinese browser by default.

    A test fails when a page throws an uncaught JavaScript error or the server answers 5xx,
    htmx requests included.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def factory(*, viewport: dict[str, int] | None = None, locale: str = "zh-CN") -> BrowserContext:
        phone = viewport == PHONE
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale=locale,
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda error: problems.append(f"JavaScript error: {error.error}"))
        context.on("response", on_response)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(viewport=PHONE).new_page()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the real login form and wait for the page it leads to."""

    def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/accounts/login/" not in page.url, f"sign-in as {username} failed, still on {page.url}"

    return sign_in
