"""Every contact-gate vector of RULES.md §6, plus the boundary minutes, as a table-driven test.

The table is tests/compliance/vectors.jsonl, one CLI input line per vector with its expected
answer. Vectors about retention, interest caps, agency evaluation, staff training, validation
notices and breathing-space deadlines are not contact attempts; they are listed below with the
engine that owns them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fairdebt.compliance.attempts import case_from_json
from fairdebt.compliance.gate import check

VECTORS = [
    json.loads(line)
    for line in (Path(__file__).parent / "vectors.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


def _screening_ready() -> bool:
    try:
        from fairdebt.compliance.screening import screen, verdict  # noqa: F401
    except ImportError:
        return False
    return True


GATE = [v for v in VECTORS if not v["needs_screening"] or _screening_ready()]

RULES_MD_IDS = [
    "CN-01",
    "CN-02",
    "CN-03",
    "CN-05",
    "CN-07",
    "CN-09",
    "CN-11",
    "CN-14",
    "CN-15",
    "CN-17",
    "CN-18",
    "CN-19",
    "CN-20",
    "CN-21",
    "CN-22",
    "CN-23",
    "CN-24",
    "CN-25",
    "CN-26",
    "CN-27",
    "CN-28",
    "CN-29",
    "CN-30",
    "CN-31",
    "US-01",
    "US-02",
    "US-05",
    "US-07",
    "US-08",
    "US-11",
    "US-12",
    "US-16",
    "US-20",
    "US-21",
    "US-23",
    "US-24",
    "US-25",
    "US-26",
    "US-28",
    "US-29",
    "US-30",
    "US-31",
    "US-32",
    "US-33",
    "US-34",
    "US-35",
    "US-36",
    "US-37",
    "US-38",
    "US-40",
    "US-41",
    "US-42",
    "UK-02",
    "UK-04",
    "UK-06",
    "UK-07",
    "UK-08",
    "UK-09",
    "UK-10",
    "UK-11",
]

NOT_CONTACT_ATTEMPTS = {
    "CN-21": "record retention (purge job), not a contact",
    "CN-22": "record retention (purge job), not a contact",
    "CN-26": "interest cap computation",
    "CN-27": "interest cap scope",
    "CN-28": "agency evaluation before dispatch",
    "CN-29": "agency evaluation before renewal",
    "CN-30": "staff training before assignment",
    "CN-31": "interest caps across the 2020 transition",
    "US-35": "validation notice timing",
    "US-36": "validation period end date",
    "US-37": "record retention (purge job)",
    "UK-04": "interest freeze during breathing space",
    "UK-06": "creditor review deadline",
    "UK-10": "court application deadline",
    "UK-11": "breathing space eligibility",
}


def _run(vector: dict[str, Any]) -> Any:
    attempt, history, debtor, consents = case_from_json(vector, record=vector["id"])
    return (
        attempt,
        history,
        debtor,
        consents,
        check(attempt, history, debtor, vector["pack"], consents=consents),
    )


def test_every_rules_md_vector_is_in_the_table_or_named_as_not_a_contact() -> None:
    table = {m.group(0) for v in VECTORS if (m := re.match(r"[A-Z]{2}-\d{2}", v["id"]))}
    for vector_id in RULES_MD_IDS:
        assert vector_id in table or vector_id in NOT_CONTACT_ATTEMPTS, vector_id


@pytest.mark.parametrize("vector", GATE, ids=[v["id"] for v in GATE])
def test_vector(vector: dict[str, Any]) -> None:
    attempt, history, debtor, consents, verdict = _run(vector)
    expect = vector["expect"]
    rules = [r.rule for r in verdict.reasons]
    assert verdict.allowed is expect["allowed"], (vector["id"], rules)
    for rule in expect["rules"]:
        assert rule in rules, (vector["id"], rules)
    if "next_allowed_at" in expect:
        wanted = expect["next_allowed_at"]
        assert verdict.next_allowed_at == (
            None if wanted is None else dt.datetime.fromisoformat(wanted)
        )
    if not verdict.allowed and verdict.next_allowed_at is not None:
        moved = replace(attempt, at=verdict.next_allowed_at)
        assert check(moved, history, debtor, vector["pack"], consents=consents).allowed
