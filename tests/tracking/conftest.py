"""Fixtures of the tracking tests: callers (browser with consent, channel system), a private Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client
from django.utils import timezone

from portal.apikeys.tokens import issue
from targeting.tracking import buffer
from targeting.tracking.visitors import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from tests.targeting.factories import UserFactory

REDIS_SERVER = "/usr/bin/redis-server"
VID = "b" * 32


@pytest.fixture(autouse=True)
def _database_buffer(settings):
    """By default events go straight to the database; Redis tests opt in with ``redis_server``."""
    settings.TRACKING_REDIS_URL = ""
    settings.TRACKING_STREAM_KEY = f"test:tracking:{uuid.uuid4().hex}"
    buffer.reset()
    yield
    buffer.reset()


def signed_vid(visitor_id: str) -> str:
    return signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT).sign(visitor_id)


def browser_client(visitor_id: str | None = VID, consent: str = "necessary,analytics") -> Client:
    """A browser that agreed to analytics and carries its signed visitor cookie."""
    client = Client()
    if consent:
        client.cookies["consent"] = consent
    if visitor_id:
        client.cookies[VISITOR_COOKIE] = signed_vid(visitor_id)
    return client


def event(type_: str = "page_view", at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    properties = fields.pop("properties", None)
    if properties is None:
        properties = {"path": "/products/"} if type_ == "page_view" else {}
    return {
        "id": fields.pop("id", uuid.uuid4().hex),
        "type": type_,
        "at": (at or timezone.now()).isoformat(),
        "properties": properties,
        **fields,
    }


def post_batch(client: Client, events: list[dict[str, Any]], **extra: Any) -> Any:
    import json

    return client.post(
        "/api/v1/events",
        data=json.dumps({"events": events}),
        content_type=extra.pop("content_type", "application/json"),
        **extra,
    )


@pytest.fixture
def browser(db) -> Client:
    return browser_client()


@pytest.fixture
def channel_system(db) -> tuple[Any, str]:
    """A channel system's user (group "Channel systems") and its API token."""
    user = UserFactory(username="atm-switch")
    user.groups.add(Group.objects.get(name="Channel systems"))
    return user, f"Token {issue(user, name='channel').key}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server with an append-only file, so a restart keeps the stream."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path, settings) -> Iterator[RedisServer]:
    """A real redis-server of this test alone, wired in as the event buffer."""
    if not (os.path.exists(REDIS_SERVER) or shutil.which("redis-server")):
        reason = f"redis-server not installed at {REDIS_SERVER}"
        print(reason)
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    settings.TRACKING_REDIS_URL = server.url
    buffer.reset()
    yield server
    server.kill()
    buffer.reset()
