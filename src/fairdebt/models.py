"""Every table of the ledger, as SQLAlchemy 2 typed models.

Money is :class:`Money` read back as Decimal (NUMERIC(18, 2) on PostgreSQL, integer cents on
SQLite: exact on both, docs/decisions/exact-money.md); rates are ``Numeric(12, 8)``; instants are
aware datetimes stored in UTC (:class:`UTCDateTime`), business dates are plain dates. Rows are
written only by the named verbs in the business-noun modules (``loans``, ``payments``, ...), each
of which writes its audit entry in the same transaction. Tables are singular snake_case and
foreign keys are ``<table>_id``, as in docs/glossary.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import operators

from fairdebt.money import CENT, cents_of, decimal_of

__all__ = [
    "Accrual",
    "Agency",
    "AgencyCommission",
    "AgencyEvaluation",
    "AllocationLine",
    "ApiToken",
    "AppUser",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Borrower",
    "Collector",
    "Complaint",
    "Component",
    "Consent",
    "ContactEvent",
    "ContactMethod",
    "ContactOwner",
    "ContactPreference",
    "CostCapKind",
    "CycleRun",
    "Decision",
    "DecisionStatus",
    "Hold",
    "HoldKind",
    "IdempotencyKey",
    "Installment",
    "JournalLine",
    "Loan",
    "LoanDay",
    "LoanStatus",
    "LprRate",
    "Money",
    "Overpayment",
    "PartialPrepayment",
    "Payment",
    "PaymentStatus",
    "Placement",
    "PlanKind",
    "PlanOffer",
    "PlanOfferStatus",
    "Product",
    "Promise",
    "PromiseKind",
    "PromiseStatus",
    "Recovery",
    "RepaymentMethod",
    "RepaymentPlan",
    "SimulationRun",
    "Waiver",
    "Webhook",
    "WebhookDelivery",
]

# Constraint names are fixed so that migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RATE = Numeric(12, 8, asdecimal=True)
# BIGINT keys on PostgreSQL; SQLite only autoincrements a column declared INTEGER.
ID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC; naive datetimes are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; times must be aware")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        if stored.tzinfo is None:  # SQLite drops the offset; we stored UTC
            return stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(dt.UTC)


class Money(TypeDecorator[Decimal]):
    """An exact amount in yuan: NUMERIC(18, 2) on PostgreSQL, BIGINT integer cents on SQLite.

    SQLite has no decimal type: a NUMERIC column keeps 12.34 as an IEEE double. Integer cents
    keep every amount of NUMERIC(18, 2) exactly, and SQLite's own comparisons and sums over
    them are exact integer arithmetic. Raw SQL that bypasses this type reads and writes cents
    on SQLite (``fairdebt.db.driver_types``, ``cents_sql``).
    """

    impl = Numeric(18, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        # Both databases refuse what no money column holds, with the same message.
        cents = cents_of(value)
        return cents if dialect.name == "sqlite" else decimal_of(cents)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return Decimal(value).quantize(CENT)
        if isinstance(value, int):
            return decimal_of(value)
        # Only an expression that is not a plain amount (money × a rate) gives a float here.
        return (Decimal(repr(value)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # ``amount * 2`` multiplies by a number, not by ¥2 (which is 200 cents on SQLite).
        if op in (operators.mul, operators.truediv, operators.floordiv, operators.mod):
            return Numeric()
        return self


MONEY = Money()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    BULLET = "bullet"


class CostCapKind(StrEnum):
    APR = "apr"  # a fixed annual ceiling, e.g. 24 % or 36 %
    LPR_MULTIPLE = "lpr_multiple"  # k × the one-year LPR in force at the contract date


class Overpayment(StrEnum):
    PREPAY = "prepay"  # reduce outstanding principal, latest installments first
    CREDIT = "credit"  # hold as a credit on the loan


class PartialPrepayment(StrEnum):
    """What a partial prepayment changes: the number of dues left or the amount of each."""

    SHORTEN_TERM = "shorten_term"  # 缩短期限: the instalment stays, the last dues fall away
    LOWER_INSTALMENT = "lower_instalment"  # 减少月供: the dues stay, each is smaller


class LoanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    CHARGED_OFF = "charged_off"


class Component(StrEnum):
    PENALTY = "penalty"
    FEE = "fee"
    INTEREST = "interest"
    PRINCIPAL = "principal"


class PaymentStatus(StrEnum):
    POSTED = "posted"
    REVERSED = "reversed"


class HoldKind(StrEnum):
    COMPLAINT = "complaint"
    DISPUTE = "dispute"
    HARDSHIP = "hardship"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    LEGAL = "legal"
    # A repayment plan the borrower is keeping (docs/decisions/plan-offers.md): contact stops and
    # the clock stops, as under a hardship hold, until the plan is completed or breached.
    PLAN = "plan"


# Holds that only stop contact (a conduct complaint holds the actors complained about): the debt
# still ages and accrues, unlike a dispute, hardship or legal hold, which stop the clock too.
CONTACT_ONLY_HOLDS = (HoldKind.COMPLAINT.value,)


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class DecisionStatus(StrEnum):
    PLANNED = "planned"  # allowed by the gate, within capacity, waiting to be carried out
    HELD_OUT = "held_out"  # the randomised no-contact cell: no action by design
    NO_ACTION = "no_action"  # the policy chose to leave the account alone today
    REFUSED = "refused"  # the gate refused every version of the action today
    NO_CAPACITY = "no_capacity"  # the pool was full and nothing cheaper was allowed
    DONE = "done"  # carried out: the contact event names the decision
    MISSED = "missed"  # planned but not carried out by the end of the day


class ContactOwner(StrEnum):
    BORROWER = "borrower"
    EMERGENCY_CONTACT = "emergency_contact"
    EMPLOYER = "employer"


class Borrower(Base):
    __tablename__ = "borrower"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stored masked except the last 4 characters (PIPL data minimisation): '**************1234'.
    national_id_masked: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16), default="zh-CN")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    monthly_income_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ContactMethod(Base):
    __tablename__ = "contact_method"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # phone | email | address
    value: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(24))  # ContactOwner
    owner_name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(40))  # for emergency contacts
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the person at this address asked for no more contact (China: stop when told).
    refused_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    repayment_method: Mapped[str] = mapped_column(String(24))  # RepaymentMethod
    annual_rate: Mapped[Decimal] = mapped_column(RATE)  # nominal annual interest rate
    monthly_fee_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))  # of principal
    penalty_daily_rate: Mapped[Decimal] = mapped_column(RATE)  # on overdue principal
    cost_cap_kind: Mapped[str] = mapped_column(String(16))  # CostCapKind
    cost_cap_rate: Mapped[Decimal] = mapped_column(RATE)  # 0.24 for APR; 4 for 4 × LPR
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    charge_off_days: Mapped[int] = mapped_column(Integer, default=180)
    # Within one due: the order components are paid in. Across dues: oldest first.
    allocation_order: Mapped[str] = mapped_column(
        String(80), default="penalty,fee,interest,principal"
    )
    overpayment: Mapped[str] = mapped_column(String(16), default=Overpayment.PREPAY)
    # A fee on the principal a borrower repays before it falls due (None: no fee); it counts
    # toward the loan's cost cap (ledger/prepayments.py).
    prepayment_fee_rate: Mapped[Decimal | None] = mapped_column(RATE)
    partial_prepayment: Mapped[str] = mapped_column(
        String(16), default=PartialPrepayment.LOWER_INSTALMENT
    )


class LprRate(Base):
    """The one-year Loan Prime Rate, by the date from which it is in force."""

    __tablename__ = "lpr_rate"

    effective_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    one_year_rate: Mapped[Decimal] = mapped_column(RATE)


class Loan(Base):
    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    principal_amount: Mapped[Decimal] = mapped_column(MONEY)
    annual_rate: Mapped[Decimal] = mapped_column(RATE)
    term_months: Mapped[int] = mapped_column(Integer)
    repayment_method: Mapped[str] = mapped_column(String(24))
    disbursed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # The annual total-cost ceiling resolved at the contract date (APR cap, or k × LPR then).
    cost_cap_rate: Mapped[Decimal] = mapped_column(RATE)
    status: Mapped[str] = mapped_column(String(16), default=LoanStatus.ACTIVE)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    charged_off_on: Mapped[dt.date | None] = mapped_column(Date)
    credit_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))


class Installment(Base):
    """One due of a schedule. Restructuring supersedes rows instead of editing them."""

    __tablename__ = "installment"
    __table_args__ = (Index("ix_installment_loan_id_due_on", "loan_id", "due_on"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"))
    seq: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    principal_due: Mapped[Decimal] = mapped_column(MONEY)
    interest_due: Mapped[Decimal] = mapped_column(MONEY)
    fee_due: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    penalty_due: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    principal_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    interest_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    fee_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    penalty_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    principal_waived: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    interest_waived: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    fee_waived: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    penalty_waived: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    # Business date from which the row is part of the schedule, and until which (exclusive).
    created_on: Mapped[dt.date] = mapped_column(Date)
    superseded_on: Mapped[dt.date | None] = mapped_column(Date)
    repayment_plan_id: Mapped[int | None] = mapped_column(ForeignKey("repayment_plan.id"))


class Payment(Base):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    # The lender's own id for the payment; posting is idempotent on it.
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    # The value date: when the borrower paid. Allocation and penalties follow it.
    paid_on: Mapped[dt.date] = mapped_column(Date)
    # The booking date: when the lender learned of it (None: the value date). A payment booked
    # after its value date, behind what the ledger already did, replays the loan (ledger/replay.py).
    booked_on: Mapped[dt.date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.POSTED)
    prepaid_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    credit_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    reversed_on: Mapped[dt.date | None] = mapped_column(Date)
    reversal_reason: Mapped[str | None] = mapped_column(String(200))


class AllocationLine(Base):
    """Which component of which installment a payment paid; reversals add negative lines."""

    __tablename__ = "allocation_line"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    component: Mapped[str] = mapped_column(String(16))  # Component
    amount: Mapped[Decimal] = mapped_column(MONEY)
    # The business date the line takes effect: paid_on, or reversed_on for a negative line.
    effective_on: Mapped[dt.date] = mapped_column(Date)


class Recovery(Base):
    """Money received on a charged-off loan: its own allocation over what was written off.

    The payment row keeps idempotency and the audit trail; the recovery never touches the
    installments, so the loan stays charged off (ledger/recoveries.py).
    """

    __tablename__ = "recovery"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    recovered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    principal_amount: Mapped[Decimal] = mapped_column(MONEY)
    interest_amount: Mapped[Decimal] = mapped_column(MONEY)
    fee_amount: Mapped[Decimal] = mapped_column(MONEY)
    penalty_amount: Mapped[Decimal] = mapped_column(MONEY)
    # Beyond everything written off: owed back to the borrower.
    excess_amount: Mapped[Decimal] = mapped_column(MONEY)
    reversed_on: Mapped[dt.date | None] = mapped_column(Date)


class Accrual(Base):
    """A charge added to an installment after disbursement: daily penalty, a late fee."""

    __tablename__ = "accrual"
    __table_args__ = (UniqueConstraint("installment_id", "component", "accrued_on"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    component: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    accrued_on: Mapped[dt.date] = mapped_column(Date)


class JournalLine(Base):
    """One line of the double-entry general ledger (ledger/journal.py, ledger/accounts.py).

    ``amount`` is signed: positive is a debit, negative a credit, so every entry (the lines of
    one ``kind``, ``source_id`` and ``posted_on``) sums to zero. ``source_id`` is the id of the
    row the verb wrote (payment, loan, waiver, plan, recovery); every line names its loan, so
    the receivables of each loan can be held against its open instalment components.
    """

    __tablename__ = "journal_line"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # the verb's audit action, e.g. payment.posted
    source_id: Mapped[int] = mapped_column(BigInteger)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"))
    posted_on: Mapped[dt.date] = mapped_column(Date)
    account: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MONEY)


class Waiver(Base):
    __tablename__ = "waiver"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id"))
    component: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    waived_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(80))


class Hold(Base):
    """A pause on collection: while active, delinquent days stop counting and contact stops."""

    __tablename__ = "hold"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # HoldKind
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)  # exclusive; None while in force
    reason: Mapped[str | None] = mapped_column(String(300))
    # Whose contact it stops: None for everyone, else the ``by`` of contact events it covers
    # (``lender`` or ``agency:NAME``); a conduct complaint holds only the actors involved.
    scope: Mapped[str | None] = mapped_column(String(80))
    # The complaint that opened it, lifted when the complaint is resolved.
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))


class PromiseKind(StrEnum):
    FULL = "full"  # everything overdue, by one date
    PARTIAL = "partial"  # part of what is overdue, by one date
    INSTALMENT = "instalment"  # one of several amounts on several dates (a series)


class Promise(Base):
    """A promise to pay (ptp): an amount by a date, settled kept, partly kept or broken."""

    __tablename__ = "promise"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    promised_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PromiseStatus.OPEN)
    kept_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(80))
    # The conversation in which it was made, when it came from a contact.
    contact_event_id: Mapped[int | None] = mapped_column(ForeignKey("contact_event.id"))
    kind: Mapped[str] = mapped_column(String(16), default=PromiseKind.FULL)
    # An instalment promise: the id of the series' first promise, and its place (1, 2, ...).
    series_id: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)


class RepaymentPlan(Base):
    """A new schedule that replaces a loan's remaining installments (restructure or extend)."""

    __tablename__ = "repayment_plan"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # restructure | extend
    starts_on: Mapped[dt.date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer)
    annual_rate: Mapped[Decimal] = mapped_column(RATE)
    restructured_amount: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str | None] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(80))
    # The oldest due that was overdue when the plan started (None: the loan was current). The
    # loan keeps that delinquency until it re-ages (docs/decisions/classification.md).
    carried_due_on: Mapped[dt.date | None] = mapped_column(Date)


