"""The chart of accounts of the general ledger, and which accounts each verb moves, as data.

Every loan is a small sub-ledger: every journal line names its loan, so the receivables of a
loan can be held against its open instalment components (``fairdebt ledger check``). Amounts are
signed in the journal (positive debit, negative credit); an account's *balance* is shown on its
normal side, so a receivable and an income both read positive in the trial balance.

How interest, fee and penalty become income (docs/decisions/general-ledger.md):

- the schedule's principal, interest and fee are receivable from disbursement; principal
  against cash, interest and fee against *unearned* interest and fee (deferred income);
- interest and fee are earned when they are collected (a payment moves them from unearned to
  income): prudent, and the same as the non-accrual treatment of an overdue loan;
- a penalty is charged by the day it accrues, so it is income when it accrues;
- a waiver forgives: principal and penalty are an expense (``waivers``), interest and fee only
  leave the unearned account, never having been income;
- a charge-off writes principal and penalty off to ``write_off`` and unearned interest and fee
  against their receivable; money received after it is ``recoveries`` income.

Each posting rule is a tuple of (component, account, sign): the journal line of ``account`` is
``sign`` times the component's amount, and the rules of one verb sum to zero for any amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ACCOUNTS",
    "ALLOCATION_RULES",
    "CHARGE_OFF_RULES",
    "CREDIT_RULES",
    "DISBURSEMENT_RULES",
    "PENALTY_RULES",
    "RECEIVABLES",
    "REVERSAL_AFTER_CHARGE_OFF_RULES",
    "WAIVER_RULES",
    "Account",
    "AccountKind",
    "Rule",
]


class AccountKind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    INCOME = "income"
    EXPENSE = "expense"


@dataclass(frozen=True, slots=True)
class Account:
    """One account of the chart: its name (as stored), Chinese name, kind and normal side."""

    name: str
    name_zh: str
    kind: AccountKind

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in (AccountKind.ASSET, AccountKind.EXPENSE)


ACCOUNTS: tuple[Account, ...] = (
    Account("cash", "银行存款", AccountKind.ASSET),
    Account("principal_receivable", "应收本金", AccountKind.ASSET),
    Account("interest_receivable", "应收利息", AccountKind.ASSET),
    Account("fee_receivable", "应收费用", AccountKind.ASSET),
    Account("penalty_receivable", "应收罚息", AccountKind.ASSET),
    Account("unearned_interest", "未实现利息收入", AccountKind.LIABILITY),
    Account("unearned_fee", "未实现费用收入", AccountKind.LIABILITY),
    Account("unapplied_credit", "溢缴款（待分配）", AccountKind.LIABILITY),
    Account("interest_income", "利息收入", AccountKind.INCOME),
    Account("fee_income", "手续费收入", AccountKind.INCOME),
    Account("penalty_income", "罚息收入", AccountKind.INCOME),
    Account("recoveries", "核销后收回", AccountKind.INCOME),
    Account("write_off", "核销损失", AccountKind.EXPENSE),
    Account("waivers", "减免支出", AccountKind.EXPENSE),
)

# The receivable account of each instalment component.
RECEIVABLES: dict[str, str] = {
    "principal": "principal_receivable",
    "interest": "interest_receivable",
    "fee": "fee_receivable",
    "penalty": "penalty_receivable",
}

Rule = tuple[str, str, int]

# A loan booked: its schedule becomes receivable.
DISBURSEMENT_RULES: tuple[Rule, ...] = (
    ("principal", "principal_receivable", 1),
    ("principal", "cash", -1),
    ("interest", "interest_receivable", 1),
    ("interest", "unearned_interest", -1),
    ("fee", "fee_receivable", 1),
    ("fee", "unearned_fee", -1),
)

# Money applied to a component (a payment's allocation lines; negative lines reverse it). The
# other side, cash or unapplied credit, is the payment's own line.
ALLOCATION_RULES: tuple[Rule, ...] = (
    ("principal", "principal_receivable", -1),
    ("interest", "interest_receivable", -1),
    ("interest", "unearned_interest", 1),
    ("interest", "interest_income", -1),
    ("fee", "fee_receivable", -1),
    ("fee", "unearned_fee", 1),
    ("fee", "fee_income", -1),
    ("penalty", "penalty_receivable", -1),
)

# A credit held on the loan paying dues as they fall due: the allocation, funded by the credit.
CREDIT_RULES: tuple[Rule, ...] = ALLOCATION_RULES + tuple(
    (component, "unapplied_credit", 1) for component in RECEIVABLES
)

# A payment reversed after its loan was charged off: what it had paid is lost too.
REVERSAL_AFTER_CHARGE_OFF_RULES: tuple[Rule, ...] = tuple(
    (component, "write_off", -1) for component in RECEIVABLES
)

PENALTY_RULES: tuple[Rule, ...] = (
    ("penalty", "penalty_receivable", 1),
    ("penalty", "penalty_income", -1),
)

WAIVER_RULES: tuple[Rule, ...] = (
    ("principal", "principal_receivable", -1),
    ("principal", "waivers", 1),
    ("interest", "interest_receivable", -1),
    ("interest", "unearned_interest", 1),
    ("fee", "fee_receivable", -1),
    ("fee", "unearned_fee", 1),
    ("penalty", "penalty_receivable", -1),
    ("penalty", "waivers", 1),
)

CHARGE_OFF_RULES: tuple[Rule, ...] = (
    ("principal", "principal_receivable", -1),
    ("principal", "write_off", 1),
    ("interest", "interest_receivable", -1),
    ("interest", "unearned_interest", 1),
    ("fee", "fee_receivable", -1),
    ("fee", "unearned_fee", 1),
    ("penalty", "penalty_receivable", -1),
    ("penalty", "write_off", 1),
)
