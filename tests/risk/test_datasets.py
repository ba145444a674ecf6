"""The built-in German credit data ships byte for byte with its licence; nothing else does."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import fairdebt.risk as risk
from fairdebt.risk.datasets import german_credit_path

SHA256 = "2c0bae00275c028fc853a1ea72cc7a68002c3f6876c41300c5c948711540c8c6"


def test_the_german_credit_file_is_the_uci_copy_byte_for_byte() -> None:
    assert hashlib.sha256(german_credit_path().read_bytes()).hexdigest() == SHA256


def test_the_licence_and_provenance_ship_beside_it() -> None:
    folder = german_credit_path().parent
    assert "CC BY 4.0" in (folder / "README.md").read_text(encoding="utf-8")
    assert (
        "creativecommons.org/licenses/by/4.0" in (folder / "LICENSE-german_credit.md").read_text()
    )


def test_data_sets_that_may_not_be_redistributed_are_not_shipped() -> None:
    names = {p.name for p in Path(german_credit_path().parent).iterdir()}
    assert not any("hmeq" in n or "give_me" in n or "cs-training" in n for n in names)


MODULES = [
    "artifacts",
    "cleaning",
    "crossval",
    "datasets",
    "estimator",
    "gbm",
    "points",
    "reasons",
    "scorecard",
]


def test_every_module_lists_its_public_names_and_defines_them() -> None:
    assert all(hasattr(risk, name) for name in risk.__all__)
    for name in MODULES:
        module = importlib.import_module(f"fairdebt.risk.{name}")
        assert module.__doc__ and module.__all__
        assert all(hasattr(module, public) for public in module.__all__)