class PlanKind(StrEnum):
    INSTALMENT = "instalment"  # 分期: what is owed over a new term at up to the loan's rate
    EXTENSION = "extension"  # 展期: the remaining dues plus some months, at the loan's rate
    INTEREST_FREEZE = "interest_freeze"  # 停息挂账 / 个性化分期: no interest, up to 60 months
    PENALTY_WAIVER = "penalty_waiver"  # 减免罚息: penalties forgiven, the arrears paid by a date
    SETTLEMENT = "settlement"  # 折扣结清: a discounted payoff, forgiven the rest once paid


class PlanOfferStatus(StrEnum):
    OFFERED = "offered"
    DECLINED = "declined"  # another offer of the same loan was accepted
    PERFORMING = "performing"  # accepted: the plan is in force and being kept
    COMPLETED = "completed"
    BREACHED = "breached"  # a payment missed beyond the grace period: back to collections


class PlanOffer(Base):
    """A plan offered for a loan and, once accepted, the plan itself and how it ended.

    ``instalments`` is the JSON list ``[{"due_on", "amount"}]`` the plan asks to be paid; the
    figures are those shown to the borrower when it was offered (docs/decisions/plan-offers.md).
    """

    __tablename__ = "plan_offer"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PlanKind
    status: Mapped[str] = mapped_column(String(16), default=PlanOfferStatus.OFFERED)
    rank: Mapped[int] = mapped_column(Integer)  # 1 = the highest expected recovery
    offered_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(8))
    segment: Mapped[str] = mapped_column(String(40))
    term_months: Mapped[int] = mapped_column(Integer)
    plan_rate: Mapped[Decimal] = mapped_column(RATE)  # the nominal rate of the new dues
    owed_amount: Mapped[Decimal] = mapped_column(MONEY)  # the payoff on offered_on
    total_amount: Mapped[Decimal] = mapped_column(MONEY)  # everything paid from offered_on
    total_cost: Mapped[Decimal] = mapped_column(MONEY)  # total_amount less principal owed
    forgiven_amount: Mapped[Decimal] = mapped_column(MONEY)  # penalty waived, discount given
    cost_rate: Mapped[Decimal] = mapped_column(RATE)  # the loan's IRR cost if the plan is kept
    cap_rate: Mapped[Decimal] = mapped_column(RATE)
    instalments: Mapped[str] = mapped_column(Text)
    capacity_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    completion_probability: Mapped[float] = mapped_column(Float)
    expected_recovery_amount: Mapped[Decimal] = mapped_column(MONEY)
    approved_by: Mapped[str | None] = mapped_column(String(80))  # an exception's approver
    actor: Mapped[str] = mapped_column(String(80))
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    repayment_plan_id: Mapped[int | None] = mapped_column(ForeignKey("repayment_plan.id"))
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("hold.id"))


