"""Synthetic borrowers look like Chinese online-lending customers and come from the seed alone."""

from __future__ import annotations

import numpy as np

from fairdebt.simulation.population import ABROAD_ZONES, RELATIONS, load_regions, make_population


def _people(seed: int, n: int = 2000, **kwargs: object) -> object:
    return make_population(np.random.Generator(np.random.PCG64(seed)), n, year=2025, **kwargs)


def test_the_same_seed_draws_the_same_people() -> None:
    a, b = _people(3), _people(3)
    assert a.name.tolist() == b.name.tolist()  # type: ignore[attr-defined]
    assert np.array_equal(a.ability, b.ability)  # type: ignore[attr-defined]


def test_borrowers_have_chinese_names_and_eleven_digit_mobile_numbers() -> None:
    people = _people(1)
    names = people.name.tolist()  # type: ignore[attr-defined]
    assert all(2 <= len(name) <= 3 for name in names)
    assert all("\u4e00" <= ch <= "\u9fff" for name in names for ch in name)
    phones = people.phone.tolist()  # type: ignore[attr-defined]
    assert all(len(p) == 11 and p.isdigit() and p[0] == "1" for p in phones)


def test_every_borrower_has_one_or_two_emergency_contacts_with_a_relation() -> None:
    people = _people(2)
    relation = people.contact_relation  # type: ignore[attr-defined]
    assert set(relation[:, 0].tolist()) <= set(RELATIONS)
    assert set(relation[:, 1].tolist()) <= {*RELATIONS, ""}
    two = relation[:, 1] != ""
    assert 0.4 < two.mean() < 0.8
    assert np.all((people.contact_name[:, 1] != "") == two)  # type: ignore[attr-defined]


def test_most_borrowers_live_in_shanghai_time_and_a_few_abroad() -> None:
    zones = _people(4).timezone  # type: ignore[attr-defined]
    abroad = zones != "Asia/Shanghai"
    assert 0.002 < abroad.mean() < 0.05
    assert set(zones[abroad].tolist()) <= set(ABROAD_ZONES)


def test_cities_belong_to_their_province() -> None:
    regions = load_regions()
    people = _people(5)
    for k in np.unique(people.province_index):  # type: ignore[attr-defined]
        cities = set(people.city[people.province_index == k].tolist())  # type: ignore[attr-defined]
        assert cities <= set(regions.cities[k])


def test_a_weaker_approval_policy_lets_riskier_borrowers_in() -> None:
    policy = np.repeat([0, 1], 3000)
    people = _people(6, 6000, policy=policy)
    risk = people.risk  # type: ignore[attr-defined]
    assert risk[policy == 1].mean() > risk[policy == 0].mean() + 0.2
    fraud = people.is_fraud  # type: ignore[attr-defined]
    assert fraud[policy == 1].mean() > fraud[policy == 0].mean()
