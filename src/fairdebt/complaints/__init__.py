"""Complaints: intake by category, deadlines, an automatic hold, assignment, closure, reopening,
and complaint rates per 10,000 accounts (see :mod:`fairdebt.complaints.handling`)."""

from __future__ import annotations

from fairdebt.complaints.handling import (
    DEFAULT_DEADLINES,
    Deadlines,
    assign_complaint,
    complaint_scope,
    extend_complaint,
    file_complaint,
    is_held,
    reopen_complaint,
    resolve_complaint,
)
from fairdebt.complaints.rates import complaint_rates
from fairdebt.complaints.taxonomy import ALIASES, CATEGORIES, CHANNELS, ROOT_CAUSES, Category

__all__ = [
    "ALIASES",
    "CATEGORIES",
    "CHANNELS",
    "DEFAULT_DEADLINES",
    "ROOT_CAUSES",
    "Category",
    "Deadlines",
    "assign_complaint",
    "complaint_rates",
    "complaint_scope",
    "extend_complaint",
    "file_complaint",
    "is_held",
    "reopen_complaint",
    "resolve_complaint",
]