class ContactEvent(Base):
    """A contact attempt or an inbound contact, by the lender, an agency or a robot."""

    __tablename__ = "contact_event"
    __table_args__ = (Index("ix_contact_event_borrower_id_at", "borrower_id", "at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))
    contact_method_id: Mapped[int | None] = mapped_column(ForeignKey("contact_method.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    direction: Mapped[str] = mapped_column(String(16))  # outbound | inbound
    channel: Mapped[str] = mapped_column(String(16))  # call | sms | email | app_push | ...
    mode: Mapped[str] = mapped_column(String(16), default="agent")  # agent | robot
    recipient: Mapped[str] = mapped_column(String(16))  # debtor | spouse | contact | ...
    address: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(80), default="lender")  # lender | agency:NAME
    purpose: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    # Who made it: a collector (person), a robot, an agency, the system (reminders) or the
    # borrower (inbound); and the collector when a person did.
    actor_kind: Mapped[str] = mapped_column(String(16), default="collector")
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("collector.id"))
    # The planned decision it carried out, the catalogue action and template used.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    action: Mapped[str | None] = mapped_column(String(32))
    template: Mapped[str | None] = mapped_column(String(64))
    # The gate's verdict on this attempt at its instant (False only when someone bypassed it).
    gate_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    gate_rule: Mapped[str | None] = mapped_column(String(64))
    # Who answered (None when nobody did) and what came of it: ptp, refused_to_pay,
    # refused_to_talk, dispute, callback, wrong_party, no_result.
    right_party: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str | None] = mapped_column(String(24))


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The contact that caused it, when the borrower names one (conduct complaints).
    contact_event_id: Mapped[int | None] = mapped_column(ForeignKey("contact_event.id"))
    # What stands behind it: the template, the collector and the agency (None: the lender).
    template: Mapped[str | None] = mapped_column(String(64))
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("collector.id"))
    agency: Mapped[str | None] = mapped_column(String(80))
    is_conduct: Mapped[bool] = mapped_column(Boolean, default=False)
    # Deadlines (docs/decisions/complaints.md): acknowledge, then decide.
    acknowledge_by: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    assigned_to: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    root_cause: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None] = mapped_column(Text)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)


