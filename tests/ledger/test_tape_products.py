"""Loan tapes carry every product term the ledger has: the prepayment fee and what a partial
prepayment does (issue 10, item 2), read and refused like every other column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select

from fairdebt.db import make_session
from fairdebt.models import Product

from .test_tape_guards import DATA, _copy, _load

HEADER_EXTRA = ",prepayment_fee_rate,partial_prepayment"


def _products(*rows: str) -> str:
    header, row = (DATA / "products.csv").read_text("utf-8").splitlines()
    lines = [header + HEADER_EXTRA]
    lines += [row.replace("CASH6,", f"P{n},") + extra for n, extra in enumerate(rows, start=1)]
    return "\n".join(lines) + "\n"


def test_a_products_tape_sets_the_prepayment_fee_and_the_partial_prepayment_mode(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    text = _products(",0.02,shorten_term", ",,", ",0,lower_instalment")
    code, output, problems = _load(database_url, {"products": _copy(tmp_path, "products", text)})
    assert (code, problems) == (0, []), output
    with make_session(engine) as session:
        loaded = session.execute(
            select(Product.code, Product.prepayment_fee_rate, Product.partial_prepayment).order_by(
                Product.code
            )
        ).all()
    assert [(c, None if f is None else Decimal(f), m) for c, f, m in loaded] == [
        ("P1", Decimal("0.02"), "shorten_term"),
        ("P2", None, "lower_instalment"),  # blank: no fee, the default mode
        ("P3", Decimal("0"), "lower_instalment"),
    ]


def test_a_bad_prepayment_fee_or_mode_is_named_by_file_line_and_field(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    text = _products(",1.5,lower_instalment", ",0.01,shorter", ",abc,")
    code, _, problems = _load(database_url, {"products": _copy(tmp_path, "products", text)})
    assert code == 1
    assert [p[:3] for p in problems] == [
        ["products.csv", "2", "prepayment_fee_rate"],
        ["products.csv", "3", "partial_prepayment"],
        ["products.csv", "4", "prepayment_fee_rate"],
    ]
    assert "below 1" in problems[0][3] and "(got '1.5')" in problems[0][3]
    assert "shorten_term, lower_instalment" in problems[1][3] and "'shorter'" in problems[1][3]
    with make_session(engine) as session:
        assert session.scalar(select(Product.id)) is None
