"""The compliance engine: one gate in front of every contact, and screening of every message.

``check(attempt, history, debtor, pack)`` answers whether one contact attempt may go ahead, with
every rule that decided it (id, citation, grade, a sentence in zh-CN and en) and the earliest
instant the same attempt would pass. Rule packs (``cn`` default, ``us``, ``uk``) are data: pure
rule functions plus parameters, which a lender may tighten but never silently loosen.
:mod:`fairdebt.compliance.batch` runs the same gate over columnar tables for planners, and
:mod:`fairdebt.compliance.screening` screens message and transcript text.
"""

from __future__ import annotations

__all__: list[str] = []
