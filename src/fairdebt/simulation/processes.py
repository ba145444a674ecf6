"""The simulated lender's processes in a database run, each through its real verbs.

* **Plan offers** (:class:`DatabaseOffers`): a borrower who asks gets ``offer_plans`` (the
  lender's policy, affordability, the cost cap, ranking by expected recovery); the plan they
  choose (:mod:`fairdebt.simulation.plans`) is taken with ``accept_offer`` (new schedule or
  waiver, plan hold). The ledger's ``check_plans`` completes and breaches them
  (:class:`~fairdebt.simulation.database.DatabaseLedger`).
* **Agencies** (:class:`LenderProcesses`): the lender registers its agency with a commission
  schedule for the late buckets and evaluates it every year (``add_agency``,
  ``evaluate_agency``); the champion's placements go through ``place_loans`` (which refuses an
  agency without a current evaluation) and a loan that leaves collections is recalled
  (``recall_loans``). The agency's calls pass the same gate as the lender's, under shared caps
  (they are planned and checked with every actor's history).
* **Complaints**: filed by the sink with their hold (``file_complaint``); the lender resolves
  each ``complaints.resolve_days`` after it was filed (``resolve_complaint``), which lifts the
  hold, with the root cause the category points to.

Every verb writes its own audit entry in the simulated month's transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.agencies import (
    add_agency,
    evaluate_agency,
    find_agency,
    place_loans,
    recall_loans,
    standing,
)
from fairdebt.complaints import resolve_complaint
from fairdebt.errors import ConflictError, FairdebtError
from fairdebt.ledger.plan_offers import PlanPolicy, accept_offer, instalments_of, offer_plans
from fairdebt.models import Agency, Complaint
from fairdebt.simulation.plans import Offer

if TYPE_CHECKING:
    from fairdebt.simulation.database import DatabaseLedger

__all__ = ["ACTOR", "DatabaseOffers", "LenderProcesses", "agency_name"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
ACTOR = "simulator"
LATE_BUCKETS = ("M4", "M5", "M6", "M7+")
# The root cause a resolved complaint records, by its category (else "contact_strategy").
_ROOT = {"wrong_party_contact": "wrong_party", "excessive_contact": "contact_strategy"}
_RESOLUTION = (
    "已核实并整改：调整联系频次与时段，向客户致歉 / checked and put right: contact frequency "
    "and hours adjusted, apology made"
)


def _evening(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(20), tzinfo=dt.timezone(dt.timedelta(hours=8)))


def agency_name(lender: str) -> str:
    """The simulated lender's agency: the ``NAME`` of ``agency:NAME`` the planner writes."""
    return f"{lender}-agency"


class DatabaseOffers:
    """Plan offers and acceptances written through the ledger's plan verbs."""

    def __init__(self, ledger: DatabaseLedger, policy: PlanPolicy, start_on: dt.date) -> None:
        self.ledger, self.policy, self.start_on = ledger, policy, start_on
        self.refused = 0  # offers the ledger refused to make or accept (should stay 0)

    def _on(self, day: int) -> dt.date:
        return self.start_on + dt.timedelta(days=day)

    def offer(self, day: int, loans: IntArray, scores: FloatArray) -> list[list[Offer]]:
        session, on = self.ledger.session_now(), self._on(day)
        out: list[list[Offer]] = []
        for loan, score in zip(loans.tolist(), scores.tolist(), strict=True):
            try:
                rows = offer_plans(
                    session,
                    loan_id=int(self.ledger.loan_id[loan]),
                    business_date=on,
                    policy=self.policy,
                    actor=ACTOR,
                    at=_evening(on),
                    score=score,
                )
            except ConflictError:
                self.refused += 1
                out.append([])
                continue
            out.append([self._offer(row) for row in rows])
        return out

    def _offer(self, row: object) -> Offer:
        parts = instalments_of(row)  # type: ignore[arg-type]
        return Offer(
            str(row.kind),  # type: ignore[attr-defined]
            np.array([(d - self.start_on).days for d, _ in parts], dtype=np.int64),
            np.array([int(a * 100) for _, a in parts], dtype=np.int64),
            int(row.id),  # type: ignore[attr-defined]
        )

    def accept(self, day: int, loan: int, offer: Offer) -> None:
        on = self._on(day)
        assert offer.offer_id is not None
        accept_offer(
            self.ledger.session_now(),
            offer_id=offer.offer_id,
            business_date=on,
            actor=ACTOR,
            at=_evening(on),
        )


