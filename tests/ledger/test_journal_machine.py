"""The general ledger under random sequences of verbs (Hypothesis state machine).

Loans are disbursed, paid (on the business date or back-dated), prepaid, waived, restructured,
reversed and left to accrue and be charged off in any order; after every step debits equal
credits, every loan's receivables equal its open instalment components (now and as rebuilt for
the business date), replaying a loan from its disbursement gives the same balances, and no
loan's running cost is above its legal cap. A verb may refuse (a reversal of a payment whose credit
was used, a plan on a closed loan): the refusal rolls its transaction back, and the invariants
must hold all the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from fairdebt.db import make_session
from fairdebt.errors import FairdebtError
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.balances import check
from fairdebt.ledger.borrowers import register_borrowers
from fairdebt.ledger.chargeoffs import charge_off_due
from fairdebt.ledger.costs import running_costs
from fairdebt.ledger.credits import apply_credits
from fairdebt.ledger.loans import LoanIn, disburse, restructure, waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.prepayments import prepay
from fairdebt.ledger.replay import replay_loans
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import Loan, LoanStatus, Product

from .conftest import ACTOR, AT, START, add_product, make_borrower_in

# Three products between them take every path: a monthly fee with overpayment prepaid, a credit
# product (dues paid from credit as they fall due), and 等额本金 with a prepayment fee that
# shortens the term; all charge off early so that charge-off and recovery happen.
PRODUCTS: dict[str, dict[str, object]] = {
    "GLFEE": {
        "annual_rate": Decimal("0.10"),
        "monthly_fee_rate": Decimal("0.003"),
        "charge_off_days": 40,
    },
    "GLCREDIT": {"overpayment": "credit", "charge_off_days": 40},
    "GLPRIN": {
        "repayment_method": "equal_principal",
        "prepayment_fee_rate": Decimal("0.02"),
        "partial_prepayment": "shorten_term",
        "charge_off_days": 40,
    },
}
_ids = itertools.count()
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1500"), places=2)


def _balances(session: Session, loan_id: int) -> list[tuple[object, ...]]:
    """Every amount of the loan's current instalments, its credit and its receivables."""
    cent = Decimal("0.01")
    columns = [
        f"{c}_{part}"
        for part in ("due", "paid", "waived")
        for c in ("principal", "interest", "fee", "penalty")
    ]
    rows = session.execute(
        text(
            f"SELECT due_on, {', '.join(columns)} FROM installment "
            "WHERE loan_id = :loan AND superseded_on IS NULL ORDER BY due_on, seq"
        ),
        {"loan": loan_id},
    ).all()
    found: list[tuple[object, ...]] = [
        (str(row[0]), *(Decimal(str(v)).quantize(cent) for v in row[1:])) for row in rows
    ]
    credit = session.scalar(
        text("SELECT credit_amount FROM loan WHERE id = :loan"), {"loan": loan_id}
    )
    receivable = session.execute(
        text(
            "SELECT account, SUM(amount) FROM journal_line WHERE loan_id = :loan "
            "AND account LIKE '%receivable' GROUP BY account ORDER BY account"
        ),
        {"loan": loan_id},
    ).all()
    found.append((Decimal(str(credit)).quantize(cent),))
    found += [(a, Decimal(str(v)).quantize(cent)) for a, v in receivable]
    return found