class AuditHead(Base):
    """The single row holding the chain's last hash; locking it serialises writers."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only, hash-chained record of every state change and every gate decision."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. payment.posted
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LoanDay(Base):
    """The daily close of business: one snapshot row per loan per business date."""

    __tablename__ = "loan_day"
    # Millions of rows are appended in key order: one B-tree (no rowid) is smaller and faster.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it)

    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    overdue_since: Mapped[dt.date | None] = mapped_column(Date)
    dpd: Mapped[int] = mapped_column(Integer)
    delinquent_days: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[str] = mapped_column(String(8))
    principal_overdue: Mapped[Decimal] = mapped_column(MONEY)
    interest_overdue: Mapped[Decimal] = mapped_column(MONEY)
    fee_overdue: Mapped[Decimal] = mapped_column(MONEY)
    penalty_overdue: Mapped[Decimal] = mapped_column(MONEY)
    principal_outstanding: Mapped[Decimal] = mapped_column(MONEY)
    is_held: Mapped[bool] = mapped_column(Boolean)
    # 五级分类 (normal ... loss) and whether a restructure is under observation; None on rows
    # closed before revision 0004.
    risk_class: Mapped[str | None] = mapped_column(String(16))
    is_restructured: Mapped[bool | None] = mapped_column(Boolean)


class CycleRun(Base):
    __tablename__ = "cycle_run"

    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    engine: Mapped[str] = mapped_column(String(16))
    bucket_scheme: Mapped[str] = mapped_column(String(40))
    loan_count: Mapped[int] = mapped_column(Integer)
    ran_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SimulationRun(Base):
    """A simulated portfolio's parameters and the ground truth of any injected scenario."""

    __tablename__ = "simulation_run"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    seed: Mapped[int] = mapped_column(Integer)
    borrowers: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer)
    start_on: Mapped[dt.date] = mapped_column(Date)
    scenario: Mapped[str | None] = mapped_column(String(40))
    truth: Mapped[str] = mapped_column(Text)  # JSON: what was injected, where, from when
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Collector(Base):
    """A person who collects: a lender's agent or an agency's staff member, with a team."""

    __tablename__ = "collector"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(40))
    # The capacity pool the person works in (agent_call, field_visit, ...; see the catalogue).
    pool: Mapped[str] = mapped_column(String(32))
    # Stages the person is trained for, comma-separated: pre_due, early, mid, late.
    skills: Mapped[str] = mapped_column(String(80))
    # Local working hours (the collector's shift) and the cases a day they can work.
    shift_start: Mapped[dt.time] = mapped_column(Time)
    shift_end: Mapped[dt.time] = mapped_column(Time)
    daily_capacity: Mapped[int] = mapped_column(Integer)
    agency: Mapped[str | None] = mapped_column(String(80))  # None for the lender's own staff
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Decision(Base):
    """One account's action for one business date, from one policy: the strategy's log.

    Every eligible account gets a row, "none" included, with the arm it was randomised to and
    the probability the policy had of choosing that action (its propensity), so a learned
    policy can be trained and judged off-policy on these rows. A collector's work queue is
    the planned rows assigned to them, in ``queue_position`` order.
    """

    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("business_date", "loan_id", "policy"),
        Index("ix_decision_collector_id_business_date", "collector_id", "business_date"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    business_date: Mapped[dt.date] = mapped_column(Date)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"))
    policy: Mapped[str] = mapped_column(String(40))  # champion, none, optimised, ...
    arm: Mapped[str] = mapped_column(String(24))  # the randomised cell: holdout, champion, ...
    stage: Mapped[str] = mapped_column(String(16))  # pre_due, early, mid, late
    dpd: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)  # behaviour score when the policy used one
    action: Mapped[str] = mapped_column(String(32))  # the catalogue action finally decided
    proposed_action: Mapped[str] = mapped_column(String(32))  # what the policy first chose
    propensity: Mapped[float] = mapped_column(Float)  # P(policy chooses ``action`` | state)
    reason: Mapped[str] = mapped_column(String(48))  # a reason code of docs/strategy.md
    status: Mapped[str] = mapped_column(String(16))  # DecisionStatus
    planned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    template: Mapped[str | None] = mapped_column(String(64))
    gate_rule: Mapped[str | None] = mapped_column(String(64))  # first refusing rule, if any
    next_allowed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("collector.id"))
    queue_position: Mapped[int | None] = mapped_column(Integer)


