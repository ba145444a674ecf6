"""The risk manager's portfolio screen carries the explainer's panel in the slot kept for it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.conftest import sign_in


def test_the_portfolio_shows_the_explainer_instead_of_the_placeholder(pages: TestClient) -> None:
    sign_in(pages, "risk")
    page = pages.get("/portfolio").text
    slot = page.split('data-testid="explain-slot"', 1)[1]
    assert "The explainer will show here" not in slot
    # Four loans over a few months are too little to find a change: the panel says so.
    assert "data-testid='explain-none'" in slot and "Nothing to explain yet" in slot


def test_the_explainer_panel_follows_the_language_switch(pages: TestClient) -> None:
    sign_in(pages, "risk")
    page = pages.get("/lang/zh-CN?next=/portfolio").text
    assert "暂无法归因" in page.split('data-testid="explain-slot"', 1)[1]
