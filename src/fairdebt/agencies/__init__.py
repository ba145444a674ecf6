"""Agencies (委外催收机构): the register with staff and commission schedules, yearly evaluations
that gate placements, placement and recall by bucket, commission on recoveries during
placement, the agency's contact records judged by the one gate, scorecards and an allocation
that weighs conduct together with recovery (docs/decisions/agencies.md)."""

from __future__ import annotations

from fairdebt.agencies.allocation import (
    Allocation,
    AllocationPolicy,
    allocate_loans,
    apportion,
    load_policy,
    score,
    shares,
)
from fairdebt.agencies.placements import (
    Position,
    active_placements,
    commissions,
    loans_in_bucket,
    place_loans,
    position_on,
    recall_loans,
)
from fairdebt.agencies.records import (
    AgencyContact,
    ImportSummary,
    read_contact,
    record_agency_contacts,
)
from fairdebt.agencies.registry import (
    AREAS,
    EVALUATION_KINDS,
    Standing,
    add_agency,
    add_staff,
    commission_schedule,
    evaluate_agency,
    find_agency,
    require_placeable,
    set_commission,
    standing,
    valid_until,
)
from fairdebt.agencies.scorecards import Scorecard, per_1000, scorecards

__all__ = [
    "AREAS",
    "EVALUATION_KINDS",
    "AgencyContact",
    "Allocation",
    "AllocationPolicy",
    "ImportSummary",
    "Position",
    "Scorecard",
    "Standing",
    "active_placements",
    "add_agency",
    "add_staff",
    "allocate_loans",
    "apportion",
    "commission_schedule",
    "commissions",
    "evaluate_agency",
    "find_agency",
    "load_policy",
    "loans_in_bucket",
    "per_1000",
    "place_loans",
    "position_on",
    "read_contact",
    "recall_loans",
    "record_agency_contacts",
    "require_placeable",
    "score",
    "scorecards",
    "set_commission",
    "shares",
    "standing",
    "valid_until",
]