class Consent(Base):
    """A debtor's recorded agreement: contact at a time the rules forbid, a channel, a party."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"), index=True)
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    party: Mapped[str] = mapped_column(String(16), default="collector")  # collector | creditor
    channel: Mapped[str | None] = mapped_column(String(16))
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ContactPreference(Base):
    """How a borrower asked to be contacted: times to avoid, channels to use or not, or stop.

    Kinds: ``inconvenient_time`` (a local daily range), ``no_channel`` and ``preferred_channel``
    (a channel), ``cease`` (stop collection contact). They bind every actor, agencies included,
    through the gate's facts; ``ended_at`` closes one.
    """

    __tablename__ = "contact_preference"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrower.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str | None] = mapped_column(String(16))
    from_time: Mapped[dt.time | None] = mapped_column(Time)
    to_time: Mapped[dt.time | None] = mapped_column(Time)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AppUser(Base):
    """Someone who signs in or calls the API: a person in a role, or a machine (a dialer).

    ``agency`` limits an agency user to the cases placed with that agency; ``collector_id``
    ties a collector (or an agency's collector) to their work queue; ``borrower_id`` ties a
    borrower to the portal. Passwords are stored as argon2 hashes; machines have none.
    """

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # fairdebt.users.Role
    password_hash: Mapped[str | None] = mapped_column(String(200))
    agency: Mapped[str | None] = mapped_column(String(80))
    team: Mapped[str | None] = mapped_column(String(40))
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("collector.id"))
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("borrower.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token of a user, kept only as its SHA-256 (the token itself is shown once)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class IdempotencyKey(Base):
    """A write already answered: the same key from the same user replays the stored answer."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Webhook(Base):
    """A lender's endpoint that is sent signed events (plan, promise, complaint)."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))  # the HMAC key; both sides must hold it
    events: Mapped[str] = mapped_column(String(200))  # comma-separated event names or prefixes
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class WebhookDelivery(Base):
    """One event for one webhook: written with the state change (an outbox), sent after."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_delivered_at", "delivered_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))  # plan.accepted, promise.recorded, ...
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, exactly as signed and sent
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))


