"""Synthetic books of dues with a known shock, for fast tests of the mechanism.

Loans are disbursed every day for ``months`` months from 2025-01-01 in ten provinces and three
products; each has six monthly dues, and a due enters collection with a probability set by its
age, province and product, times the shock. The shocks mirror the simulator's four scenarios,
starting on the first day of the middle month.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

START = dt.date(2025, 1, 1)
PROVINCES = np.array(
    ["广东", "江苏", "山东", "河南", "四川", "浙江", "湖南", "河北", "湖北", "上海"]
)
PRODUCTS = np.array(["P-3M", "P-6M", "P-12M"])


def shock_start(months: int) -> pd.Timestamp:
    return pd.Timestamp(START) + pd.DateOffset(months=months // 2)


def make_book(
    scenario: str,
    seed: int,
    *,
    loans_per_day: int = 40,
    months: int = 8,
    drift: bool = False,
    shock: float | None = None,
    provinces: int = len(PROVINCES),
    spread: float = 0.0,
) -> pd.DataFrame:
    """A dues frame as ``read_dues`` returns it, with ``scenario``'s shock injected.

    ``drift``: product P-6M's own rate also doubles from two months before the shock (a
    product's population drifting, not the shock). ``shock``: the factor on the shocked
    dues' rate (by default 2.2 macro, 3.5 province, 2.5 bad vintage, 1.8 new terms).
    ``provinces``: more than ten adds small provinces (广东 keeps its 19 %); ``spread``: each
    province's own relative risk, constant in time, is lognormal with this standard deviation.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, periods=months * 30, freq="D")
    start = shock_start(months)
    surge = (days >= start - pd.DateOffset(months=1)) & (days < start + pd.DateOffset(months=1))
    per_day = np.full(len(days), loans_per_day)
    if scenario == "bad_vintage":
        per_day = np.where(surge, 2 * loans_per_day, per_day)
    disbursed = np.repeat(days.to_numpy(), per_day)
    n = disbursed.size
    names = np.r_[PROVINCES, [f"省{i:02d}" for i in range(provinces - len(PROVINCES))]]
    province = rng.choice(names, n, p=np.r_[0.19, np.full(len(names) - 1, 0.81 / (len(names) - 1))])
    product = rng.choice(PRODUCTS, n, p=[0.3, 0.4, 0.3])
    bad = np.repeat(surge, per_day) & (scenario == "bad_vintage")
    rows = []
    for seq in range(1, 7):
        due = pd.DatetimeIndex(disbursed) + pd.DateOffset(months=seq)
        rows.append(pd.DataFrame({"loan_id": np.arange(n), "seq": seq, "due_on": due,
                                  "disbursed_on": disbursed, "province": province,
                                  "product": product, "bad": bad}))  # fmt: skip
    dues = pd.concat(rows, ignore_index=True)
    dues = dues[dues["due_on"] <= days[-1]].reset_index(drop=True)
    age = np.array([0, 0.05, 0.04, 0.035, 0.03, 0.03, 0.03])[dues["seq"].to_numpy()]
    risk = (
        age
        * np.where(dues["province"] == "四川", 1.3, 1.0)
        * np.where(dues["product"] == "P-12M", 1.2, 1.0)
    )
    if spread:
        own = np.random.default_rng(seed + 1000).lognormal(0, spread, len(names))
        risk = risk * dues["province"].map(dict(zip(names, own, strict=True))).to_numpy(float)
    after = (dues["due_on"] >= start).to_numpy()
    factor = shock or {"province_shock": 3.5, "bad_vintage": 2.5, "policy_change": 1.8}.get(
        scenario, 2.2
    )
    if scenario == "macro_shock":
        risk = risk * np.where(after, factor, 1.0)
    elif scenario == "province_shock":
        risk = risk * np.where(after & (dues["province"] == "广东").to_numpy(), factor, 1.0)
    elif scenario == "bad_vintage":
        risk = risk * np.where(dues["bad"].to_numpy(), factor, 1.0)
    elif scenario == "policy_change":
        new = (dues["disbursed_on"] >= start).to_numpy()
        dues["product"] = np.where(new, dues["product"] + "-G3", dues["product"])
        risk = risk * np.where(new, factor, 1.0)
    if drift:
        early = (dues["due_on"] >= start - pd.DateOffset(months=2)).to_numpy()
        risk = risk * np.where(early & (dues["product"] == "P-6M").to_numpy(), 2.0, 1.0)
    dues["entered"] = (rng.random(len(dues)) < risk).astype(int)
    dues["principal"] = rng.uniform(500, 3000, len(dues)).round(2)
    dues["vintage"] = dues["disbursed_on"].dt.strftime("%Y-%m")
    return dues.drop(columns="bad").sort_values(["due_on", "loan_id"]).reset_index(drop=True)
