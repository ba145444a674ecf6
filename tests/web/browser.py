"""A live server and one Chromium for the browser tests: Debian's chromium driven by Playwright.

The server is the real app under uvicorn in a thread, on a port the system picks at run time
(several people run the suite on one machine), over a private copy of the test world. The
browser is ``/usr/bin/chromium`` (``apt-get install chromium``; nothing is downloaded).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from tests.web.conftest import Hooks
from tests.web.factories import NOW

from fairdebt.web.app import WebConfig, create_app

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "SCREENS", "free_port", "live_server"]

CHROMIUM = os.environ.get("FAIRDEBT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Where `make screens` asks the journeys to save their screenshots (unset: none are taken).
SCREENS = os.environ.get("FAIRDEBT_SCREENS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(template: Path, folder: Path) -> Iterator[str]:
    """The app on a copy of ``template`` at ``http://127.0.0.1:PORT``, stopped on exit."""
    database = folder / "live.db"
    shutil.copyfile(template, database)
    config = WebConfig(
        database_url=f"sqlite:///{database}",
        clock=lambda: NOW,
        deliver_every=None,
        webhook_transport=httpx.MockTransport(Hooks()),
        secret_key="browser-test-secret-key-0123456789",
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, log_level="warning", ws="none"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
