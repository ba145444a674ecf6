"""Screening throughput: messages per second on a realistic zh/en mix, one and two processes.

Messages are 30-120 characters, built from reminder, plan-offer and legal/credit-notice templates
in Chinese and English with varying names, amounts and dates; one in ten is a prohibited message
(threats, insults, third-party disclosure, evasions). The baseline is folding alone (the
normalisation every approach needs), run in the same process, so the ratio says what matching
costs on top of it. Floor (issue 4): 5,000 messages per second on 2 cores.

Run from the project root::

    .venv/bin/python benchmarks/screening.py            # writes benchmarks/results/screening.md
    .venv/bin/python benchmarks/screening.py --messages 20000 --no-write
    .venv/bin/python benchmarks/screening.py --heldout      # precision/recall per category
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import time
from pathlib import Path

from fairdebt.compliance.screening import CATEGORIES, screen, verdict
from fairdebt.compliance.screening.folding import fold

FLOOR = 5_000
RESULTS = Path(__file__).parent / "results" / "screening.md"
HELDOUT = Path(__file__).parent.parent / "tests" / "compliance" / "screening_heldout.jsonl"

_NAMES_ZH = ["张先生", "李女士", "王先生", "赵女士", "陈先生", "刘女士"]
_NAMES_EN = ["John", "Maria", "David", "Aisha", "Wei", "Emma"]
_ZH = [
    "【XX消费金融】尊敬的{n}，您的借款本期应还{a}元已逾期{d}天，请尽快通过官方APP还款，如已还款请忽略。",
    "尊敬的{n}，您的信用卡账单最低还款额为{a}元，到期还款日为{m}月{d}日，请按时还款。",
    "您好{n}，可为您申请分期还款方案，每期还款{a}元，详询官方客服400-000-0000。",
    "{n}您好，逾期信息将按规定报送征信，请及时处理，避免影响您的信用记录。",
    "温馨提示：{n}，您的账单将于{m}月{d}日到期，请确保还款账户余额充足。",
    "{n}您好，我是XX银行信用卡中心客服，工号10{d}，提醒您本期账单已逾期{d}天。",
]
_EN = [
    "Hi {n}, this is a reminder from Acme Finance that your payment of ${a} is due on June {d}.",
    "{n}, we can offer a repayment plan of ${a} per month. Call us at 555-0100, 9am-5pm.",
    "Hi {n}, late payments may be reported to credit bureaus as permitted by law. Reply STOP to "
    "opt out.",
    "{n}, your account is {d} days past due. Please pay ${a} through our official app.",
    "Thanks {n}. Your plan is active; the next payment of ${a} is due on July {d}.",
]
_BAD = [
    "再不还钱就爆你通讯录，通知你单位领导",
    "我是XX区法院的，你已涉嫌诈骗，马上立案",
    "不还就让你坐 牢，上全国hei名单",
    "你这个老赖，每天打到你接为止",
    "{n}, pay now or we will call your employer and you'll go to j@il.",
    "Pay ${a} to my personal Venmo or something will happen to your family.",
]


def make_messages(count: int, seed: int = 7) -> list[str]:
    """``count`` messages: 45 % Chinese, 45 % English, 10 % prohibited, deterministic."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.1:
            template, name = rng.choice(_BAD), rng.choice(_NAMES_EN)
        elif roll < 0.55:
            template, name = rng.choice(_ZH), rng.choice(_NAMES_ZH)
        else:
            template, name = rng.choice(_EN), rng.choice(_NAMES_EN)
        amount = f"{rng.randint(50, 9000):,}"
        messages.append(
            template.format(n=name, a=amount, d=rng.randint(1, 28), m=rng.randint(1, 12))
        )
    return messages


def _screen_all(messages: list[str]) -> int:
    return sum(1 for m in messages if verdict(screen(m)) != "pass")


def _screen_lexicon_only(messages: list[str]) -> int:
    return sum(1 for m in messages if verdict(screen(m, statistical=False)) != "pass")


def _rate(function: object, messages: list[str]) -> tuple[float, float]:
    """Messages per wall-clock second and per CPU second of this process."""
    start, cpu = time.perf_counter(), time.process_time()
    function(messages)  # type: ignore[operator]
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return len(messages) / wall, len(messages) / used


def _fold_all(messages: list[str]) -> int:
    return sum(len(fold(m).compact_text) for m in messages)


def _warm(_: int) -> int:
    screen("warm 再不还钱就让你坐牢")
    return os.getpid()


