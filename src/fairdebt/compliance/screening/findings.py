"""What screening is told (Facts) and what it answers (Finding, verdict).

Facts are the account facts that decide whether a sentence is true: a notice of a lawsuit is
lawful when legal action is intended or a judgment exists, and a threat on a time-barred debt is
category Q whatever else is true. The recipient decides whether naming the debt is a disclosure
to a third party.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fairdebt.errors import InputError

__all__ = ["RECIPIENTS", "Facts", "Finding", "verdict"]

#: Who a message or call can be addressed to.
RECIPIENTS = ("debtor", "spouse", "contact", "employer", "attorney")
_FLAGS = ("has_judgment", "time_barred", "legal_action_intended")


@dataclass(frozen=True)
class Facts:
    """Account facts screening needs; every one defaults to the cautious reading."""

    recipient: str = "debtor"
    has_judgment: bool = False
    time_barred: bool = False
    legal_action_intended: bool = False

    def __post_init__(self) -> None:
        if self.recipient not in RECIPIENTS:
            raise InputError(
                f"recipient must be one of {list(RECIPIENTS)} (got {self.recipient!r})",
                field="recipient",
            )
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise InputError(
                    f"{name} must be true or false (got {getattr(self, name)!r})", field=name
                )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Facts:
        """Build facts from a mapping with any subset of the fields; unknown keys are ignored.

        A missing or null fact means false, and a missing recipient means the debtor.

        >>> facts = Facts.from_mapping({"recipient": "contact", "time_barred": True, "x": 1})
        >>> facts.recipient, facts.time_barred, facts.has_judgment
        ('contact', True, False)
        """
        data = data or {}
        if not isinstance(data, Mapping):
            raise InputError(f"facts must be an object (got {type(data).__name__})", field="facts")
        recipient = data.get("recipient")
        flags = {name: False if data.get(name) is None else data[name] for name in _FLAGS}
        return cls(recipient="debtor" if recipient is None else recipient, **flags)


@dataclass(frozen=True)
class Finding:
    """One screening hit: its category, where it is in the original text, and what it breaks."""

    category: str
    start: int
    end: int
    rule: str
    citation: str
    action: str
    message_zh: str
    message_en: str
    #: How sure the citation is (RULES.md): P primary text read, S secondary source, M memory.
    grade: str = "S"
    #: The statistical layer's calibrated probability that the text is prohibited (0 to 1).
    score: float = 0.0
    #: Where the finding came from: "lexicon" or "classifier" (review only).
    source: str = "lexicon"


def verdict(findings: Iterable[Finding]) -> str:
    """Return "block" if any finding blocks, else "review" if there is any, else "pass".

    >>> verdict([])
    'pass'
    """
    actions = {finding.action for finding in findings}
    if "block" in actions:
        return "block"
    return "review" if actions else "pass"
