"""Fixtures of the web tests: the small world on each backend, an app around it, sign-ins.

``world_url`` is one SQLite world per test session and worker, with its business dates closed
(page tests read it; tests that write use ``api`` instead, which builds a fresh world on each
backend without closing dates). Every app gets a fixed clock (:data:`factories.NOW`) and no
webhook timer.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.web.factories import NOW, PASSWORD, World, make_world

from fairdebt.db import make_engine, upgrade
from fairdebt.web.app import WebConfig, create_app


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    folder = tmp_path_factory.mktemp("world")
    path = folder / "world.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    world = make_world(engine)
    engine.dispose()
    return path, world


@pytest.fixture
def world_url(world_template: tuple[Path, World], tmp_path: Path) -> str:
    """A private copy of the closed-days world, so a test may write to it."""
    source, _ = world_template
    target = tmp_path / "world.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def world(world_template: tuple[Path, World]) -> World:
    return world_template[1]


class Hooks:
    """A webhook receiver in memory: every delivery the app sends, as httpx saw it."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status)


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


def make_client(url: str, hooks: Hooks | None = None, **changes: object) -> TestClient:
    config = WebConfig(
        database_url=url,
        clock=lambda: NOW,
        deliver_every=None,
        webhook_transport=httpx.MockTransport(hooks or Hooks()),
        secret_key="test-secret-key-for-sessions-0123456789",
    )
    for name, value in changes.items():
        setattr(config, name, value)
    return TestClient(create_app(config))


@pytest.fixture
def pages(world_url: str, hooks: Hooks) -> Iterator[TestClient]:
    """A client of the closed-days world (SQLite)."""
    with make_client(world_url, hooks) as client:
        yield client


@pytest.fixture
def api_world(engine: Engine) -> World:
    return make_world(engine, close_days=False)


@pytest.fixture
def api(engine: Engine, api_world: World, hooks: Hooks) -> Iterator[TestClient]:
    """A client of a fresh world on each backend (no closed dates)."""
    with make_client(engine.url.render_as_string(hide_password=False), hooks) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf_token": token, "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


SignIn = Callable[[TestClient, str], None]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


__all__ = ["Hooks", "bearer", "csrf_of", "make_client", "sign_in"]
