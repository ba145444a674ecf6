"""A seeded synthetic card book in the layout of the UCI "default of credit card clients" data.

The real file (Taiwan, 2005; Yeh & Lien 2009) is not shipped and nothing downloads at run time,
so this generator makes a book with its columns and its kind of dependence, to exercise the
history features and the ensemble on payment-history data:

    ID, LIMIT_BAL, SEX, EDUCATION, MARRIAGE, AGE,
    PAY_0, PAY_2 ... PAY_6          repayment status, latest month first: -2 no consumption,
                                    -1 paid in full, 0 revolving (minimum paid), k = k months late
    BILL_AMT1 ... BILL_AMT6         statement balance, latest first
    PAY_AMT1 ... PAY_AMT6           amount paid in the month, latest first (it pays the
                                    statement of the month before)
    default payment next month      1 = default

Each client has a hidden propensity to fall behind and a habit (transactor, revolver); the
months are simulated oldest first: spending, the statement, the payment (full, partial, minimum
or nothing, by habit and propensity), and the status that follows (k months late rolls to
k + 1 when nothing is paid, cures when the arrears are paid). Default next month depends on the
propensity through the history (how often and how badly the client was late, how much of the
bill was paid, utilisation), so summaries of the history carry information that no single
month does. ``long_history`` gives the same months as a long table (one row per client and
month) beside an application table, to test families found by shape.

    .venv/bin/python benchmarks/risk_card_book.py --rows 30000 --seed 7 --out card.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

TARGET = "default payment next month"
MONTHS = 6
BURN_IN = 6
STATUS = ["PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6"]
BILLS = [f"BILL_AMT{i}" for i in range(1, MONTHS + 1)]
PAYMENTS = [f"PAY_AMT{i}" for i in range(1, MONTHS + 1)]


def card_book(rows: int = 30_000, seed: int = 0) -> pd.DataFrame:
    """A card book of ``rows`` clients in the UCI layout (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = rows
    age = np.clip(rng.gamma(4.0, 3.8, n) + 20, 21, 79).round()
    education = rng.choice(
        [1, 2, 3, 4, 5, 6, 0], n, p=[0.35, 0.47, 0.16, 0.005, 0.01, 0.003, 0.002]
    )
    marriage = rng.choice([1, 2, 3, 0], n, p=[0.455, 0.532, 0.011, 0.002])
    sex = rng.choice([1, 2], n, p=[0.4, 0.6])
    # hidden propensity to fall behind: worse for the young, the less educated, the unmarried
    risk = rng.normal(0, 1, n) + 0.25 * (education >= 3) - 0.01 * (age - 35) + 0.1 * (sex == 1)
    limit = (
        np.round(
            np.exp(11.6 - 0.35 * risk + 0.012 * (age - 35) + rng.normal(0, 0.6, n)) / 10_000
        ).clip(1, 100)
        * 10_000
    )
    transactor = rng.random(n) < 1 / (1 + np.exp(0.8 + 1.2 * risk))
    active = rng.random(n) < 0.93
    spend_share = rng.beta(2, 5, n)
    status = np.where(transactor, -1, 0).astype(float)
    status[~active] = -2
    balance = np.where(active, limit * spend_share * rng.uniform(0.5, 1.5, n), 0.0)
    arrears = np.zeros(n)
    history_status, history_bill, history_pay = [], [], []
    shock = rng.normal(0, 1, n)
    # six months of burn-in before the six the file keeps, so that the oldest kept month
    # already carries arrears and balances built up over time
    for month in range(BURN_IN + MONTHS):  # oldest first; a loop over months, columnar over clients
        # a slow drift in fortune: some clients deteriorate over the window
        drift = 0.25 * shock * max(month - BURN_IN, 0) / MONTHS
        propensity = risk + drift + rng.normal(0, 0.6, n)
        uses_card = active & (rng.random(n) < 0.9)
        spend = np.where(uses_card, limit * spend_share * rng.lognormal(-1.3, 0.6, n), 0.0)
        statement = np.clip(balance + spend, 0, 1.15 * limit)
        statement = np.where(rng.random(n) < 0.01, -rng.uniform(0, 2000, n), statement)
        minimum = 0.1 * np.clip(statement, 0, None) + arrears
        miss = 1 / (1 + np.exp(-(-3.2 + 1.3 * propensity + 0.8 * (status > 0))))
        pays_nothing = (rng.random(n) < miss) & (statement > 0)
        pays_full = ~pays_nothing & (transactor | (rng.random(n) < 0.15)) & (propensity < 1.0)
        partial = rng.uniform(0.1, 0.6, n) * np.clip(statement, 0, None)
        paid = np.where(
            pays_nothing,
            0.0,
            np.where(pays_full, np.clip(statement, 0, None), np.maximum(minimum, partial)),
        )
        paid = np.where(statement <= 0, rng.uniform(0, 500, n) * (rng.random(n) < 0.2), paid)
        paid = np.round(paid)
        late_before = status > 0
        new_status = np.where(
            statement <= 0,
            -2.0,
            np.where(
                pays_nothing,
                np.where(late_before, np.minimum(status + 1, 8), 1.0),
                np.where(
                    pays_full,
                    -1.0,
                    np.where(late_before & (paid < minimum), status, 0.0),
                ),
            ),
        )
        arrears = np.where(new_status > 0, arrears + 0.1 * np.clip(statement, 0, None), 0.0)
        balance = np.clip(statement - paid, 0, None) * 1.015
        status = new_status
        history_status.append(status.copy())
        history_bill.append(np.round(statement))
        history_pay.append(paid)
    # statuses, bills and payments were kept oldest first; the file lists the latest first
    del history_status[:BURN_IN], history_bill[:BURN_IN], history_pay[:BURN_IN]
    history_status.reverse()
    history_bill.reverse()
    history_pay.reverse()
    statuses = np.column_stack(history_status)
    bills = np.column_stack(history_bill)
    pays = np.column_stack(history_pay)
    late_months = (statuses > 0).sum(axis=1)
    worst = statuses.max(axis=1)
    owed = np.clip(bills[:, 1:], 0, None)
    paid_share = np.where(
        owed.sum(axis=1) > 0, pays[:, :-1].sum(axis=1) / np.maximum(owed.sum(axis=1), 1), 1.0
    )
    utilisation = np.clip(bills[:, 0], 0, None) / limit
    logit = (
        -1.6
        + 0.55 * (risk + 0.25 * shock)
        + 0.45 * np.clip(statuses[:, 0], 0, 3)
        + 0.22 * late_months
        + 0.2 * np.clip(worst, 0, 4)
        - 0.6 * np.clip(paid_share, 0, 1)
        + 0.5 * np.clip(utilisation, 0, 1.2)
        - 0.3 * (statuses[:, 0] == -2)
    )
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {
            "ID": np.arange(1, n + 1),
            "LIMIT_BAL": limit,
            "SEX": sex,
            "EDUCATION": education,
            "MARRIAGE": marriage,
            "AGE": age.astype(int),
        }
    )
    for i, column in enumerate(STATUS):
        frame[column] = statuses[:, i].astype(int)
    for i, column in enumerate(BILLS):
        frame[column] = bills[:, i]
    for i, column in enumerate(PAYMENTS):
        frame[column] = pays[:, i]
    frame[TARGET] = default
    return frame