class Agency(Base):
    """A third-party collection agency (委外催收机构) the lender places accounts with.

    Its staff are :class:`Collector` rows naming it; its contacts are contact events ``by``
    ``agency:NAME``; its yearly evaluations and placements are rows of their own.
    """

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)  # the NAME of ``agency:NAME``
    legal_name: Mapped[str] = mapped_column(String(200))
    # The end of the outsourcing contract; an evaluation is due before it (GB/T 45251-2025).
    contract_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AgencyCommission(Base):
    """The agency's commission on recoveries, as a rate per bucket at placement."""

    __tablename__ = "agency_commission"
    __table_args__ = (UniqueConstraint("agency_id", "bucket"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    bucket: Mapped[str] = mapped_column(String(8))
    rate: Mapped[Decimal] = mapped_column(RATE)  # 0.25: a quarter of what is recovered


class AgencyEvaluation(Base):
    """One evaluation of an agency: conduct, task quality and information security.

    GB/T 45251-2025 (as reported): at least once a year and once before the contract expires;
    the result decides whether the agency may receive placements (docs/decisions/agencies.md).
    """

    __tablename__ = "agency_evaluation"
    __table_args__ = (
        Index("ix_agency_evaluation_agency_id_evaluated_on", "agency_id", "evaluated_on"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # annual | pre_expiry | ad_hoc
    conduct_passed: Mapped[bool] = mapped_column(Boolean)
    quality_passed: Mapped[bool] = mapped_column(Boolean)
    security_passed: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)  # all three
    evaluator: Mapped[str] = mapped_column(String(80))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Placement(Base):
    """A loan handed to an agency from ``placed_on`` until ``recalled_on`` (exclusive)."""

    __tablename__ = "placement"
    __table_args__ = (Index("ix_placement_agency_id_placed_on", "agency_id", "placed_on"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    placed_on: Mapped[dt.date] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(8))  # the loan's bucket on placed_on
    dpd: Mapped[int] = mapped_column(Integer)
    balance_amount: Mapped[Decimal] = mapped_column(MONEY)  # outstanding when placed
    commission_rate: Mapped[Decimal] = mapped_column(RATE)  # the schedule's rate for the bucket
    recalled_on: Mapped[dt.date | None] = mapped_column(Date)
    recall_reason: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(80))
