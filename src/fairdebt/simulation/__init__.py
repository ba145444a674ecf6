"""The synthetic portfolio: Chinese online consumer loans, their borrowers and how they repay.

:func:`simulate` writes a seeded portfolio into a database through the ledger verbs and runs the
daily cycle over it; ``scenario`` injects a known shock and records its ground truth. The pieces:
:mod:`~fairdebt.simulation.population` (who borrows), :mod:`~fairdebt.simulation.origination`
(what they borrow, when), :mod:`~fairdebt.simulation.behaviour` (how they repay),
:mod:`~fairdebt.simulation.scenarios` (injected shocks), :mod:`~fairdebt.simulation.paper`
(a paper ledger for calibration) and :mod:`~fairdebt.simulation.database` (the real ledger).
"""

from __future__ import annotations

from fairdebt.simulation.behaviour import BehaviourParams
from fairdebt.simulation.runs import SimulationResult, simulate
from fairdebt.simulation.scenarios import SCENARIOS

__all__ = ["SCENARIOS", "BehaviourParams", "SimulationResult", "simulate"]
