"""The world file: its schema is checked, and what it says changes what collection achieves."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdebt.errors import ConfigurationError
from fairdebt.simulation.evaluation import evaluate
from fairdebt.simulation.world import load_world
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import NoContact

SIZE = {"borrowers": 400, "days": 80, "seeds": [4]}


def _world(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(text, "utf-8")
    return path


def _inert(tmp_path: Path) -> Path:
    """A world where no contact changes anything a borrower does."""
    actions = "\n".join(
        f"  {a}: {{jump: 0, reminder: 0, hardship_token: 0}}"
        for a in ("app_push", "sms", "email", "robot_call", "agent_call", "letter",
                  "plan_offer", "field_visit", "agency_placement", "agency_call",
                  "legal_referral")
    )  # fmt: skip
    return _world(
        tmp_path,
        f"actions:\n{actions}\npromises: {{boost: 0, keep: 0}}\ntokens: {{on_contact: 0}}\n"
        "plans: {ask: 0}\n",
    )


def test_a_key_the_schema_does_not_know_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"traits: unknown keys \['sleepy_dogs'\]"):
        load_world(_world(tmp_path, "traits: {sleepy_dogs: 0.5}\n"))


def test_a_share_outside_zero_to_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"traits\.sleeping_dog_share"):
        load_world(_world(tmp_path, "traits: {sleeping_dog_share: 1.5}\n"))


def test_a_file_overrides_only_the_keys_it_names(tmp_path: Path) -> None:
    world = load_world(_world(tmp_path, "actions: {agent_call: {jump: 2.5}}\n"))
    shipped = load_world()
    assert world.effect("agent_call").jump == 2.5
    assert world.effect("agent_call").complaint == shipped.effect("agent_call").complaint
    assert world.effect("sms") == shipped.effect("sms")


def test_when_contact_does_nothing_the_champion_recovers_exactly_what_no_contact_does(
    tmp_path: Path,
) -> None:
    results = evaluate(
        **SIZE,
        arms=[("champion", Champion()), ("none", NoContact())],
        world=load_world(_inert(tmp_path)),
    )
    assert results["champion"].contacts > 0
    assert results["champion"].recovered == pytest.approx(results["none"].recovered)
    assert results["champion"].net_recovery < results["none"].net_recovery
    assert results["champion"].violations == 0


def test_the_shipped_world_rewards_the_champion_and_sleeping_dogs_punish_it(tmp_path: Path) -> None:
    arms = [("champion", Champion()), ("none", NoContact())]
    bigger = {"borrowers": 1500, "days": 120, "seeds": [4]}
    shipped = evaluate(**bigger, arms=arms)
    dogs = evaluate(
        **bigger,
        arms=arms[:1],
        world=load_world(
            _world(tmp_path, "traits: {sleeping_dog_share: 1.0, sleeping_dog_effect: -1.0}\n")
        ),
    )
    assert shipped["champion"].recovered > 1.2 * shipped["none"].recovered
    assert dogs["champion"].recovered < shipped["none"].recovered
