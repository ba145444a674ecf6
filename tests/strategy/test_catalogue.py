"""The action catalogue: shipped wording passes screening; a blocked template refuses it all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fairdebt.errors import ConfigurationError
from fairdebt.strategy.catalogue import LANGUAGES, STAGES, load_catalogue, sample_values


def _shipped() -> dict:
    from importlib import resources

    text = (resources.files("fairdebt.strategy") / "actions.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "actions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_the_shipped_catalogue_has_every_action_the_issue_names() -> None:
    catalogue = load_catalogue()
    expected = {
        "none",
        "app_push",
        "sms",
        "email",
        "robot_call",
        "agent_call",
        "letter",
        "plan_offer",
        "field_visit",
        "agency_placement",
        "legal_referral",
    }
    assert expected <= set(catalogue.codes)
    for action in catalogue.actions.values():
        assert set(action.stages) <= set(STAGES)
        if action.is_contact:
            assert action.pool in catalogue.pools
            for texts in action.templates.values():
                assert set(texts) == set(LANGUAGES)


def test_every_shipped_template_renders_in_both_languages_with_the_borrowers_values() -> None:
    catalogue = load_catalogue()
    for code, action in catalogue.actions.items():
        for kind in action.templates:
            for language in LANGUAGES:
                text = catalogue.render(code, kind, language, sample_values(language))
                assert "{" not in text and "}" not in text
                assert sample_values(language)["name"] in text


def test_a_threatening_template_refuses_the_whole_catalogue_naming_it(tmp_path: Path) -> None:
    data = _shipped()
    data["actions"]["sms"]["templates"]["overdue"]["zh-CN"] = (
        "{name}，再不还钱就去你单位找你领导，让你全家都知道。"
    )
    with pytest.raises(ConfigurationError, match=r"action sms, template overdue, zh-CN"):
        load_catalogue(_write(tmp_path, data))


def test_a_fallback_chain_that_loops_is_refused(tmp_path: Path) -> None:
    data = _shipped()
    data["actions"]["app_push"]["fallback"] = "sms"
    with pytest.raises(ConfigurationError, match="loops"):
        load_catalogue(_write(tmp_path, data), screen=False)


def test_an_unknown_template_field_is_refused_with_the_field_named(tmp_path: Path) -> None:
    data = _shipped()
    data["actions"]["sms"]["templates"]["reminder"]["en"] = "Hi {name}, your {balance} is due"
    with pytest.raises(ConfigurationError, match=r"unknown fields \['balance'\]"):
        load_catalogue(_write(tmp_path, data), screen=False)


def test_an_action_missing_a_language_is_refused(tmp_path: Path) -> None:
    data = _shipped()
    del data["actions"]["letter"]["templates"]["overdue"]["en"]
    with pytest.raises(ConfigurationError, match="action letter, template overdue"):
        load_catalogue(_write(tmp_path, data), screen=False)


def test_the_fallback_chain_of_an_agent_call_ends_at_the_least_intrusive_message() -> None:
    assert load_catalogue(screen=False).fallbacks("agent_call")[-1] == "app_push"
