"""Synthetic borrowers: who they are (names, phones, places, ages, incomes) and their latent traits.

Everything is drawn column-wise with numpy from one ``numpy.random.Generator``, so the same seed
gives the same people. The traits a lender never sees (ability and willingness to pay, a small
share of first-party fraud) drive :mod:`fairdebt.simulation.behaviour`; the approval policy
truncates the risk they add up to, and a weaker policy (the ``bad_vintage`` scenario) lets a
riskier slice through. Phones are fake: 11 digits on real-looking mobile prefixes, never dialled.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ABROAD_ZONES",
    "APPLICANT_POOL_SHIFT",
    "APPROVAL_CUTOFFS",
    "FRAUD_RATES",
    "RELATIONS",
    "Population",
    "Regions",
    "load_regions",
    "make_population",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
StrArray = NDArray[np.str_]

# Common surnames with rough frequency weights (王李张刘陈 are about 30 % of Han Chinese).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
)
_SURNAME_WEIGHTS = np.array(
    [7.2, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 1.8, 1.7, 1.6, 1.5, 1.3, 1.2, 1.2, 1.1, 1.1, 1.0, 1.0]
    + [1.0] * 6
    + [0.8] * (len(_SURNAMES) - 25)
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志"
    "文斌宇浩然子轩欣怡梓涵雨晨思博俊鹏晓燕玲婷慧佳琪"
)
# Approval score cutoffs and first-party fraud rates: (ordinary policy, weakened policy).
APPROVAL_CUTOFFS = (1.0, 3.0)
FRAUD_RATES = (0.003, 0.02)
# Mean traits of the applicant pool (sd units): a surge recruits from a riskier pool.
APPLICANT_POOL_SHIFT = (0.0, -0.6)
RELATIONS = ("配偶", "父母", "兄弟姐妹", "朋友", "同事")
_RELATION_WEIGHTS = np.array([0.30, 0.30, 0.15, 0.15, 0.10])
# Borrowers living abroad keep their home province but are contacted in their local time.
ABROAD_ZONES = (
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/London",
    "America/Los_Angeles",
)
# fmt: off
_MOBILE_PREFIXES = np.array([
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "177", "180", "181", "186", "187", "188", "189", "199",
])
# fmt: on


@dataclass(frozen=True, slots=True)
class Regions:
    """The shipped province table: names, English names, weights and each province's cities."""

    province: tuple[str, ...]
    province_en: tuple[str, ...]
    weight: FloatArray
    cities: tuple[tuple[str, ...], ...]


def load_regions() -> Regions:
    """Read ``data/regions.csv`` shipped with the package."""
    text = (resources.files("fairdebt.simulation") / "data" / "regions.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return Regions(
        province=tuple(r["province"] for r in rows),
        province_en=tuple(r["province_en"] for r in rows),
        weight=np.array([float(r["weight"]) for r in rows]),
        cities=tuple(tuple(r["cities"].split("|")) for r in rows),
    )


@dataclass(frozen=True, slots=True)
class Population:
    """One row per borrower, as columns. Latent traits are standardised (mean 0, sd 1)."""

    name: StrArray
    phone: StrArray
    national_id_last4: StrArray
    province_index: IntArray
    province: StrArray
    city: StrArray
    timezone: StrArray
    birth_year: IntArray
    monthly_income: FloatArray
    ability: FloatArray
    willingness: FloatArray
    is_fraud: NDArray[np.bool_]
    # Which approval policy let the borrower in: 0 ordinary, 1 weakened (bad_vintage).
    policy: IntArray
    contact_name: StrArray  # (n, 2); '' where the borrower gave one contact only
    contact_relation: StrArray
    contact_phone: StrArray

    def __len__(self) -> int:
        return int(self.name.shape[0])

    @property
    def risk(self) -> FloatArray:
        """The risk the lender would like to see: high when ability and willingness are low."""
        return risk_of(self.ability, self.willingness)


def risk_of(ability: FloatArray, willingness: FloatArray) -> FloatArray:
    """Combine the two latent traits into one standardised risk (corr(a, w) = 0.3).

    >>> float(risk_of(np.array([0.0]), np.array([0.0]))[0])
    -0.0
    """
    scale = float(np.sqrt(0.25 + 0.49 + 2 * 0.5 * 0.7 * 0.3))
    return np.asarray(-(0.5 * ability + 0.7 * willingness) / scale, dtype=np.float64)


def _surnames(rng: np.random.Generator, n: int) -> StrArray:
    weights = _SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum()
    return np.array(list(_SURNAMES))[rng.choice(len(_SURNAMES), n, p=weights)]


def _names(rng: np.random.Generator, family: StrArray) -> StrArray:
    n = family.shape[0]
    chars = np.array(list(_GIVEN))
    first = chars[rng.integers(0, len(chars), n)]
    second = chars[rng.integers(0, len(chars), n)]
    two = rng.random(n) < 0.7  # most given names have two characters
    given = np.where(two, np.char.add(first, second), first)
    return np.char.add(family, given)


