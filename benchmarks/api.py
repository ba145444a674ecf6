"""HTTP speed: the gate endpoint (requests/s, p99 over 127.0.0.1) and the account page's p95, on
the demo database.

Run from the project root after ``make demo`` (or point ``--database`` at any fairdebt db)::

    .venv/bin/python benchmarks/api.py
    .venv/bin/python benchmarks/api.py --database sqlite:///fairdebt-demo.db --requests 2000

It starts ``fairdebt serve`` in its own process on a free port of 127.0.0.1 (so the client
does not share the server's interpreter), creates a dialer and a supervisor if the database has
none (``fairdebt users add``), then times sequential keep-alive requests:

* ``POST /v1/gate/check`` with one attempt (a call at a random minute of the day, a history of
  0 to 8 earlier events), each answered and written to the audit log, once the server says
  at ``/healthz`` that its start-up warm-up is over;
* ``GET /accounts/{id}`` for random loans, signed in as the supervisor (the page reads the
  loan, schedule, payments, contacts, promises, plans, complaints, asks the gate twice and
  audits the read).

The baselines, in this process, are the same work without HTTP: :func:`check` on the same
attempts, and :func:`fairdebt.web.pages.work.read_account` on the same loans. Floors (issue
13): gate p99 <= 10 ms over HTTP; account page p95 <= 200 ms. Writes
benchmarks/results/api.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.cli.compliance import check_line
from fairdebt.compliance.packs import get_pack
from fairdebt.db import make_engine, upgrade
from fairdebt.models import AppUser, Loan
from fairdebt.users import Role, add_user, issue_token

PASSWORD = "bench-supervisor-pw"
NOW = dt.datetime.now(dt.UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def attempt_line(rng: random.Random, i: int) -> dict[str, object]:
    day = dt.datetime(2025, 6, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    at = day + dt.timedelta(minutes=rng.randrange(24 * 60))
    history = [
        {
            "at": (at - dt.timedelta(hours=rng.randrange(1, 160))).isoformat(),
            "channel": rng.choice(["call", "sms"]),
            "outcome": rng.choice(["no_answer", "connected", "delivered", "busy"]),
            "address": "+8613800000001",
        }
        for _ in range(rng.randrange(0, 9))
    ]
    return {
        "id": f"bench-{i}",
        "debtor": {"timezone": "Asia/Shanghai"},
        "history": history,
        "attempt": {"at": at.isoformat(), "channel": "call", "address": "+8613800000001"},
    }


def users(url: str) -> tuple[str, str]:
    """A dialer token and a supervisor name (created if absent) on the database."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        supervisor = session.scalar(select(AppUser).where(AppUser.name == "bench-supervisor"))
        if supervisor is None:
            add_user(
                session,
                name="bench-supervisor",
                role=Role.SUPERVISOR,
                password=PASSWORD,
                actor="bench",
                at=NOW,
            )
        dialer = session.scalar(select(AppUser).where(AppUser.name == "bench-dialer"))
        if dialer is None:
            dialer = add_user(session, name="bench-dialer", role=Role.DIALER, actor="bench", at=NOW)
        token = issue_token(session, user_id=dialer.id, actor="bench", at=NOW)
    engine.dispose()
    return token, "bench-supervisor"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///fairdebt-demo.db")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--out", default="benchmarks/results/api.md")
    args = parser.parse_args()
    url = args.database
    token, supervisor = users(url)
    engine = make_engine(url)
    with Session(engine) as session:
        loans = session.scalar(select(func.count()).select_from(Loan)) or 0
        ids = list(session.scalars(select(Loan.id).order_by(Loan.id)))
    rng = random.Random(13)
    lines = [attempt_line(rng, i) for i in range(args.requests)]
    pages = [rng.choice(ids) for _ in range(args.pages)]

    port = free_port()
    env = {**os.environ, "FAIRDEBT_SECRET_KEY": "bench-secret-key-0123456789abcdef"}
    server = subprocess.Popen(
        [sys.executable, "-m", "fairdebt", "serve", "--database", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            # the server computes the portfolio's figures in a thread at start-up; timing
            # requests while it runs would measure that thread (it holds the interpreter)
            while not client.get("/healthz").json()["warm"]:
                if time.monotonic() > deadline + 600:
                    raise SystemExit("the server's warm-up did not finish")
                time.sleep(0.5)
            headers = {"Authorization": f"Bearer {token}"}
            for line in lines[:50]:  # warm up: imports, caches, the first connections
                client.post("/v1/gate/check", json=line, headers=headers)
            gate: list[float] = []
            began = time.perf_counter()
            for line in lines:
                t0 = time.perf_counter()
                answer = client.post("/v1/gate/check", json=line, headers=headers)
                gate.append(time.perf_counter() - t0)
                assert answer.status_code == 200, answer.text
            gate_seconds = time.perf_counter() - began

            page = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert csrf is not None
            signed = client.post(
                "/login",
                data={
                    "csrf_token": csrf.group(1),
                    "name": supervisor,
                    "password": PASSWORD,
                    "next": "/",
                },
            )
            assert signed.status_code == 303, signed.status_code  # to the home page
            for loan_id in pages[:10]:
                client.get(f"/accounts/{loan_id}")
            account: list[float] = []
            for loan_id in pages:
                t0 = time.perf_counter()
                answer = client.get(f"/accounts/{loan_id}")
                account.append(time.perf_counter() - t0)
                assert answer.status_code == 200, answer.status_code
    finally:
        server.terminate()
        server.wait(timeout=30)

    # baselines in this process: the same work without HTTP
    pack = get_pack("cn")
    inproc: list[float] = []
    for line in lines:
        t0 = time.perf_counter()
        check_line(line, "bench", pack=pack)
        inproc.append(time.perf_counter() - t0)
    from fairdebt.models import AppUser as User
    from fairdebt.web.pages.work import read_account

    reads: list[float] = []
    with Session(engine) as session:
        viewer = session.scalar(select(User).where(User.name == supervisor))
        assert viewer is not None
        for loan_id in pages:
            t0 = time.perf_counter()
            loan = session.get(Loan, loan_id)
            assert loan is not None
            read_account(
                session, user=viewer, loan=loan, at=NOW, business_date=NOW.date(), pack="cn"
            )
            reads.append(time.perf_counter() - t0)
            session.rollback()
    engine.dispose()

    ms = 1000.0
    rows = {
        "gate_p50_ms": percentile(gate, 50) * ms,
        "gate_p99_ms": percentile(gate, 99) * ms,
        "gate_rps": len(gate) / gate_seconds,
        "gate_inproc_p99_ms": percentile(inproc, 99) * ms,
        "account_p50_ms": percentile(account, 50) * ms,
        "account_p95_ms": percentile(account, 95) * ms,
        "account_inproc_p95_ms": percentile(reads, 95) * ms,
    }
    load = os.getloadavg()[0]
    gate_ratio = rows["gate_p99_ms"] / max(rows["gate_inproc_p99_ms"], 1e-9)
    page_ratio = rows["account_p95_ms"] / max(rows["account_inproc_p95_ms"], 1e-9)
    table = "\n".join(
        [
            "| what | p50 (ms) | p95 / p99 (ms) | throughput | floor | baseline in this run "
            "| ratio |",
            "|---|---:|---:|---:|---|---:|---:|",
            f"| `POST /v1/gate/check`, one attempt ({len(gate):,} requests) "
            f"| {rows['gate_p50_ms']:.2f} | p99 **{rows['gate_p99_ms']:.2f}** "
            f"| {rows['gate_rps']:,.0f} req/s | p99 ≤ 10 ms "
            f"| `check()` in process, p99 {rows['gate_inproc_p99_ms']:.2f} ms "
            f"| {gate_ratio:.1f}× |",
            f"| `GET /accounts/{{id}}`, supervisor ({len(account)} random loans) "
            f"| {rows['account_p50_ms']:.1f} | p95 **{rows['account_p95_ms']:.1f}** | – "
            f"| p95 ≤ 200 ms | `read_account()` in process, p95 "
            f"{rows['account_inproc_p95_ms']:.1f} ms | {page_ratio:.1f}× |",
        ]
    )
    text = f"""## API benchmark

`{" ".join([".venv/bin/python", "benchmarks/api.py", *sys.argv[1:]])}` on {platform.machine()},
{os.cpu_count()} cores, load average {load:.1f} at the end; database `{url}` ({loans:,} loans).
Sequential keep-alive requests from one client process to `fairdebt serve` (uvicorn, one
process) on 127.0.0.1. Every gate answer is also written to the audit log.

{table}

```json
{json.dumps({k: round(v, 3) for k, v in rows.items()})}
```
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
