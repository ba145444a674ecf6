"""Lawful requests of a third party: confirm where the consumer works or lives, or pass on a
request to call back (FDCPA §804, 12 CFR 1006.10, CONC 7.9.6R, GB/T 45251-2025). The classifier
learnt "your employer" from messages to the consumer; it reads a third party's message without
these requests, and still reads whatever else the message says (docs/screening.md)."""

from __future__ import annotations

import pytest

import fairdebt.compliance.screening as screening
from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.classifier import Score

LAWFUL = [
    (
        "us",
        "employer",
        "Hello, I'm calling from Cardinal Servicing to verify employment for Derek Mills. "
        "Can you confirm he currently works at this location? That's all I need, thank you.",
    ),
    (
        "uk",
        "employer",
        "Hello, could you pass a message to Gary Whitlock to ring Sarah on 0161 496 0000 about "
        "a personal matter? Thank you.",
    ),
    (
        "uk",
        "employer",
        "Good morning, could you let me know whether Ms Clarke is still employed at this branch? "
        "We need to reach her directly. Thank you.",
    ),
    ("cn", "contact", "麻烦转告张三尽快回电"),
    ("cn", "employer", "请问张三是否还在贵公司上班？"),
]


@pytest.mark.parametrize(("pack", "recipient", "text"), LAWFUL)
def test_a_lawful_request_of_a_third_party_passes(pack: str, recipient: str, text: str) -> None:
    assert screen(text, {"recipient": recipient}, pack) == []


def test_the_same_request_read_as_a_message_to_the_consumer_is_left_to_the_classifier() -> None:
    text = LAWFUL[1][2]
    lawful = screen(text, {"recipient": "employer"}, "uk")
    to_debtor = screen(text, {}, "uk")
    assert lawful == []
    # Not cut out for the consumer: the score is the whole message's, whatever it decides.
    assert [f.source for f in to_debtor] in ([], ["classifier"])


def test_a_threat_beside_a_lawful_request_is_still_sent_to_review() -> None:
    text = "麻烦转告张三尽快回电，让他小心点，出门看着点路"
    findings = screen(text, {"recipient": "contact"}, "cn")
    assert verdict(findings) == "review"
    assert [f.category for f in findings] == ["V"]


def test_an_english_shaming_clause_after_a_lawful_request_is_still_sent_to_review() -> None:
    text = (
        "Could you confirm whether Derek still works here? Tell him his neighbours will find out "
        "what kind of man he is if he keeps hiding."
    )
    assert verdict(screen(text, {"recipient": "employer"}, "us")) == "review"


def test_a_lawful_request_does_not_excuse_naming_the_debt_to_a_third_party() -> None:
    text = "Could you confirm whether Derek still works here? Tell him he owes us 500 dollars."
    findings = screen(text, {"recipient": "employer"}, "us")
    assert verdict(findings) == "block"
    assert {f.category for f in findings} == {"T"}


def test_asking_whether_this_is_still_the_right_address_is_a_lawful_location_inquiry() -> None:
    text = (
        "Hi, my name is Jordan Lee. I'm trying to confirm contact information for Maria Alvarez. "
        "Is this still the right address to reach her?"
    )
    assert screen(text, {"recipient": "employer"}, "us") == []


def test_calling_about_the_spouse_s_account_names_the_account_not_a_contact() -> None:
    text = "I'm calling about your wife Lisa's Synchrony account, balance $1,312.40."
    lexicon = screen(text, {"recipient": "spouse"}, "us", statistical=False)
    assert lexicon == []


def test_not_naming_the_firm_to_a_third_party_is_the_law_there_not_an_evasion() -> None:
    text = (
        "Hi, it's Mark. I'd rather not say which company I'm with; it's a private matter for "
        "Jasmine. She has my number."
    )
    assert screen(text, {"recipient": "contact"}, "us") == []
    # To the consumer, refusing to say who is calling is C (FDCPA §807(14)).
    assert [f.category for f in screen(text, {}, "us")] == ["C"]


def test_asking_how_to_reach_the_consumer_is_a_lawful_location_inquiry() -> None:
    text = (
        "Hi, my name is Dana Ruiz. I'm trying to confirm the current home address and phone "
        "number for Marcus Hill. Would you happen to know how I can reach him?"
    )
    assert screen(text, {"recipient": "contact"}, "us") == []


def test_naming_the_debt_to_the_consumers_attorney_is_not_read_as_telling_a_third_party() -> None:
    text = (
        "Dear Ms. Feld, We understand you represent Daniel Ruiz regarding his Brightline Finance "
        "account, which has a balance of $4,950. Going forward we will direct all communications "
        "to you."
    )
    assert screen(text, {"recipient": "attorney"}, "us") == []


def _classifier_saying(category: str) -> type:
    """A classifier that reads every text as ``category``, at 0.99."""

    class Says:
        def score(self, text: str) -> Score:
            return Score(0.99, category)

    return Says


def test_the_classifiers_third_party_reading_is_void_for_those_the_law_treats_as_the_consumer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(screening, "classifier", _classifier_saying("T"))
    text = "Hi Mrs. Cole, this is Tina with Redwood Credit about your husband's auto loan."
    assert screen(text, {"recipient": "spouse"}, "us") == []  # 12 CFR 1006.6(a)(1)
    assert screen(text, {"recipient": "attorney"}, "uk") == []
    to_a_spouse_in_the_uk = screen(text, {"recipient": "spouse"}, "uk")
    assert [f.category for f in to_a_spouse_in_the_uk] == ["T"]
    assert [f.category for f in screen(text, {}, "us")] == ["T"]


def test_the_classifiers_legal_reading_is_void_in_a_letter_to_the_consumers_attorney(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(screening, "classifier", _classifier_saying("L"))
    text = "Dear Mr Okafor, further to your letter as solicitor for Ms Ade: her balance is £356."
    assert screen(text, {"recipient": "attorney"}, "uk") == []
    assert [f.category for f in screen(text, {}, "uk")] == ["L"]
