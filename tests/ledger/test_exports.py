"""Every ledger module says what it exports, and exports what it says."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "db",
    "complaints",
    "contacts",
    "ledger.accruals",
    "ledger.borrowers",
    "ledger.holds",
    "ledger.installments",
    "ledger.loans",
    "ledger.allocation",
    "ledger.credits",
    "ledger.payments",
    "ledger.reversal",
    "ledger.plans",
    "ledger.products",
    "ledger.promises",
    "ledger.schedules",
    "ledger.tapes",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_all_exists_and_all_is_sorted(name: str) -> None:
    module = importlib.import_module(f"fairdebt.{name}")

    # ruff's isort-style order (RUF022): CONSTANTS, then Classes, then functions
    def kind(n: str) -> tuple[int, str]:
        return (0 if n.isupper() else 1 if n[0].isupper() else 2, n)

    assert module.__all__ == sorted(module.__all__, key=kind)
    for exported in module.__all__:
        assert hasattr(module, exported), f"fairdebt.{name} lacks {exported}"


def test_the_verbs_other_areas_import_are_where_they_expect_them() -> None:
    expected = {
        "products": ["create_product", "set_lpr"],
        "borrowers": ["BorrowerIn", "ContactIn", "register_borrower", "register_borrowers"],
        "schedules": ["ScheduleLine", "build_schedule"],
        "loans": ["LoanIn", "charge_off_due", "disburse", "disburse_many", "extend"],
        "payments": ["PaymentIn", "PostResult", "post_payment", "post_payments"],
        "allocation": ["allocate"],
        "credits": ["apply_credits"],
        "reversal": ["reverse_payment"],
        "accruals": ["accrue_penalties"],
        "holds": ["lift_hold", "place_hold"],
        "promises": ["record_promise", "settle_promises"],
        "contacts": ["record_contact_event"],
        "complaints": ["file_complaint"],
        "installments": ["owed_expression"],
    }
    for name, verbs in expected.items():
        where = name if name in ("contacts", "complaints") else f"ledger.{name}"
        module = importlib.import_module(f"fairdebt.{where}")
        assert set(verbs) <= set(module.__all__), name
    db = importlib.import_module("fairdebt.db")
    assert {"execute_many", "insert_rows", "select_by_keys"} <= set(db.__all__)
    loans = importlib.import_module("fairdebt.ledger.loans")
    assert {"restructure", "waive"} <= set(loans.__all__)
