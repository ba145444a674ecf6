"""Plan offer invariants over many loans: no offer breaks the cap; no accepted plan costs the
borrower more than the contract's remaining cost plus what the policy allows."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import ConfigurationError
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.installments import load_states
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.plan_offers import (
    accept_offer,
    instalments_of,
    load_plan_policy,
    offer_plans,
    read_plan_policy,
    read_position,
)
from fairdebt.models import Product

from .conftest import ACTOR, AT, START, add_product, tx

POLICY = load_plan_policy()
_ids = itertools.count()
loans = st.fixed_dictionaries(
    {
        "rate": st.sampled_from(["0.06", "0.12", "0.18", "0.24"]),
        "principal": st.sampled_from(["600.00", "1200.00", "5000.00", "20000.00"]),
        "term": st.integers(min_value=1, max_value=12),
        "late_days": st.integers(min_value=1, max_value=200),
        "paid": st.sampled_from(["0", "0.3", "0.7"]),
        "pick": st.integers(min_value=0, max_value=50),
    }
)


def _late_loan(session: Session, borrower_id: int, spec: dict[str, object]) -> tuple[int, dt.date]:
    n = next(_ids)
    code = f"PP{spec['rate']}"
    first_due = dt.date(2026, 2, 15)
    on = first_due + dt.timedelta(days=int(str(spec["late_days"])))
    with tx(session):
        if session.scalar(select(Product.id).where(Product.code == code)) is None:
            add_product(session, code, annual_rate=Decimal(str(spec["rate"])))
        loan = disburse(
            session,
            loan=LoanIn(
                f"L-H{n}",
                borrower_id,
                code,
                Decimal(str(spec["principal"])),
                int(str(spec["term"])),
                START,
            ),
            actor=ACTOR,
            at=AT,
        )
        paid = (loan.principal_amount * Decimal(str(spec["paid"]))).quantize(Decimal("0.01"))
        if paid > 0:
            post_payment(
                session,
                payment=PaymentIn(f"H{n}", loan.external_id, paid, first_due),
                actor=ACTOR,
                at=AT,
            )
        # Penalties on a few dates up to the offer (each accrues one day's penalty, within room).
        for day in (first_due + dt.timedelta(days=1), on - dt.timedelta(days=1), on):
            if day > first_due:
                accrue_penalties(session, business_date=day, actor=ACTOR, at=AT)
    return loan.id, on


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=loans)
def test_no_offer_breaks_the_cap_and_no_accepted_plan_costs_more_than_the_policy_allows(
    session: Session, borrower_id: int, spec: dict[str, object]
) -> None:
    loan_id, on = _late_loan(session, borrower_id, spec)
    with tx(session):
        before = read_position(session, loan_id=loan_id, business_date=on)
        offers = offer_plans(
            session, loan_id=loan_id, business_date=on, policy=POLICY, actor=ACTOR, at=AT
        )
    for offer in offers:
        assert offer.cost_rate <= offer.cap_rate
    if not offers:
        return
    chosen = offers[int(str(spec["pick"])) % len(offers)]
    rule = POLICY.rule_for(chosen.bucket, chosen.segment)
    assert rule is not None
    allowance = (rule.kinds[chosen.kind].max_extra_cost_share * before.owed_amount).quantize(
        Decimal("0.01")
    )
    with tx(session):
        accept_offer(session, offer_id=chosen.id, business_date=on, actor=ACTOR, at=AT)
    # What the borrower now owes from the date: the ledger's open dues, or a settlement's price.
    states = load_states(session, [loan_id])[loan_id]
    owed_after = sum((s.total_outstanding() for s in states), Decimal(0))
    if chosen.kind == "settlement":
        owed_after = sum((a for _, a in instalments_of(chosen)), Decimal(0))
    assert owed_after <= before.contract_amount + allowance
    assert chosen.total_amount <= before.contract_amount + allowance


def test_a_policy_longer_than_the_legal_maximum_is_refused_with_the_rule_and_field() -> None:
    text = """
version: 1
grace_days: 5
affordability: {income_share: "0.5", living_cost_amount: "1500", min_instalment_amount: "50"}
rules:
  - name: late
    buckets: [M4]
    kinds:
      interest_freeze: {terms: [36, 72], max_term_months: 72}
"""
    with pytest.raises(ConfigurationError) as refused:
        read_plan_policy(text, "mine.yaml")
    assert str(refused.value) == (
        "plan policy mine.yaml, rule late, kind interest_freeze.max_term_months: expected a whole "
        "number from 1 to 60 (got 72)"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("grace_days: -1", "top.grace_days: expected a whole number from 0 to 90 (got -1)"),
        ("version: 2", "top.version: expected version: 1 (got 2)"),
        ("colour: red", "top: unknown keys ['colour']"),
    ],
)
def test_a_bad_policy_field_is_named_with_what_was_expected_and_what_came(
    change: str, message: str
) -> None:
    # the shipped file, one field changed
    text = (resources.files("fairdebt") / "data" / "plan_policy.yaml").read_text("utf-8")
    key = change.split(":")[0]
    lines = [line for line in text.splitlines() if not line.startswith(f"{key}:")]
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        read_plan_policy("\n".join([*lines, change]), "p.yaml")
