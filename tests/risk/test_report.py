"""The HTML reports: one self-contained file with every section, inline charts and no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from fairdebt.risk import report
from fairdebt.risk.report import write_monitoring_report, write_validation_report

VALIDATION_SECTIONS = {
    "summary",
    "discrimination",
    "calibration",
    "gains",
    "binning",
    "distribution",
}
MONITORING_SECTIONS = {"summary", "alerts", "score-psi", "csi", "feature-distributions"}
ODD_NAME = "<b>收入</b> & income"
AGE = r"age $\frac{1}{$"  # would be broken TeX if a chart read it as math


def frame(n: int, *, seed: int, income_shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            ODD_NAME: rng.normal(10.0 + income_shift, 2.0, n),
            AGE: rng.integers(20, 70, n).astype(float),
            "city": rng.choice(["北京", "上海", "成都"], n),
        }
    )


def target(X: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random(len(X)) < 1 / (1 + np.exp(X[ODD_NAME] - 9.0))).astype(int)


class StandIn:
    """A logistic regression on income and age, with points and (optionally) binning tables."""

    def __init__(self, X: pd.DataFrame, y: np.ndarray, *, binned: bool) -> None:
        self.columns = [ODD_NAME, AGE]
        self.regression = LogisticRegression().fit(X[self.columns].to_numpy(), y)
        self.feature_names_in_ = np.array([ODD_NAME, AGE, "city"], dtype=object)
        if binned:
            self.binning_tables_ = {
                ODD_NAME: pd.DataFrame(
                    {
                        "bin": ["(-inf, 9)", "[9, inf)", "Missing"],
                        "count": [400, 600, 0],
                        "event_rate": [0.5, 0.2, 0.0],
                        "woe": [-0.8, 0.5, 0.0],
                        "iv": [0.3, 0.2, 0.0],
                    }
                ),
                AGE: pd.DataFrame(
                    {"bin": ["(-inf, 40)", "[40, inf)"], "count": [500, 500],
                     "event_rate": [0.3, 0.3], "woe": [0.0, 0.0], "iv": [0.0, 0.0]}
                ),
            }  # fmt: skip

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.regression.predict_proba(X[self.columns].to_numpy()))

    def decision_score(self, X: pd.DataFrame) -> np.ndarray:
        p = self.predict_proba(X)[:, 1]
        return np.rint(600 + 20 / np.log(2) * np.log((1 - p) / p))


class Page(HTMLParser):
    """Collects what the tests look at: section ids, inline SVGs, links and every text run."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.svgs: list[str] = []  # the section of every inline chart
        self.links: list[str] = []
        self.tags: list[str] = []
        self.rows: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.raw = text
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "section":
            self.sections.append(values.get("id") or "")
        if tag == "svg":
            self.svgs.append(self.sections[-1] if self.sections else "")
        for name in ("src", "href", "xlink:href", "data"):
            if values.get(name):
                self.links.append(values[name] or "")
        if tag == "tr" and values.get("class"):
            self.rows.append((values["class"] or "", self.getpos()[0]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def assert_self_contained(page: Page) -> None:
    external = [link for link in page.links if not link.startswith("#")]
    assert external == []
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    urls = set(re.findall(r"https?://[^\"'\s<>]*", page.raw))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # namespaces


@pytest.fixture(scope="module")
def development() -> tuple[pd.DataFrame, np.ndarray]:
    X = frame(2000, seed=1)
    return X, target(X, 2)


@pytest.fixture(scope="module")
def validation_page(
    development: tuple[pd.DataFrame, np.ndarray], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Page]:
    X, y = development
    model = StandIn(X, y, binned=True)
    card = {"created_at": "2026-11-29T08:00:00+08:00", "data": {"path": "dev.csv", "rows": 2000}}
    path = tmp_path_factory.mktemp("reports") / "nested" / "validation.html"
    written = write_validation_report(model, X, y, path, card=card)
    return written, Page(written.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def monitoring_page(
    development: tuple[pd.DataFrame, np.ndarray], tmp_path_factory: pytest.TempPathFactory
) -> Page:
    X, y = development
    model = StandIn(X, y, binned=False)
    path = tmp_path_factory.mktemp("reports") / "monitoring.html"
    actual = frame(1500, seed=3, income_shift=2.5)
    written = write_monitoring_report(model, X, actual, path)
    return Page(written.read_text(encoding="utf-8"))


def test_the_validation_report_is_one_file_at_the_path_given(
    validation_page: tuple[Path, Page],
) -> None:
    path, _ = validation_page
    assert path.is_file() and path.parent.name == "nested"
    assert list(path.parent.iterdir()) == [path]


def test_the_validation_report_has_every_section_and_inline_charts(
    validation_page: tuple[Path, Page],
) -> None:
    _, page = validation_page
    assert VALIDATION_SECTIONS | {"card"} <= set(page.sections)
    assert page.svgs.count("discrimination") == 2  # ROC and KS
    assert {"calibration", "gains", "binning", "distribution"} <= set(page.svgs)
    assert_self_contained(page)


def test_the_validation_report_headings_are_in_chinese_and_english(
    validation_page: tuple[Path, Page],
) -> None:
    text = validation_page[1].all_text
    for heading in ("模型验证报告", "Model validation report", "按等级校准", "Lift and gains"):
        assert heading in text
    for metric in ("AUC", "Gini", "KS", "Brier", "ECE"):
        assert metric in text


def test_the_validation_report_escapes_feature_names(validation_page: tuple[Path, Page]) -> None:
    path, page = validation_page
    assert "b" not in page.tags
    assert ODD_NAME in page.all_text
    assert "&lt;b&gt;收入&lt;/b&gt; &amp; income" in path.read_text(encoding="utf-8")


def test_the_validation_report_shows_the_cards_creation_time(
    validation_page: tuple[Path, Page],
) -> None:
    assert "2026-11-29T08:00:00+08:00" in validation_page[1].all_text


def test_a_model_without_binning_tables_gets_a_visible_note(
    development: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = development
    page = Page(report.render_validation_report(StandIn(X, y, binned=False), X, y))
    assert "binning" in page.sections
    assert "has no binning tables; section skipped" in page.all_text
    assert "该模型未提供分箱表" in page.all_text


def test_the_monitoring_report_has_every_section_and_highlights_alerts(
    monitoring_page: Page,
) -> None:
    page = monitoring_page
    assert set(page.sections) == MONITORING_SECTIONS
    assert {"score-psi", "csi"} <= set(page.svgs)
    assert page.svgs.count("feature-distributions") == 3  # every feature, Chinese labels too
    assert_self_contained(page)
    assert any(css == "status-alert" for css, _ in page.rows)
    for heading in ("模型监控报告", "Model monitoring report", "特征稳定性", "预警 alert"):
        assert heading in page.all_text


def test_report_exports_what_it_names() -> None:
    assert all(hasattr(report, name) for name in report.__all__)
