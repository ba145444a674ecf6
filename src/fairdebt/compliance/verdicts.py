"""What the gate answers: a :class:`Verdict` made of :class:`Reason` objects, and their JSON.

Every reason names its rule, citation and grade and says why in zh-CN and English, with the
evidence the rule used, so the UI, the audit log and the optimiser all see which rule decided.
``to_json`` is written once here and used by the CLI, the audit log and (later) the web layer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LANGUAGES", "Reason", "Verdict"]

LANGUAGES = ("en", "zh-CN")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule refused (``blocking``) or asks for review (not blocking)."""

    rule: str
    citation: str
    grade: str
    message_zh: str
    message_en: str
    evidence: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh-CN" else self.message_en

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        """The CLI shape with one language, or the full record (both languages) when ``lang``
        is None."""
        if lang is not None:
            return {"rule": self.rule, "citation": self.citation, "message": self.message(lang)}
        return {
            "rule": self.rule,
            "citation": self.citation,
            "grade": self.grade,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": self.evidence,
            "blocking": self.blocking,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer. ``reasons`` are the refusals; ``notes`` are non-blocking review
    findings. ``next_allowed_at`` is the earliest instant at or after the attempt at which the
    same attempt passes (the attempt's own time when allowed), or None when waiting never
    helps."""

    allowed: bool
    reasons: tuple[Reason, ...]
    next_allowed_at: dt.datetime | None
    notes: tuple[Reason, ...] = ()
    pack: str = "cn"
    pack_loosened: bool = False

    @property
    def first_rule(self) -> str | None:
        return self.reasons[0].rule if self.reasons else None

    def to_json(self, *, id: str | None = None, lang: str = "en") -> dict[str, Any]:
        """The CLI contract: ``{"id", "allowed", "reasons", "next_allowed_at"}``."""
        return {
            "id": id,
            "allowed": self.allowed,
            "reasons": [r.to_json(lang) for r in self.reasons],
            "next_allowed_at": None
            if self.next_allowed_at is None
            else self.next_allowed_at.isoformat(),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, both languages and the evidence: for the audit log and HTTP."""
        return {
            "allowed": self.allowed,
            "reasons": [r.to_json() for r in self.reasons],
            "notes": [r.to_json() for r in self.notes],
            "next_allowed_at": None
            if self.next_allowed_at is None
            else self.next_allowed_at.isoformat(),
            "pack": self.pack,
            "pack_loosened": self.pack_loosened,
        }
