"""Small ledgers for the cycle's tests, written with SQLAlchemy Core into the real tables.

The ledger verbs (disburse, post_payment, ...) are another module's business; these factories
write the rows those verbs would write (schedule, allocation lines, accruals, waivers, holds), so
the cycle can be tested on every database before and independently of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import Connection, insert, update

from fairdebt.models import (
    Accrual,
    AllocationLine,
    Borrower,
    Hold,
    Installment,
    Loan,
    Payment,
    Product,
    RepaymentPlan,
    Waiver,
)

__all__ = ["LedgerFactory", "add_months", "make_portfolio"]

AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_ids = count(1)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@dataclass
class LedgerFactory:
    """Writes ledger rows through one connection (the caller commits)."""

    connection: Connection
    borrower_id: int | None = None
    installments: dict[int, list[int]] = field(default_factory=dict)

    def _insert(self, model: Any, **values: Any) -> int:
        result = self.connection.execute(insert(model.__table__).values(**values))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def product(self, *, grace_days: int = 0, code: str | None = None) -> int:
        return self._insert(
            Product,
            code=code or f"P{next(_ids)}",
            name="test product",
            repayment_method="equal_principal",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal("0"),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            grace_days=grace_days,
            charge_off_days=180,
            allocation_order="penalty,fee,interest,principal",
            overpayment="prepay",
        )

    def loan(
        self,
        *,
        product_id: int,
        disbursed_on: dt.date,
        principal: Decimal = Decimal("1200.00"),
        term: int = 3,
        interest: Decimal = Decimal("10.00"),
        fee: Decimal = Decimal("0.00"),
    ) -> int:
        if self.borrower_id is None:
            self.borrower_id = self._insert(
                Borrower, external_id=f"B{next(_ids)}", name="张三", created_at=AT
            )
        loan_id = self._insert(
            Loan,
            external_id=f"L{next(_ids)}",
            borrower_id=self.borrower_id,
            product_id=product_id,
            principal_amount=principal,
            annual_rate=Decimal("0.18"),
            term_months=term,
            repayment_method="equal_principal",
            disbursed_on=disbursed_on,
            cost_cap_rate=Decimal("0.24"),
            status="active",
        )
        part = (principal / term).quantize(Decimal("0.01"))
        ids = []
        for seq in range(1, term + 1):
            last = seq == term
            ids.append(
                self.installment(
                    loan_id=loan_id,
                    seq=seq,
                    due_on=add_months(disbursed_on, seq),
                    principal=principal - part * (term - 1) if last else part,
                    interest=interest,
                    fee=fee,
                    created_on=disbursed_on,
                )
            )
        self.installments[loan_id] = ids
        return loan_id

    def installment(
        self,
        *,
        loan_id: int,
        seq: int,
        due_on: dt.date,
        principal: Decimal,
        interest: Decimal,
        created_on: dt.date,
        fee: Decimal = Decimal("0.00"),
    ) -> int:
        return self._insert(
            Installment,
            loan_id=loan_id,
            seq=seq,
            due_on=due_on,
            principal_due=principal,
            interest_due=interest,
            fee_due=fee,
            penalty_due=Decimal("0.00"),
            created_on=created_on,
        )

    def plan(
        self,
        loan_id: int,
        *,
        starts_on: dt.date,
        carried_due_on: dt.date | None,
        dues: int = 3,
        principal: Decimal = Decimal("400.00"),
    ) -> list[int]:
        """A restructure as plans.restructure writes it: the open dues superseded on
        ``starts_on``, a plan row, and ``dues`` new monthly dues; returns the new ids."""
        for i in self.installments[loan_id]:
            self.supersede(i, starts_on)
        plan_id = self._insert(
            RepaymentPlan,
            loan_id=loan_id,
            kind="restructure",
            starts_on=starts_on,
            term_months=dues,
            annual_rate=Decimal("0.06"),
            restructured_amount=principal * dues,
            reason="hardship",
            actor="tester",
            carried_due_on=carried_due_on,
        )
        new = []
        for seq in range(1, dues + 1):
            installment_id = self.installment(
                loan_id=loan_id,
                seq=10 + seq,
                due_on=add_months(starts_on, seq),
                principal=principal,
                interest=Decimal("12.00"),
                created_on=starts_on,
            )
            self.connection.execute(
                update(Installment.__table__)
                .where(Installment.__table__.c.id == installment_id)
                .values(repayment_plan_id=plan_id)
            )
            new.append(installment_id)
        self.installments[loan_id].extend(new)
        return new

    def supersede(self, installment_id: int, on: dt.date) -> None:
        table = Installment.__table__
        self.connection.execute(
            update(table).where(table.c.id == installment_id).values(superseded_on=on)
        )

    def pay(
        self,
        installment_id: int,
        *,
        on: dt.date,
        principal: Decimal = Decimal(0),
        interest: Decimal = Decimal(0),
        fee: Decimal = Decimal(0),
        penalty: Decimal = Decimal(0),
        reverse_on: dt.date | None = None,
    ) -> int:
        loan_id = self._loan_of(installment_id)
        parts = {"principal": principal, "interest": interest, "fee": fee, "penalty": penalty}
        total = sum(parts.values(), Decimal(0))
        payment_id = self._insert(
            Payment,
            external_id=f"X{next(_ids)}",
            loan_id=loan_id,
            amount=total,
            paid_on=on,
            status="posted" if reverse_on is None else "reversed",
            reversed_on=reverse_on,
        )
        for component, amount in parts.items():
            if amount:
                self._line(payment_id, installment_id, loan_id, component, amount, on)
                if reverse_on is not None:
                    self._line(payment_id, installment_id, loan_id, component, -amount, reverse_on)
        return payment_id

    def pay_in_full(self, installment_id: int, *, on: dt.date) -> None:
        row = self.connection.execute(
            Installment.__table__.select().where(Installment.__table__.c.id == installment_id)
        ).one()
        self.pay(
            installment_id,
            on=on,
            principal=Decimal(str(row.principal_due)),
            interest=Decimal(str(row.interest_due)),
            fee=Decimal(str(row.fee_due)),
        )

    def _line(
        self,
        payment_id: int,
        installment_id: int,
        loan_id: int,
        component: str,
        amount: Decimal,
        on: dt.date,
    ) -> None:
        self._insert(
            AllocationLine,
            payment_id=payment_id,
            installment_id=installment_id,
            loan_id=loan_id,
            component=component,
            amount=amount,
            effective_on=on,
        )

    def accrue(self, installment_id: int, *, on: dt.date, amount: Decimal) -> None:
        self._insert(
            Accrual,
            installment_id=installment_id,
            loan_id=self._loan_of(installment_id),
            component="penalty",
            amount=amount,
            accrued_on=on,
        )

    def waive(self, installment_id: int, *, on: dt.date, component: str, amount: Decimal) -> None:
        self._insert(
            Waiver,
            loan_id=self._loan_of(installment_id),
            installment_id=installment_id,
            component=component,
            amount=amount,
            waived_on=on,
            reason="test",
            actor="tester",
        )

    def hold(
        self, loan_id: int, *, start: dt.date, end: dt.date | None, kind: str = "dispute"
    ) -> None:
        self._insert(Hold, loan_id=loan_id, kind=kind, started_on=start, ended_on=end, reason="t")

    def close(self, loan_id: int, *, on: dt.date) -> None:
        table = Loan.__table__
        self.connection.execute(
            update(table).where(table.c.id == loan_id).values(status="closed", closed_on=on)
        )

    def charge_off(self, loan_id: int, *, on: dt.date) -> None:
        table = Loan.__table__
        self.connection.execute(
            update(table)
            .where(table.c.id == loan_id)
            .values(status="charged_off", charged_off_on=on)
        )

    def _loan_of(self, installment_id: int) -> int:
        for loan_id, ids in self.installments.items():
            if installment_id in ids:
                return loan_id
        raise KeyError(installment_id)


START = dt.date(2024, 1, 10)


def make_portfolio(connection: Connection) -> dict[str, int]:
    """A dozen loans covering every rule of the cycle; returns loan ids by story."""
    f = LedgerFactory(connection)
    plain = f.product()
    graceful = f.product(grace_days=3)
    loans: dict[str, int] = {}

    loans["on_time"] = f.loan(product_id=plain, disbursed_on=START)
    for i in f.installments[loans["on_time"]]:
        row_due = (
            connection.execute(
                Installment.__table__.select().where(Installment.__table__.c.id == i)
            )
            .one()
            .due_on
        )
        f.pay_in_full(i, on=row_due)

    loans["never_pays"] = f.loan(product_id=plain, disbursed_on=START)
    first = f.installments[loans["never_pays"]][0]
    for day in range(1, 40):
        f.accrue(first, on=add_months(START, 1) + dt.timedelta(days=day), amount=Decimal("0.30"))

    loans["late_then_cures"] = f.loan(product_id=graceful, disbursed_on=START)
    i1 = f.installments[loans["late_then_cures"]][0]
    f.pay(i1, on=add_months(START, 1) + dt.timedelta(days=5), interest=Decimal("10.00"))
    f.pay(i1, on=add_months(START, 1) + dt.timedelta(days=20), principal=Decimal("400.00"))

    loans["partial"] = f.loan(product_id=plain, disbursed_on=START, fee=Decimal("5.00"))
    i1 = f.installments[loans["partial"]][0]
    f.pay(i1, on=add_months(START, 1), principal=Decimal("400.00"), interest=Decimal("10.00"))

    loans["reversed"] = f.loan(product_id=plain, disbursed_on=START)
    i1 = f.installments[loans["reversed"]][0]
    f.pay(
        i1,
        on=add_months(START, 1),
        principal=Decimal("400.00"),
        interest=Decimal("10.00"),
        reverse_on=add_months(START, 1) + dt.timedelta(days=12),
    )

    loans["held"] = f.loan(product_id=plain, disbursed_on=START)
    f.hold(
        loans["held"],
        start=add_months(START, 1) + dt.timedelta(days=10),
        end=add_months(START, 1) + dt.timedelta(days=25),
    )
    f.hold(loans["held"], start=add_months(START, 3), end=None)

    loans["waived"] = f.loan(product_id=plain, disbursed_on=START)
    i1 = f.installments[loans["waived"]][0]
    f.pay(i1, on=add_months(START, 1) + dt.timedelta(days=2), principal=Decimal("400.00"))
    f.waive(
        i1,
        on=add_months(START, 1) + dt.timedelta(days=9),
        component="interest",
        amount=Decimal("10.00"),
    )

    loans["charged_off"] = f.loan(product_id=plain, disbursed_on=dt.date(2023, 6, 1), term=2)
    f.charge_off(loans["charged_off"], on=dt.date(2024, 1, 28))

    loans["closed_early"] = f.loan(product_id=plain, disbursed_on=START)
    for i in f.installments[loans["closed_early"]]:
        f.pay_in_full(i, on=START + dt.timedelta(days=20))
    f.close(loans["closed_early"], on=START + dt.timedelta(days=20))

    # Restructured 15 days after its first due went unpaid; the plan's dues are never paid.
    loans["restructured"] = f.loan(product_id=plain, disbursed_on=START)
    switch = add_months(START, 1) + dt.timedelta(days=15)
    f.plan(loans["restructured"], starts_on=switch, carried_due_on=add_months(START, 1))

    # Restructured at 15 dpd too, then every due of the plan paid on its due date: re-ages on
    # the third (2024-05-25).
    loans["reaged"] = f.loan(product_id=plain, disbursed_on=START)
    for i in f.plan(loans["reaged"], starts_on=switch, carried_due_on=add_months(START, 1)):
        row = connection.execute(
            Installment.__table__.select().where(Installment.__table__.c.id == i)
        ).one()
        f.pay_in_full(i, on=row.due_on)

    loans["late_disbursed"] = f.loan(product_id=plain, disbursed_on=add_months(START, 2))
    return loans
