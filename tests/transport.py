"""Real transports on loopback for tests: an SMTP server and a group-robot webhook server.

Import the fixtures into the test module that uses them. Both servers bind
port 0 (or a socket bound to it) so parallel workers never collide, record what
they receive, and are stopped when the test ends. Delivery is awaited with
``wait_until``, which polls briefly and gives up after a few seconds.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pytest_django import Settings

TIMEOUT = 5.0


def wait_until(condition: Callable[[], bool], *, timeout: float = TIMEOUT, what: str = "the condition") -> None:
    """Poll ``condition`` every few milliseconds; fail the test if it is still false after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.01)


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


# --- mail -----------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return str(self.message.get_content())


class _Collector:
    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(
            ReceivedMail(
                mail_from=str(envelope.mail_from),
                rcpt_tos=[str(rcpt) for rcpt in envelope.rcpt_tos],
                message=message,
            )
        )
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """Serves on a socket bound beforehand, so the port is known and nobody else can take it."""

    def __init__(self, handler: _Collector, sock: socket.socket) -> None:
        # A fixed server name spares a DNS look-up of this machine's name.
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], server_hostname="bastion-test")
        self._sock = sock

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[ReceivedMail]

    def wait_for(self, count: int, *, timeout: float = TIMEOUT) -> list[ReceivedMail]:
        """Wait until at least ``count`` mails have arrived; returns all of them."""
        wait_until(lambda: len(self.messages) >= count, timeout=timeout, what=f"{count} mails")
        return list(self.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.messages if address in mail.rcpt_tos]


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback; Django's mail settings point at it for the test."""
    collector = _Collector()
    sock = _bound_socket()
    controller = _BoundController(collector, sock)
    controller.ready_timeout = TIMEOUT
    try:
        controller.start()
    except BaseException:
        sock.close()
        controller.loop.close()
        raise
    # pytest-django installs the locmem backend for every test; this test wants the wire.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = TIMEOUT
    try:
        yield SmtpServer(host="127.0.0.1", port=controller.port, messages=collector.messages)
    finally:
        controller.stop()


# --- webhooks -------------------------------------------------------------------------------------


@dataclass
class ReceivedPost:
    path: str
    headers: dict[str, str]
    json: Any


@dataclass
class WebhookServer:
    host: str
    port: int
    received: list[ReceivedPost] = field(default_factory=list)
    # Paths that answer with another status than 200, as a failing robot would.
    statuses: dict[str, int] = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def respond(self, path: str, status: int) -> None:
        self.statuses[path] = status

    def at(self, path: str) -> list[ReceivedPost]:
        return [post for post in self.received if post.path == path]

    def wait_for(self, count: int, *, path: str | None = None, timeout: float = TIMEOUT) -> list[ReceivedPost]:
        """Wait until at least ``count`` posts (to ``path``, if given) have arrived; returns them."""

        def posts() -> list[ReceivedPost]:
            return self.received if path is None else self.at(path)

        wait_until(lambda: len(posts()) >= count, timeout=timeout, what=f"{count} posts to {path or 'any path'}")
        return list(posts())


def _handler_for(server: WebhookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = TIMEOUT  # a stalled client must not hold the server past the test

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                payload: Any = json.loads(raw.decode("utf-8"))
            except ValueError:
                payload = None
            server.received.append(ReceivedPost(path=self.path, headers=dict(self.headers.items()), json=payload))
            status = server.statuses.get(self.path, 200)
            body = json.dumps({"errcode": 0 if status == 200 else 1, "errmsg": "ok" if status == 200 else "fail"})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    return Handler


@pytest.fixture
def webhook_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookServer]:
    """A real HTTP server on loopback that records every POST, as a group robot would receive it."""
    # A proxy configured in the environment must not swallow loopback requests.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    recorder = WebhookServer(host="127.0.0.1", port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(recorder))
    httpd.daemon_threads = True
    recorder.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=TIMEOUT)


@pytest.fixture
def unreachable_url() -> Iterator[str]:
    """An address on loopback where nothing listens: the port is held bound, so connections are refused."""
    sock = _bound_socket()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/robot/send?key=gone"
    finally:
        sock.close()