def _phones(rng: np.random.Generator, n: int) -> StrArray:
    prefix = _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    body = np.char.zfill(rng.integers(0, 100_000_000, n).astype(str), 8)
    return np.char.add(prefix, body)


def _approved_traits(
    rng: np.random.Generator, n: int, cutoff: float, shift: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Draw (ability, willingness) for applicants whose noisy score clears ``cutoff``.

    ``shift`` moves the applicant pool's mean traits (negative: a riskier pool).
    """
    ability = np.empty(0)
    willingness = np.empty(0)
    while ability.size < n:  # a few rounds at most: about 80 % are approved
        m = 2 * n + 16
        a = rng.standard_normal(m) + shift
        w = 0.3 * (a - shift) + np.sqrt(1 - 0.09) * rng.standard_normal(m) + shift
        score = risk_of(a, w) + 0.6 * rng.standard_normal(m)  # the lender sees risk with noise
        keep = score < cutoff
        ability = np.concatenate([ability, a[keep]])
        willingness = np.concatenate([willingness, w[keep]])
    return ability[:n], willingness[:n]


def make_population(
    rng: np.random.Generator,
    n: int,
    *,
    year: int,
    policy: IntArray | None = None,
    cutoffs: tuple[float, float] = APPROVAL_CUTOFFS,
    fraud_rates: tuple[float, float] = FRAUD_RATES,
    abroad_share: float = 0.015,
) -> Population:
    """Draw ``n`` approved borrowers; ``policy[i]`` picks the approval cutoff and fraud rate.

    ``cutoffs[p]`` is the score threshold of policy ``p`` (higher lets riskier people in);
    ``fraud_rates[p]`` the share of first-party fraud (never pays) that slips through it.
    """
    policy = np.zeros(n, dtype=np.int64) if policy is None else policy.astype(np.int64)
    regions = load_regions()
    ability = np.empty(n)
    willingness = np.empty(n)
    for p, cutoff in enumerate(cutoffs):
        idx = np.flatnonzero(policy == p)
        a, w = _approved_traits(rng, idx.size, cutoff, APPLICANT_POOL_SHIFT[p])
        ability[idx], willingness[idx] = a, w
    is_fraud = rng.random(n) < np.asarray(fraud_rates)[policy]

    province_index = rng.choice(len(regions.province), n, p=regions.weight / regions.weight.sum())
    city_pick = rng.random(n)
    n_cities = np.array([len(c) for c in regions.cities])[province_index]
    city_rank = np.minimum((city_pick * n_cities).astype(np.int64), n_cities - 1)
    flat_cities = np.array([c for cities in regions.cities for c in cities])
    offsets = np.cumsum([0] + [len(c) for c in regions.cities[:-1]])
    city = flat_cities[offsets[province_index] + city_rank]

    abroad = rng.random(n) < abroad_share
    timezone = np.where(
        abroad, np.array(ABROAD_ZONES)[rng.integers(0, len(ABROAD_ZONES), n)], "Asia/Shanghai"
    )
    age = np.clip(np.round(rng.gamma(9.0, 3.4, n) + 18), 20, 60).astype(np.int64)
    # Income: lognormal around ¥6,500 a month, higher with ability.
    income = np.round(np.exp(np.log(6500) + 0.45 * ability + 0.35 * rng.standard_normal(n)), -1)

    surname = _surnames(rng, n)
    name = _names(rng, surname)
    relation = np.array(RELATIONS)[rng.choice(len(RELATIONS), (n, 2), p=_RELATION_WEIGHTS)]
    family = (relation == "父母") | (relation == "兄弟姐妹")
    contact_name = np.where(
        family,
        _names(rng, np.repeat(surname, 2)).reshape(n, 2),
        _names(rng, _surnames(rng, 2 * n)).reshape(n, 2),
    )
    contact_phone = _phones(rng, 2 * n).reshape(n, 2)
    one_only = rng.random(n) < 0.4
    contact_name[one_only, 1] = ""
    contact_relation = relation.copy()
    contact_relation[one_only, 1] = ""
    contact_phone[one_only, 1] = ""
    last4 = np.char.zfill(rng.integers(0, 10_000, n).astype(str), 4)

    return Population(
        name=name,
        phone=_phones(rng, n),
        national_id_last4=last4,
        province_index=province_index.astype(np.int64),
        province=np.array(regions.province)[province_index],
        city=city,
        timezone=timezone,
        birth_year=(year - age).astype(np.int64),
        monthly_income=income,
        ability=ability,
        willingness=willingness,
        is_fraud=is_fraud,
        policy=policy,
        contact_name=contact_name,
        contact_relation=contact_relation,
        contact_phone=contact_phone,
    )
