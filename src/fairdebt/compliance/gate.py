"""The gate: ``check(attempt, history, debtor, pack)`` for one contact attempt, and its audit.

The gate is pure: no clock, no database. It runs every rule of the pack over a
:class:`~fairdebt.compliance.rules.Case`, screens the attempt's text when it carries one, and
finds ``next_allowed_at`` by jumping to the latest ``until`` of the refusing rules and checking
again: each ``until`` is a bound before which its rule keeps refusing, so the first instant
that passes is never skipped. :func:`record_decision` writes the decision and its evidence to
the audit log inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.compliance.attempts import Attempt, Consent, ContactRecord, Debtor
from fairdebt.compliance.packs import Pack, get_pack
from fairdebt.compliance.rules import Case, Refusal, Rule
from fairdebt.compliance.rules.parties import offered_to_repay
from fairdebt.compliance.verdicts import Reason, Verdict

__all__ = ["attempt_to_json", "check", "make_case", "record_decision", "zones_for"]

# How far and how many jumps the next_allowed_at search goes before it answers "never": beyond
# a mental-health breathing space plus slack, and enough jumps for hours x caps x holds.
HORIZON = dt.timedelta(days=400)
MAX_JUMPS = 64
_SCREEN_RECIPIENTS = frozenset({"debtor", "spouse", "contact", "employer", "attorney"})


def zones_for(debtor: Debtor, pack: Pack) -> tuple[tuple[str, ...], str]:
    """The zones whose clocks an attempt must respect, and the zone that counts days.

    Every zone the location evidence points at; with none, the pack's unknown-location zones
    (US: every contiguous-state zone) or its home zone; plus the pack's ``zones_also``.
    """
    known = list(
        dict.fromkeys(
            ([debtor.timezone] if debtor.timezone else []) + list(debtor.possible_timezones)
        )
    )
    zones = known or list(pack.params.get("unknown_location_zones", (pack.default_zone,)))
    zones += [z for z in pack.zones_also if z not in zones]
    return tuple(zones), (known[0] if known else pack.default_zone)


def make_case(
    attempt: Attempt,
    history: Iterable[ContactRecord],
    debtor: Debtor,
    consents: Iterable[Consent],
    pack: Pack,
    zones: tuple[tuple[str, ...], str] | None = None,
) -> Case:
    """The case the rules see: only history at or before the attempt. ``zones`` is
    :func:`zones_for` when the caller already has it (the next-time search reuses it)."""
    zones_, day_zone = zones if zones is not None else zones_for(debtor, pack)
    return Case(
        attempt,
        tuple(e for e in history if e.at <= attempt.at),
        debtor,
        tuple(consents),
        zones_,
        day_zone,
    )


class _Values(dict[str, Any]):
    """Template values; a field a rule did not fill reads "?" rather than failing a decision."""

    def __missing__(self, key: str) -> str:
        return "?"


def _reason(rule: Rule, refusal: Refusal, params: Mapping[str, Any]) -> Reason:
    values = _Values({**params, **refusal.evidence})
    return Reason(
        rule.id,
        rule.citation,
        rule.grade,
        rule.message_zh.format_map(values),
        rule.message_en.format_map(values),
        dict(refusal.evidence),
    )


def _refusals(case: Case, pack: Pack) -> list[tuple[Rule, Refusal]]:
    found = []
    for rule in pack.rules:
        refusal = rule.check(case, pack.params)
        if refusal is not None:
            found.append((rule, refusal))
    return found


def _screen(case: Case, pack: Pack) -> tuple[list[Reason], list[Reason]]:
    """Screen the attempt's text: "block" findings refuse, "review" findings become notes.

    A contact who offered to repay may be given what repayment needs (GB/T 45251-2025), so a
    ``repayment_info`` message to them is screened as if to the payer, not a third party.
    """
    attempt = case.attempt
    text = attempt.text
    if not text:
        return [], []
    try:  # lazy: jieba and the lexicons load only when a text needs screening
        from fairdebt.compliance.screening import screen
    except ImportError:
        # Fail closed: a text nobody screened must not go out.
        return [
            Reason(
                "gate.screening_unavailable",
                "fairdebt house policy",
                "P",
                "话术筛查模块不可用，含文本的触达一律拒绝",
                "message screening is unavailable; attempts carrying text are refused",
                {},
            )
        ], []

    recipient = attempt.recipient if attempt.recipient in _SCREEN_RECIPIENTS else "contact"
    if attempt.purpose == "repayment_info" and offered_to_repay(case):
        recipient = "debtor"
    facts = {
        "recipient": recipient,
        "has_judgment": bool(attempt.facts.get("has_judgment", False)),
        "time_barred": bool(attempt.facts.get("time_barred", False)),
        "legal_action_intended": bool(attempt.facts.get("legal_action_intended", False)),
    }
    blocks: list[Reason] = []
    notes: list[Reason] = []
    for finding in screen(text, facts, pack=pack.id.split("-")[0]):
        reason = Reason(
            finding.rule,
            finding.citation,
            getattr(finding, "grade", "S"),
            finding.message_zh,
            finding.message_en,
            {
                "category": finding.category,
                "start": finding.start,
                "end": finding.end,
                "excerpt": text[finding.start : finding.end],
            },
            blocking=finding.action == "block",
        )
        (blocks if reason.blocking else notes).append(reason)
    return blocks, notes


def check(
    attempt: Attempt,
    history: Iterable[ContactRecord] = (),
    debtor: Debtor | None = None,
    pack: Pack | str = "cn",
    *,
    consents: Iterable[Consent] = (),
) -> Verdict:
    """Whether ``attempt`` may go ahead under ``pack``, every reason, and the next time it may.

    ``history`` is every contact event with this person across the lender, its agencies and
    robots (events after the attempt are ignored). Review findings of screening do not refuse;
    they come back as ``notes`` for a person to look at.
    """
    pack = get_pack(pack) if isinstance(pack, str) else pack
    debtor = debtor or Debtor()
    history = tuple(history)
    consents = tuple(consents)
    case = make_case(attempt, history, debtor, consents, pack)
    refusals = _refusals(case, pack)
    blocks, notes = _screen(case, pack)
    reasons = [_reason(rule, refusal, pack.params) for rule, refusal in refusals] + blocks
    if not reasons:
        next_at: dt.datetime | None = attempt.at
    elif blocks:
        next_at = None  # the text will not change by waiting
    else:
        next_at = _next_allowed(attempt, history, debtor, consents, pack, refusals)
        if next_at is not None:  # shown on the caller's clock, like the attempt's time
            next_at = next_at.astimezone(attempt.at.tzinfo)
    return Verdict(not reasons, tuple(reasons), next_at, tuple(notes), pack.id, pack.loosened)


def _boundaries(
    attempt: Attempt, history: tuple[ContactRecord, ...], consents: tuple[Consent, ...]
) -> list[dt.datetime]:
    """Instants after the attempt at which the facts the rules read may change: a later history
    event enters the case, a consent becomes valid or its window opens. A rule's ``until`` is
    computed from the facts at the attempt's time, so the search never jumps past one of these
    without looking (a consent opening inside a quiet period, a reply to a later inbound)."""
    moments = {e.at for e in history}
    for consent in consents:
        moments.add(consent.given_at)
        if consent.start is not None:
            moments.add(max(consent.start, consent.given_at))
    return sorted(m for m in moments if m > attempt.at)


def _next_allowed(
    attempt: Attempt,
    history: tuple[ContactRecord, ...],
    debtor: Debtor,
    consents: tuple[Consent, ...],
    pack: Pack,
    refusals: list[tuple[Rule, Refusal]],
) -> dt.datetime | None:
    at = attempt.at
    boundaries = _boundaries(attempt, history, consents)
    zones = zones_for(debtor, pack)
    for _ in range(MAX_JUMPS + len(boundaries)):
        untils = [refusal.until for _, refusal in refusals]
        if any(until is None for until in untils):
            # "Never" holds only while the facts stay as they are: look again at the next
            # instant they change (a consent or a later event), if any.
            later = None
        else:
            later = max(u for u in untils if u is not None)
        upcoming = next((b for b in boundaries if b > at), None)
        if upcoming is not None and (later is None or upcoming < later):
            later = upcoming
        if later is None or later <= at or later - attempt.at > HORIZON:
            return None
        at = later
        moved = replace(attempt, at=at)
        refusals = _refusals(make_case(moved, history, debtor, consents, pack, zones), pack)
        if not refusals:
            return at
    return None


def attempt_to_json(attempt: Attempt) -> dict[str, Any]:
    """The attempt as JSON-ready data (the inverse of the CLI input's ``attempt`` object)."""
    data = asdict(attempt)
    data["at"] = attempt.at.isoformat()
    data["debt_ids"] = list(attempt.debt_ids)
    data["facts"] = dict(attempt.facts)
    return data


def record_decision(
    session: Session,
    *,
    verdict: Verdict,
    attempt: Attempt,
    actor: str,
    at: dt.datetime,
    pack: Pack | None = None,
    entity_id: str | int | None = None,
) -> int:
    """Write ``contact.allowed`` or ``contact.refused`` with the evidence to the audit log, in
    the caller's transaction; a loosened pack's provenance goes with it. Returns the entry's
    sequence number."""
    data: dict[str, Any] = {"attempt": attempt_to_json(attempt), **verdict.to_record()}
    if pack is not None:
        data["pack_provenance"] = [a.to_json() for a in pack.provenance]
    return audit.record(
        session,
        action="contact.allowed" if verdict.allowed else "contact.refused",
        entity="contact_attempt",
        entity_id=entity_id,
        actor=actor,
        at=at,
        data=data,
    )
