"""Packs are data: every rule has an id, citation, grade and messages; limits are parameters;
tightening is free, loosening is refused unless recorded with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from fairdebt.compliance.attempts import Attempt, ContactRecord, Debtor
from fairdebt.compliance.gate import check
from fairdebt.compliance.packs import available_packs, get_pack, hhmm, massachusetts
from fairdebt.compliance.rules import Case, Refusal
from fairdebt.compliance.rules.clock import zone
from fairdebt.errors import ConfigurationError

SH = zone("Asia/Shanghai")


def test_cn_is_the_default_pack_and_us_uk_and_the_massachusetts_overlay_exist() -> None:
    assert {"cn", "us", "uk", "us-ma"} <= set(available_packs())
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 22, 15, tzinfo=SH), channel="call")
    assert check(attempt, (), Debtor()).reasons[0].rule == "cn.hours.quiet"


@pytest.mark.parametrize("pack_id", ["cn", "us", "uk", "us-ma"])
def test_every_rule_has_an_id_citation_grade_and_two_languages(pack_id: str) -> None:
    pack = get_pack(pack_id)
    for rule in pack.rules:
        assert rule.id.split(".")[0] == pack_id.split("-")[0]
        assert rule.citation and rule.grade in {"P", "S", "M"}
        assert rule.message_zh and rule.message_en and rule.basis in {"law", "house"}


def test_an_unknown_pack_is_a_configuration_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="known"):
        get_pack("fr")


def test_a_house_cap_on_texts_per_day_tightens_without_a_reason() -> None:
    pack = get_pack("cn").adjust(params={"texts_per_day": 2})
    assert not pack.loosened and pack.provenance[-1].change == "param texts_per_day"
    at = dt.datetime(2025, 6, 10, 12, tzinfo=SH)
    sent = [ContactRecord(at=at - dt.timedelta(hours=h), channel="sms") for h in (1, 2)]
    verdict = check(Attempt(at=at, channel="sms"), sent, Debtor(), pack)
    assert verdict.reasons[0].rule == "cn.texts.per_day"
    assert "2" in verdict.reasons[0].message_en


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("cn_connected_calls_per_day", 4),
        ("texts_per_day", None),
        ("window_end", hhmm("23:00")),
        ("window_start", hhmm("07:00")),
        ("visit_min_collectors", 1),
        ("consent_parties", ("collector", "creditor", "anyone")),
    ],
)
def test_loosening_a_parameter_without_a_reason_is_refused(param: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match="loosens"):
        get_pack("cn").adjust(params={param: value})


def test_a_loosening_with_a_reason_is_kept_in_the_provenance_and_flags_verdicts() -> None:
    pack = get_pack("cn").adjust(
        params={"window_end": hhmm("22:30")}, reason="court order 2025-123"
    )
    change = pack.provenance[-1]
    assert change.loosened and change.reason == "court order 2025-123"
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 22, 15, tzinfo=SH), channel="call")
    verdict = check(attempt, (), Debtor(), pack)
    assert verdict.allowed and verdict.pack_loosened


def test_removing_a_rule_is_a_loosening() -> None:
    with pytest.raises(ConfigurationError, match="reason"):
        get_pack("us").adjust(remove_rules=["us.tcpa.consent"])
    pack = get_pack("us").adjust(remove_rules=["us.tcpa.consent"], reason="landlines only")
    assert "us.tcpa.consent" not in {r.id for r in pack.rules} and pack.loosened


def test_an_unknown_parameter_is_named() -> None:
    with pytest.raises(ConfigurationError, match="no parameter 'calls'"):
        get_pack("us").adjust(params={"calls": 3})


def test_a_lender_can_add_its_own_rule_and_it_decides_with_its_id() -> None:
    from fairdebt.compliance.rules import Rule

    def no_robots(case: Case, params: object) -> Refusal | None:
        return Refusal({}, None) if case.attempt.mode == "robot" else None

    rule = Rule(
        "cn.house.no_robots",
        "house policy",
        "P",
        "禁止机器人外呼",
        "no robot calls",
        no_robots,
        basis="house",
    )
    pack = get_pack("cn").adjust(add_rules=[rule])
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 10, tzinfo=SH), channel="call", mode="robot")
    verdict = check(attempt, (), Debtor(), pack)
    assert [r.rule for r in verdict.reasons] == ["cn.house.no_robots"]
    assert verdict.next_allowed_at is None


def test_the_massachusetts_overlay_only_tightens() -> None:
    pack = massachusetts(get_pack("us"))
    assert pack.id == "us-ma" and not pack.loosened
    assert pack.params["overlay_calls_per_7_days"] == 2
    with pytest.raises(ConfigurationError):
        pack.adjust(params={"overlay_calls_per_7_days": 3})