class LenderProcesses:
    """The agency register, placements and recalls, and complaint resolution of a run."""

    def __init__(
        self,
        ledger: DatabaseLedger,
        *,
        lender: str,
        commission_rate: float,
        resolve_days: int,
        start_on: dt.date,
    ) -> None:
        self.ledger = ledger
        self.name = agency_name(lender)
        self.commission = Decimal(f"{commission_rate:.4f}")
        self.resolve_days = resolve_days
        self.start_on = start_on
        self.agency: Agency | None = None
        self.counts = {
            "evaluations": 0,
            "placed": 0,
            "recalled": 0,
            "placements_refused": 0,
            "complaints_resolved": 0,
        }
        # Why the agency verbs refused a placement (a mirror and ledger that disagree on dpd).
        self.refusals: dict[str, int] = {}

    def set_up(self, session: Session, *, at: dt.datetime) -> None:
        """Register the lender's agency with its commission and evaluate it before day 0."""
        self.agency = add_agency(
            session,
            name=self.name,
            legal_name=f"{self.name}（模拟委外催收机构 simulated collection agency）",
            commission={bucket: self.commission for bucket in LATE_BUCKETS},
            actor=ACTOR,
            at=at,
        )
        self._evaluate(session, self.start_on - dt.timedelta(days=1), at)

    def _evaluate(self, session: Session, on: dt.date, at: dt.datetime) -> None:
        assert self.agency is not None
        evaluate_agency(
            session,
            agency=self.agency,
            evaluated_on=on,
            failed=(),
            evaluator="风险合规部 risk and compliance",
            actor=ACTOR,
            at=at,
            notes="年度评估：行为合规、作业质量、信息安全 / yearly: conduct, quality, security",
        )
        self.counts["evaluations"] += 1

    def _agency(self, session: Session) -> Agency:
        if self.agency is None or self.agency not in session:
            self.agency = find_agency(session, self.name)
        return self.agency

    def start_day(self, day: int) -> None:
        """Morning: the yearly evaluation when it falls due; complaints due to be resolved."""
        session, on = self.ledger.session_now(), self.start_on + dt.timedelta(days=day)
        agency = self._agency(session)
        found = standing(session, agency=agency, on=on)
        if found.due_on is not None and on >= found.due_on:
            self._evaluate(session, on, _evening(on))
        cutoff = _evening(on - dt.timedelta(days=self.resolve_days))
        due = session.scalars(
            select(Complaint)
            .where(Complaint.status == "open", Complaint.received_at <= cutoff)
            .order_by(Complaint.id)
        ).all()
        for complaint in due:
            root = _ROOT.get(complaint.category, "contact_strategy")
            if complaint.agency:
                root = "agency_conduct"
            resolve_complaint(
                session,
                complaint_id=complaint.id,
                root_cause=root,
                resolution=_RESOLUTION,
                actor=ACTOR,
                at=_evening(on) - dt.timedelta(hours=10),
            )
            self.counts["complaints_resolved"] += 1

    def place(self, day: int, loan_ids: list[int]) -> None:
        """Place the champion's placements of the day with the agency (ledger loan ids)."""
        if not loan_ids:
            return
        session, on = self.ledger.session_now(), self.start_on + dt.timedelta(days=day)
        agency = self._agency(session)
        try:
            rows = place_loans(
                session,
                agency=agency,
                loan_ids=loan_ids,
                placed_on=on,
                actor=ACTOR,
                at=_evening(on),
            )
        except FairdebtError:
            # All or nothing refused the day's batch (the verb writes nothing then): place
            # loan by loan so that only the loans the verb refuses stay with the lender.
            rows = []
            for loan_id in loan_ids:
                try:
                    rows += place_loans(
                        session,
                        agency=agency,
                        loan_ids=[loan_id],
                        placed_on=on,
                        actor=ACTOR,
                        at=_evening(on),
                    )
                except FairdebtError as error:
                    self.counts["placements_refused"] += 1
                    reason = str(error).split(" (")[0][:80]
                    self.refusals[reason] = self.refusals.get(reason, 0) + 1
        self.counts["placed"] += len(rows)

    def recall(self, day: int, loan_ids: list[int]) -> None:
        """Recall placements of loans that left collections (paid off, under plan, charged off)."""
        if not loan_ids:
            return
        session, on = self.ledger.session_now(), self.start_on + dt.timedelta(days=day)
        try:
            rows = recall_loans(
                session,
                agency=self._agency(session),
                recalled_on=on,
                reason="账户已结清、进入还款计划或核销 / loan closed, under a plan or charged off",
                actor=ACTOR,
                at=_evening(on),
                loan_ids=loan_ids,
            )
        except FairdebtError:
            return
        self.counts["recalled"] += len(rows)