def _machine(engine: Engine, *, check_cost: bool) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        loans = Bundle("loans")
        payments = Bundle("payments")

        def __init__(self) -> None:
            super().__init__()
            self.session: Session = make_session(engine)
            self.today = START
            self.run = next(_ids)
            self.count = itertools.count()

        def _do(self, name: str, verb: Callable[[], object]) -> bool:
            """Run one verb in its own transaction; a refusal rolls back and is no failure."""
            try:
                with self.session.begin():
                    verb()
            except FairdebtError:
                event(f"{name} refused")
                return False
            event(f"{name} done")
            return True

        @initialize()
        def setup(self) -> None:
            session = self.session
            with session.begin():
                for code, terms in PRODUCTS.items():
                    if session.scalar(select(Product.id).where(Product.code == code)) is None:
                        add_product(session, code, **terms)  # type: ignore[arg-type]
            with session.begin():
                (self.borrower_id,) = register_borrowers(
                    session,
                    borrowers=[make_borrower_in(f"B-GL-{self.run}")],
                    actor=ACTOR,
                    at=AT,
                )

        @rule(
            target=loans,
            code=st.sampled_from(sorted(PRODUCTS)),
            principal=st.decimals(min_value=Decimal("100"), max_value=Decimal("5000"), places=2),
            term=st.integers(min_value=1, max_value=6),
        )
        def disburse(self, code: str, principal: Decimal, term: int) -> str:
            external_id = f"GL-{self.run}-{next(self.count)}"
            loan = LoanIn(external_id, self.borrower_id, code, principal, term, self.today)
            self._do("disburse", lambda: disburse(self.session, loan=loan, actor=ACTOR, at=AT))
            return external_id

        @rule(target=payments, loan=loans, amount=amounts)
        def pay(self, loan: str, amount: Decimal) -> str:
            external_id = f"GP-{self.run}-{next(self.count)}"
            payment = PaymentIn(external_id, loan, amount, self.today)
            self._do(
                "post_payment",
                lambda: post_payment(self.session, payment=payment, actor=ACTOR, at=AT),
            )
            return external_id

        @rule(target=payments, loan=loans, amount=amounts, days=st.integers(1, 20))
        def pay_back_dated(self, loan: str, amount: Decimal, days: int) -> str:
            """A payment that settled ``days`` ago, posted today with its value date."""
            disbursed_on = self.session.scalar(
                select(Loan.disbursed_on).where(Loan.external_id == loan)
            )
            self.session.commit()
            paid_on = max(self.today - dt.timedelta(days=days), disbursed_on or self.today)
            external_id = f"GB-{self.run}-{next(self.count)}"
            payment = PaymentIn(external_id, loan, amount, paid_on, booked_on=self.today)
            self._do(
                "post_payment back-dated",
                lambda: post_payment(self.session, payment=payment, actor=ACTOR, at=AT),
            )
            return external_id

        @rule(target=payments, loan=loans, amount=amounts)
        def prepay(self, loan: str, amount: Decimal) -> str:
            external_id = f"GQ-{self.run}-{next(self.count)}"
            payment = PaymentIn(external_id, loan, amount, self.today)
            self._do("prepay", lambda: prepay(self.session, payment=payment, actor=ACTOR, at=AT))
            return external_id

        @rule(payment=payments)
        def reverse(self, payment: str) -> None:
            self._do(
                "reverse_payment",
                lambda: reverse_payment(
                    self.session,
                    external_id=payment,
                    reversed_on=self.today,
                    reason="returned by the bank",
                    actor=ACTOR,
                    at=AT,
                ),
            )

        def _loan_id(self, external_id: str) -> int | None:
            return self.session.scalar(select(Loan.id).where(Loan.external_id == external_id))

        @rule(
            loan=loans,
            component=st.sampled_from(["principal", "interest", "fee", "penalty"]),
            amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2),
        )
        def waive(self, loan: str, component: str, amount: Decimal) -> None:
            loan_id = self._loan_id(loan)
            self.session.commit()
            if loan_id is not None:
                self._do(
                    "waive",
                    lambda: waive(
                        self.session,
                        loan_id=loan_id,
                        component=component,
                        amount=amount,
                        waived_on=self.today,
                        reason="hardship",
                        actor=ACTOR,
                        at=AT,
                    ),
                )

        @rule(
            loan=loans,
            term=st.integers(min_value=1, max_value=6),
            rate=st.sampled_from([Decimal("0"), Decimal("0.06"), Decimal("0.18")]),
        )
        def restructure(self, loan: str, term: int, rate: Decimal) -> None:
            loan_id = self._loan_id(loan)
            self.session.commit()
            if loan_id is not None:
                self._do(
                    "restructure",
                    lambda: restructure(
                        self.session,
                        loan_id=loan_id,
                        starts_on=self.today,
                        term_months=term,
                        annual_rate=rate,
                        reason="hardship",
                        actor=ACTOR,
                        at=AT,
                    ),
                )

        @rule(days=st.integers(min_value=1, max_value=25))
        def close_days(self, days: int) -> None:
            """The ledger's end of day for each date: credits, penalties, charge-off."""
            for _ in range(days):
                self.today += dt.timedelta(days=1)
                day = self.today
                self._do("end of day", lambda day=day: self._end_of_day(day))  # type: ignore[misc]

        def _end_of_day(self, day: dt.date) -> None:
            session = self.session
            apply_credits(session, business_date=day, actor=ACTOR, at=AT)
            accrue_penalties(session, business_date=day, actor=ACTOR, at=AT)
            if charge_off_due(session, business_date=day, actor=ACTOR, at=AT):
                event("charge-off")

        @invariant()
        def receivables_equal_open_components_and_debits_equal_credits(self) -> None:
            if check_cost:  # the cost test checks only the cost (the other test the rest)
                return
            for on in (None, self.today):
                result = check(self.session, on=on)
                self.session.commit()
                assert result.debits == result.credits
                assert result.unbalanced == []
                assert result.differences == [], [d.as_json() for d in result.differences]

        @invariant()
        def replaying_a_loan_from_its_disbursement_gives_the_same_balances(self) -> None:
            if check_cost:
                return
            session = self.session
            with session.begin():
                loans = session.execute(
                    select(Loan.id, Loan.disbursed_on).where(
                        Loan.external_id.like(f"GL-{self.run}-%"),
                        Loan.status != LoanStatus.CHARGED_OFF,
                    )
                ).all()
                for loan_id, disbursed_on in loans:
                    savepoint = session.begin_nested()
                    before = _balances(session, loan_id)
                    try:
                        replay_loans(
                            session,
                            from_by_loan={loan_id: disbursed_on},
                            records={},
                            actor=ACTOR,
                            at=AT,
                        )
                    except FairdebtError:  # a plan, waiver or reversal it may not cross
                        savepoint.rollback()
                        event("replay from scratch refused")
                        continue
                    after = _balances(session, loan_id)
                    savepoint.rollback()
                    event("replay from scratch compared")
                    assert after == before
                session.rollback()

        @invariant()
        def no_running_cost_is_above_its_cap(self) -> None:
            if not check_cost:
                return
            ids = list(
                self.session.scalars(
                    select(Loan.id).where(
                        Loan.status == LoanStatus.ACTIVE,
                        Loan.external_id.like(f"GL-{self.run}-%"),
                    )
                )
            )
            figures = running_costs(self.session, loan_ids=ids, business_date=self.today)
            self.session.commit()
            over = [f for f in figures if f.annual_rate is not None and f.annual_rate > f.cap]
            assert over == []

        def teardown(self) -> None:
            self.session.close()

    return LedgerMachine


MACHINE_SETTINGS = settings(
    max_examples=10,
    stateful_step_count=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_any_sequence_of_verbs_keeps_the_ledger_balanced_and_equal_to_the_instalments(
    engine: Engine,
) -> None:
    machine = _machine(engine, check_cost=False)
    machine.TestCase.settings = MACHINE_SETTINGS
    machine.TestCase().runTest()


def test_any_sequence_of_verbs_keeps_every_running_cost_within_its_cap(
    sqlite_url: str,
) -> None:
    from fairdebt.db import make_engine, upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    machine = _machine(engine, check_cost=True)
    machine.TestCase.settings = settings(MACHINE_SETTINGS, max_examples=8)
    machine.TestCase().runTest()
    engine.dispose()
