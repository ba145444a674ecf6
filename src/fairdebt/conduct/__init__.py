"""The conduct report (issue 12, item 6): contacts and gate refusals by rule, complaints by
cause, agency scorecards and repayment plans by kind and outcome, for a period, as HTML with
charts in zh-CN and en and as CSV (:func:`read_figures`, :func:`write_report`)."""

from __future__ import annotations

from fairdebt.conduct.figures import ConductFigures, read_figures
from fairdebt.conduct.report import LANGUAGES, write_report

__all__ = ["LANGUAGES", "ConductFigures", "read_figures", "write_report"]