def long_history(
    book: pd.DataFrame, last_month: str = "2005-09"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The book as an application table and a long monthly table (client, month, values).

    The long table's columns have no month number in their names (``ID, month, status, bill,
    paid``), so its families can only be found by shape once it is widened.
    """
    end = pd.Period(last_month, freq="M")
    parts = []
    for lag in range(MONTHS):
        parts.append(
            pd.DataFrame(
                {
                    "ID": book["ID"],
                    "month": str(end - lag),
                    "status": book[STATUS[lag]],
                    "bill": book[BILLS[lag]],
                    "paid": book[PAYMENTS[lag]],
                }
            )
        )
    long = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=0)
    application = book.drop(columns=[*STATUS, *BILLS, *PAYMENTS])
    return application, long.reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("card_book.csv"))
    parser.add_argument("--long", type=Path, default=None, help="also write the long table here")
    args = parser.parse_args()
    book = card_book(args.rows, args.seed)
    book.to_csv(args.out, index=False)
    print(f"wrote {len(book)} rows to {args.out}; default rate {book[TARGET].mean():.3f}")
    if args.long is not None:
        application, long = long_history(book)
        application.to_csv(args.out.with_name(args.out.stem + "_application.csv"), index=False)
        long.to_csv(args.long, index=False)
        print(f"wrote the long table ({len(long)} rows) to {args.long}")


if __name__ == "__main__":
    main()
