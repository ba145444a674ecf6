"""Every gate module says what it exports, and exports only what exists."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "fairdebt.compliance",
    "fairdebt.compliance.attempts",
    "fairdebt.compliance.verdicts",
    "fairdebt.compliance.gate",
    "fairdebt.compliance.batch",
    "fairdebt.compliance.batch.tables",
    "fairdebt.compliance.batch.vectors",
    "fairdebt.compliance.batch.fallback",
    "fairdebt.compliance.packs",
    "fairdebt.compliance.packs.cn",
    "fairdebt.compliance.packs.us",
    "fairdebt.compliance.packs.uk",
    "fairdebt.compliance.rules",
    "fairdebt.compliance.rules.clock",
    "fairdebt.compliance.rules.hours",
    "fairdebt.compliance.rules.frequency",
    "fairdebt.compliance.rules.parties",
    "fairdebt.compliance.rules.stops",
    "fairdebt.compliance.rules.channels",
    "fairdebt.cli.compliance",
    "fairdebt.compliance.screening",
    "fairdebt.compliance.screening.classifier",
    "fairdebt.compliance.screening.lexicon",
    "fairdebt.compliance.screening.negation",
    "fairdebt.compliance.screening.transcripts",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_defines_all_and_every_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, name
    for exported in module.__all__:
        assert hasattr(module, exported), (name, exported)
