"""Loan products and the legal cost cap: rates, fees, penalty, grace, charge-off and waterfall.

A product's cost cap is either a fixed APR ceiling (``apr``: 0.24 or 0.36, the Chinese
judicial-protection lines) or a multiple of the one-year Loan Prime Rate in force on the
contract date (``lpr_multiple``: 4 -> 4 × LPR, the private-lending line of the Supreme People's
Court). :func:`resolve_cost_cap` turns either into one annual rate when a loan is disbursed.
The cost compared with the cap is the contract's annualised comprehensive cost by the IRR method
(:mod:`fairdebt.ledger.costs`): an APR product is refused when it is created if any term of 1 to
36 months would cost more than its cap; every loan is checked again at disbursement on its own
term and its own cap (:func:`contract_cost_problem`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import ConfigurationError, ConflictError, RuleViolation
from fairdebt.ledger.costs import CHECKED_TERMS, contract_cost_rate, worst_contract_cost
from fairdebt.models import (
    Component,
    CostCapKind,
    LprRate,
    Overpayment,
    PartialPrepayment,
    Product,
    RepaymentMethod,
)

__all__ = [
    "contract_cost_problem",
    "create_product",
    "load_lpr_table",
    "parse_allocation_order",
    "products_by_code",
    "resolve_cost_cap",
    "set_lpr",
]


def parse_allocation_order(text: str) -> tuple[str, ...]:
    """Read ``"penalty,fee,interest,principal"``; every component exactly once.

    >>> parse_allocation_order("fee, penalty,interest,principal")
    ('fee', 'penalty', 'interest', 'principal')
    """
    order = tuple(part.strip() for part in text.split(","))
    if sorted(order) != sorted(c.value for c in Component):
        raise ConfigurationError(
            "allocation_order must name penalty, fee, interest and principal once each "
            f"(got {text!r})"
        )
    return order


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f} %"


def contract_cost_problem(
    *,
    annual_rate: Decimal,
    monthly_fee_rate: Decimal,
    term_months: int,
    method: str,
    cap: Decimal,
) -> str | None:
    """Why a contract costs more than its cap (its IRR figure and the cap), or None.

    >>> contract_cost_problem(annual_rate=Decimal("0.12"), monthly_fee_rate=Decimal("0.01"),
    ...     term_months=12, method="equal_installment", cap=Decimal("0.24"))
    'its annualised cost by IRR is 0.3276 (32.76 %) over 12 months, above its cap 0.2400 (24.00 %)'
    """
    cost = contract_cost_rate(
        annual_rate=Decimal(annual_rate),
        monthly_fee_rate=Decimal(monthly_fee_rate),
        term_months=term_months,
        method=method,
    )
    ceiling = Decimal(cap).quantize(Decimal("0.0001"))
    if cost <= ceiling:
        return None
    return (
        f"its annualised cost by IRR is {cost} ({_percent(cost)}) over {term_months} months, "
        f"above its cap {ceiling} ({_percent(ceiling)})"
    )


def _choice(value: str, allowed: type[StrEnum], field: str) -> None:
    names = [member.value for member in allowed]
    if value not in names:
        raise ConfigurationError(
            f"product {field} must be one of {', '.join(names)} (got {value!r})"
        )


def create_product(
    session: Session,
    *,
    code: str,
    name: str,
    repayment_method: str,
    annual_rate: Decimal,
    monthly_fee_rate: Decimal,
    penalty_daily_rate: Decimal,
    cost_cap_kind: str,
    cost_cap_rate: Decimal,
    grace_days: int = 0,
    charge_off_days: int = 180,
    allocation_order: str = "penalty,fee,interest,principal",
    overpayment: str = "prepay",
    prepayment_fee_rate: Decimal | None = None,
    partial_prepayment: str = PartialPrepayment.LOWER_INSTALMENT,
    checked_terms: range = CHECKED_TERMS,
    actor: str,
    at: dt.datetime,
) -> Product:
    """Add a product; an APR product costing more than its cap at any checked term is refused."""
    _choice(repayment_method, RepaymentMethod, "repayment_method")
    _choice(cost_cap_kind, CostCapKind, "cost_cap_kind")
    _choice(overpayment, Overpayment, "overpayment")
    _choice(partial_prepayment, PartialPrepayment, "partial_prepayment")
    if prepayment_fee_rate is not None and not 0 <= Decimal(prepayment_fee_rate) < 1:
        raise ConfigurationError(
            f"product {code}: prepayment_fee_rate must be at least 0 and below 1 "
            f"(got {prepayment_fee_rate})"
        )
    order = ",".join(parse_allocation_order(allocation_order))
    rates = {
        "annual_rate": annual_rate,
        "monthly_fee_rate": monthly_fee_rate,
        "penalty_daily_rate": penalty_daily_rate,
        "cost_cap_rate": cost_cap_rate,
    }
    for field, rate in rates.items():
        if Decimal(rate) < 0:
            raise ConfigurationError(f"product {code}: {field} must not be negative (got {rate})")
    if grace_days < 0 or charge_off_days < 1:
        raise ConfigurationError(
            f"product {code}: grace_days must be >= 0 and charge_off_days >= 1 "
            f"(got {grace_days}, {charge_off_days})"
        )
    if cost_cap_kind == CostCapKind.APR:
        # A product has no term of its own: its worst term must fit under the cap.
        _, term = worst_contract_cost(
            annual_rate=annual_rate,
            monthly_fee_rate=monthly_fee_rate,
            method=repayment_method,
            terms=checked_terms,
        )
        problem = contract_cost_problem(
            annual_rate=annual_rate,
            monthly_fee_rate=monthly_fee_rate,
            term_months=term,
            method=repayment_method,
            cap=cost_cap_rate,
        )
        if problem is not None:
            raise ConfigurationError(f"product {code}: {problem}")
    if session.scalar(select(Product.id).where(Product.code == code)) is not None:
        raise ConflictError(f"product {code} already exists")
    product = Product(
        code=code,
        name=name,
        repayment_method=repayment_method,
        allocation_order=order,
        overpayment=overpayment,
        prepayment_fee_rate=None if prepayment_fee_rate is None else Decimal(prepayment_fee_rate),
        partial_prepayment=partial_prepayment,
        cost_cap_kind=cost_cap_kind,
        grace_days=grace_days,
        charge_off_days=charge_off_days,
        **{field: Decimal(rate) for field, rate in rates.items()},
    )
    session.add(product)
    session.flush()
    audit.record(
        session,
        action="product.created",
        entity="product",
        entity_id=product.id,
        actor=actor,
        at=at,
        data={
            "code": code,
            "order": order,
            "overpayment": overpayment,
            "prepayment_fee_rate": prepayment_fee_rate,
            "partial_prepayment": partial_prepayment,
            **rates,
        },
    )
    return product


def set_lpr(
    session: Session, *, effective_on: dt.date, one_year_rate: Decimal, actor: str, at: dt.datetime
) -> None:
    """Record the one-year LPR in force from ``effective_on`` (replacing a same-day value)."""
    if not Decimal(0) < Decimal(one_year_rate) < 1:
        raise ConfigurationError(f"one-year LPR must be between 0 and 1 (got {one_year_rate})")
    row = session.get(LprRate, effective_on)
    if row is None:
        session.add(LprRate(effective_on=effective_on, one_year_rate=Decimal(one_year_rate)))
    else:
        row.one_year_rate = Decimal(one_year_rate)
    session.flush()
    audit.record(
        session,
        action="lpr.set",
        entity="lpr_rate",
        entity_id=effective_on.isoformat(),
        actor=actor,
        at=at,
        data={"effective_on": effective_on, "one_year_rate": Decimal(one_year_rate)},
    )


def load_lpr_table(session: Session) -> list[tuple[dt.date, Decimal]]:
    """The LPR history, oldest first."""
    rows = session.execute(
        select(LprRate.effective_on, LprRate.one_year_rate).order_by("effective_on")
    )
    return [(on, Decimal(rate)) for on, rate in rows]


def resolve_cost_cap(
    *,
    kind: str,
    rate: Decimal,
    contract_on: dt.date,
    lpr_table: Sequence[tuple[dt.date, Decimal]],
    record: str,
) -> Decimal:
    """The annual cost ceiling of a loan contracted on ``contract_on``.

    >>> table = [(dt.date(2025, 5, 20), Decimal("0.0300")),
    ...          (dt.date(2026, 1, 20), Decimal("0.0290"))]
    >>> resolve_cost_cap(kind="lpr_multiple", rate=Decimal(4), contract_on=dt.date(2026, 1, 19),
    ...                  lpr_table=table, record="loan L-1")
    Decimal('0.1200')
    """
    if kind == CostCapKind.APR:
        return Decimal(rate)
    dates = [on for on, _ in lpr_table]
    index = bisect.bisect_right(dates, contract_on) - 1
    if index < 0:
        raise RuleViolation(
            f"no one-year LPR is recorded in force on {contract_on}; run set_lpr first",
            record=record,
            field="disbursed_on",
        )
    return Decimal(rate) * lpr_table[index][1]


def products_by_code(session: Session, codes: Sequence[str]) -> Mapping[str, Product]:
    """The products named by ``codes`` (unknown codes are simply absent)."""
    rows = session.scalars(select(Product).where(Product.code.in_(set(codes))))
    return {product.code: product for product in rows}