def two_process_rate(messages: list[str]) -> float:
    """Messages per second with two warmed worker processes sharing the list."""
    half = len(messages) // 2
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_warm, [0, 1])
        start = time.perf_counter()
        pool.map(_screen_all, [messages[:half], messages[half:]])
        return len(messages) / (time.perf_counter() - start)


def heldout_table(rounds: set[int] | None = None) -> str:
    """Precision and recall per category on the held-out set (docs/screening.md).

    A category found in a message counts as a true positive when the message's label requires
    it, is neutral when the label allows it (``also``), and is a false positive otherwise (every
    finding on a compliant message is one).
    """
    with HELDOUT.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines if line.strip()]
    if rounds:
        cases = [c for c in cases if c.get("round", 1) in rounds]
    tp = dict.fromkeys(CATEGORIES, 0)
    fn = dict.fromkeys(CATEGORIES, 0)
    fp = dict.fromkeys(CATEGORIES, 0)
    flagged = passed = 0
    for case in cases:
        findings = screen(case["text"], case["facts"], case["pack"])
        found = {f.category for f in findings}
        required = set(case["categories"])
        for code in required:
            (tp if code in found else fn)[code] += 1
        for code in found - required - set(case["also"]):
            fp[code] += 1
        if case["verdict"] == "pass":
            passed += verdict(findings) == "pass"
        else:
            flagged += verdict(findings) != "pass"

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.2f}" if b else "—"

    rows = [
        f"| {c} | {tp[c]} | {fn[c]} | {fp[c]} | {ratio(tp[c], tp[c] + fp[c])} "
        f"| {ratio(tp[c], tp[c] + fn[c])} |"
        for c in CATEGORIES
    ]
    t, n, p = sum(tp.values()), sum(fn.values()), sum(fp.values())
    rows.append(f"| all | {t} | {n} | {p} | {ratio(t, t + p)} | {ratio(t, t + n)} |")
    bad = sum(1 for c in cases if c["verdict"] != "pass")
    good = len(cases) - bad
    return (
        "| category | TP | FN | FP | precision | recall |\n|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + f"\n\nProhibited messages flagged: {flagged} / {bad}; "
        f"compliant passed: {passed} / {good}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--heldout", action="store_true", help="held-out precision/recall")
    parser.add_argument("--round", type=int, action="append", help="held-out round(s) only")
    args = parser.parse_args()
    if args.heldout:
        print(heldout_table(set(args.round) if args.round else None))
        return
    messages = make_messages(args.messages)
    _warm(0)
    blocked = _screen_all(messages[:2000])
    baseline, baseline_cpu = _rate(_fold_all, messages)
    lexicon, lexicon_cpu = _rate(_screen_lexicon_only, messages)
    single, single_cpu = _rate(_screen_all, messages)
    double = two_process_rate(messages)
    load = os.getloadavg()[0]
    mean_length = sum(map(len, messages)) / len(messages)
    rows = [
        ("folding only (baseline)", f"{baseline:,.0f}", f"{baseline_cpu:,.0f}", "1.00"),
        (
            "lexicon only (statistical=False), 1 process",
            f"{lexicon:,.0f}",
            f"{lexicon_cpu:,.0f}",
            f"{lexicon_cpu / baseline_cpu:.3f}",
        ),
        (
            "screen with the classifier, 1 process",
            f"{single:,.0f}",
            f"{single_cpu:,.0f}",
            f"{single_cpu / baseline_cpu:.3f}",
        ),
        (
            "screen with the classifier, 2 processes",
            f"{double:,.0f}",
            f"{2 * single_cpu:,.0f} (2 x 1 core)",
            "—",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    verdict_2 = "met" if max(double, 2 * single_cpu) >= FLOOR else "NOT met"
    report = f"""# Screening throughput

{len(messages):,} messages, mean {mean_length:.0f} characters, about 45 % Chinese, 45 % English,
10 % prohibited (of the first 2,000, {blocked} were not passed). Packs: cn; facts: defaults.
Floor (issue 4): {FLOOR:,} messages/s on 2 cores — {verdict_2} (per CPU second, or wall clock
when the two cores are free).

| run | messages / wall second | messages / CPU second | CPU ratio to baseline |
|---|---:|---:|---:|
{table}

Load average during the run: {load:.1f} on {os.cpu_count()} cores (other work on the machine
lowers the wall-clock figures; the CPU-second figures do not depend on it as much).

Command: `.venv/bin/python benchmarks/screening.py --messages {args.messages}`
Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()},
Python {platform.python_version()}.
"""
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        # Sections below the table ("## ...") are the history of earlier changes: kept.
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        history = old[old.find("\n## ") :] if "\n## " in old else ""
        RESULTS.write_text(report + history, encoding="utf-8")


if __name__ == "__main__":
    main()
