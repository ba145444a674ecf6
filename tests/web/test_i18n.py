"""Every text a page shows has its Chinese, and the switch on every page changes the language."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import sign_in

from fairdebt.compliance.attempts import CHANNELS, OUTCOMES, RECIPIENTS
from fairdebt.models import DecisionStatus
from fairdebt.preferences import KINDS
from fairdebt.users import Role
from fairdebt.web.contacting import RESULTS
from fairdebt.web.messages_zh import ZH
from fairdebt.web.pages.portal import CATEGORIES
from fairdebt.web.rendering import NAV

_CALL = re.compile(r"""\bt\((['"])(.*?)(?<!\\)\1\)""")


def _template_texts() -> set[str]:
    found = set()
    for template in (resources.files("fairdebt.web") / "templates").iterdir():
        for match in _CALL.finditer(template.read_text(encoding="utf-8")):
            found.add(match.group(2).replace("\\'", "'"))
    return found


def test_every_text_in_the_templates_has_its_chinese() -> None:
    missing = sorted(_template_texts() - set(ZH))
    assert not missing


def test_every_value_a_page_translates_has_its_chinese() -> None:
    values = (
        {label for items in NAV.values() for _, label in items}
        | {r.value for r in Role}
        | {s.value for s in DecisionStatus}
        | set(CHANNELS)
        | set(OUTCOMES)
        | set(RECIPIENTS)
        | set(RESULTS)
        | set(KINDS)
        | set(CATEGORIES)
    )
    assert sorted(values - set(ZH)) == []


@pytest.mark.parametrize("name", ["collector", "risk", "borrower", "compliance"])
def test_the_switch_on_every_page_turns_it_chinese_and_back(pages: TestClient, name: str) -> None:
    sign_in(pages, name)
    home = pages.get("/")
    assert 'lang="en"' in home.text and 'data-testid="lang-switch"' in home.text
    path = home.url.path
    chinese = pages.get(f"/lang/zh-CN?next={path}")
    assert chinese.url.path == path and 'lang="zh-CN"' in chinese.text
    assert "退出" in chinese.text
    back = pages.get(f"/lang/en?next={path}")
    assert 'lang="en"' in back.text and "Sign out" in back.text


def test_the_language_switch_never_redirects_off_the_site(pages: TestClient) -> None:
    answer = pages.get("/lang/zh-CN?next=//evil.example/", follow_redirects=False)
    assert answer.headers["location"] == "/"
