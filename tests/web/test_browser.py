"""Journeys of each role and of the borrower in a real browser (Chromium), in both languages.

Each language gets its own server over a fresh copy of the world, so a journey in English and
the same journey in Chinese both start from the same state. One browser per test session and
one page per language are reused; each journey signs in afresh. With ``FAIRDEBT_SCREENS=DIR``
(``make screens``) every main screen is saved as ``DIR/<screen>.<lang>.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENS, live_server
from tests.web.factories import PASSWORD, World

pytestmark = pytest.mark.slow

TEXT = {
    "en": {
        "queue": "My work queue",
        "logged": "contact logged",
        "promised": "promise recorded",
        "offered": "plan offered",
        "accepted": "plan accepted",
        "saved": "saved",
        "received": "received",
        "allowed": "allowed now",
        "intact": "Intact",
        "not_found": "Not found",
        "token": "Its API token, shown only now:",
        "moved": "moved",
        "paused": "Collection is paused on this loan",
    },
    "zh-CN": {
        "queue": "我的工作队列",
        "logged": "触达已登记",
        "promised": "承诺已登记",
        "offered": "方案已提供",
        "accepted": "方案已接受",
        "saved": "已保存",
        "received": "已收到",
        "allowed": "现在允许",
        "intact": "完整",
        "not_found": "未找到",
        "token": "其接口令牌（仅显示这一次）：",
        "moved": "moved",
        "paused": "该借据已暂停催收",
    },
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", params=["en", "zh-CN"])
def site(
    request: pytest.FixtureRequest,
    world_template: tuple[Path, World],
    tmp_path_factory: pytest.TempPathFactory,
    browser: Browser,
) -> Iterator[tuple[str, str, Page]]:
    lang: str = request.param
    folder = tmp_path_factory.mktemp(f"live-{lang}")
    with live_server(world_template[0], folder) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield base, lang, page
        context.close()


def _sign_in(site: tuple[str, str, Page], name: str) -> Page:
    base, lang, page = site
    page.context.clear_cookies()
    page.goto(f"{base}/lang/{lang}?next=/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


def _shot(site: tuple[str, str, Page], name: str) -> None:
    if SCREENS:
        folder = Path(SCREENS)
        folder.mkdir(parents=True, exist_ok=True)
        site[2].screenshot(path=str(folder / f"{name}.{site[1]}.png"), full_page=True)


def _notice(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_a_collector_works_a_case_from_the_queue(site: tuple[str, str, Page], world: World) -> None:
    lang = site[1]
    page = _sign_in(site, "collector")
    expect(page.locator("h1")).to_contain_text(TEXT[lang]["queue"])
    expect(page.get_by_test_id("queue")).to_contain_text("张伟")
    _shot(site, "collector-queue")
    page.get_by_role("link", name="张伟").click()
    # the gate's answer is shown before any contact; the language run that comes second finds
    # the first run's promise, which holds collection calls (the daily plan's own facts)
    expect(page.get_by_test_id("gate-call")).to_be_visible()
    expect(page.get_by_test_id("phone").first).to_have_text("+86138****0001")
    _shot(site, "collector-account")
    form = page.get_by_test_id("log-contact")
    form.locator("select[name=outcome]").select_option("connected")
    form.locator("select[name=right_party]").select_option("yes")
    form.locator("select[name=result]").select_option("ptp")
    form.locator("button").click()
    _notice(page, TEXT[lang]["logged"])
    expect(page.get_by_test_id("contacts")).to_contain_text("lender")
    promise = page.get_by_test_id("promise")
    promise.locator("input[name=amount]").fill("800.00")
    promise.locator("input[name=due_on]").fill("2025-07-08")
    promise.locator("button").click()
    _notice(page, TEXT[lang]["promised"])
    expect(page.get_by_test_id("promises")).to_contain_text("800.00")
    page.get_by_test_id("offer").locator("button").click()
    _notice(page, TEXT[lang]["offered"])


def test_an_agency_works_its_case_and_cannot_open_another(
    site: tuple[str, str, Page], world: World
) -> None:
    base, lang, _ = site
    page = _sign_in(site, "agency-a")
    expect(page.get_by_test_id("queue")).to_contain_text("李娜")
    expect(page.get_by_test_id("queue")).not_to_contain_text("张伟")
    page.get_by_role("link", name="李娜").click()
    expect(page.get_by_test_id("national-id")).to_have_text("**************2345")
    page.goto(f"{base}/accounts/{world.loans['B-1']}")
    expect(page.locator("h1")).to_contain_text(TEXT[lang]["not_found"])
    expect(page.locator("body")).not_to_contain_text("张伟")


def test_a_supervisor_sees_the_team_and_reassigns_a_case(
    site: tuple[str, str, Page], world: World
) -> None:
    page = _sign_in(site, "supervisor")
    expect(page.get_by_test_id("team")).to_contain_text("C-L1")
    expect(page.locator("svg.chart").first).to_be_visible()
    _shot(site, "supervisor-team")
    form = page.get_by_test_id("reassign")
    form.locator(f"input[value='{world.decisions['B-3']}']").check()
    form.locator("select[name=collector_id]").select_option(str(world.collectors["C-L2"]))
    form.locator("button").click()
    _notice(page, "1 moved")


def test_a_strategist_reads_the_plan_and_the_experiment(site: tuple[str, str, Page]) -> None:
    page = _sign_in(site, "strategist")
    expect(page.get_by_test_id("arms")).to_contain_text("holdout")
    expect(page.get_by_test_id("plan-mix")).to_contain_text("agent_call")
    expect(page.get_by_test_id("catalogue")).to_contain_text("robot_call")
    _shot(site, "strategist")


def test_a_risk_manager_reads_the_portfolio(site: tuple[str, str, Page]) -> None:
    page = _sign_in(site, "risk")
    expect(page.get_by_test_id("kpis")).to_contain_text("%")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.get_by_test_id("explain-slot")).to_be_visible()
    _shot(site, "risk-portfolio")
    page.goto(f"{site[0]}/models")
    expect(page.locator("main")).to_contain_text("risk train")


def test_a_compliance_officer_reads_the_desk_and_the_audit_chain(
    site: tuple[str, str, Page],
) -> None:
    base, lang, _ = site
    page = _sign_in(site, "compliance")
    expect(page.get_by_test_id("refusals")).to_contain_text("cn.frequency.connected_calls")
    expect(page.get_by_test_id("against")).to_contain_text("agency:甲催收")
    expect(page.get_by_test_id("complaints")).to_be_visible()
    expect(page.get_by_test_id("scorecards")).to_contain_text("甲催收")
    _shot(site, "compliance")
    page.goto(f"{base}/compliance/audit")
    expect(page.get_by_test_id("audit-status")).to_contain_text(TEXT[lang]["intact"])


def test_an_admin_adds_a_dialer_and_sees_its_token_once(site: tuple[str, str, Page]) -> None:
    base, lang, _ = site
    page = _sign_in(site, "admin")
    page.goto(f"{base}/admin")
    page.fill("input[name=name]", f"dialer-{lang}")
    page.select_option("select[name=role]", "dialer")
    page.locator("form[action='/admin/users'] button").click()
    expect(page.get_by_test_id("token")).to_have_text(re.compile(r"^fd_[\w-]{40,}$"))
    _shot(site, "admin-users")


def test_a_borrower_on_a_phone_chooses_a_plan_sets_contact_and_disputes(
    site: tuple[str, str, Page], browser: Browser, world: World
) -> None:
    base, lang, _ = site
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale=lang, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(20_000)
    try:
        mobile = (base, lang, page)
        _sign_in(mobile, "borrower")
        expect(page.get_by_test_id("payoff")).to_contain_text(",")
        _shot(mobile, "borrower-loans")
        page.get_by_test_id("plans").locator("button").click()
        _notice(page, TEXT[lang]["accepted"])
        page.goto(f"{base}/me/contact")
        window = page.get_by_test_id("window")
        window.locator("input[name=from_time]").fill("12:00")
        window.locator("input[name=to_time]").fill("14:00")
        window.locator("button").click()
        _notice(page, TEXT[lang]["saved"])
        expect(page.get_by_test_id("preferences")).to_contain_text("12:00–14:00")
        _shot(mobile, "borrower-contact")
        page.goto(f"{base}/me/complaints")
        form = page.get_by_test_id("complain")
        form.locator("select[name=kind]").select_option("dispute")
        form.locator("select[name=loan_id]").select_option(str(world.loans["B-1"]))
        form.locator("textarea").fill("金额不对 / the amount is wrong")
        form.locator("button").click()
        _notice(page, TEXT[lang]["received"])
        _shot(mobile, "borrower-complaints")
        page.goto(f"{base}/me")
        expect(page.locator("main")).to_contain_text(TEXT[lang]["paused"])
        page.goto(f"{base}/me/rights")
        _shot(mobile, "borrower-rights")
    finally:
        phone.close()
