"""Call transcripts: only the collector's turns can violate (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.quotations import quoted_spans
from fairdebt.compliance.screening.transcripts import (
    Turn,
    call_recipient,
    collector_spans,
    parse_transcript,
    read_turns,
    screen_transcript,
)
from fairdebt.errors import InputError


def test_the_debtor_saying_a_threat_word_is_no_violation() -> None:
    turns = [
        Turn("debtor", "你们是不是要让我坐牢？还要告诉我领导？"),
        Turn("collector", "不会的，欠款是民事纠纷，我们也不会联系您的单位"),
    ]
    assert screen_transcript(turns) == []


def test_the_collector_turn_that_threatens_is_found_with_its_turn_and_span() -> None:
    turns = [
        Turn("debtor", "Are you going to call my boss?"),
        Turn("collector", "Yes, we will call your boss and tell him you owe us."),
    ]
    (found,) = screen_transcript(turns, pack="us")
    assert found.turn == 1 and found.finding.category == "T"
    assert "your boss" in turns[1].text[found.finding.start : found.finding.end]


def test_a_plain_text_transcript_is_read_by_its_speaker_labels() -> None:
    turns = parse_transcript(
        "坐席：您好，我是XX金融客服\n客户：我没钱\n坐席：没钱就去借高利贷先还上\n"
    )
    assert [t.speaker for t in turns] == ["collector", "debtor", "collector"]
    assert [f.finding.category for f in screen_transcript(turns)] == ["F"]


def test_an_unknown_speaker_is_refused_naming_the_turn() -> None:
    with pytest.raises(InputError, match=r"turns\[1\]\.speaker"):
        read_turns([{"speaker": "collector", "text": "hi"}, {"speaker": "boss", "text": "x"}])


def test_the_cli_screens_turns_and_names_the_turn_of_each_finding(tmp_path: Path) -> None:
    line = {
        "id": "call-1",
        "turns": [
            {"speaker": "customer", "text": "Will I go to jail?"},
            {"speaker": "agent", "text": "You will go to jail if you don't pay today."},
        ],
    }
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["compliance", "screen", "--pack", "us", str(path)])
    answer = json.loads(result.output.strip().splitlines()[-1])
    assert answer["verdict"] == "block"
    assert {f["turn"] for f in answer["findings"]} == {1}
    assert all(0.0 <= f["score"] <= 1.0 for f in answer["findings"])


def test_a_call_pasted_as_text_is_screened_on_the_collectors_turns_only() -> None:
    text = (
        "坐席：您好，我是XX消费金融的工作人员，想请您帮忙转告刘强先生与我们联系。\n"
        "联系人：他是不是欠你们钱了？欠了多少？\n"
        "坐席：抱歉，具体事项我们不能透露。麻烦您转告他回电，谢谢您。"
    )
    assert screen(text, {"recipient": "contact"}, "cn") == []


def test_a_collector_turn_of_a_pasted_call_still_blocks_with_its_span_in_the_text() -> None:
    text = "Customer: Will you call my boss?\nAgent: Yes, we will call your boss and tell him."
    findings = screen(text, {}, "us")
    assert verdict(findings) == "block"
    assert all(f.start >= text.index("Agent:") for f in findings)
    assert "call your boss" in text[findings[0].start : findings[0].end]


def test_the_debtors_words_in_a_pasted_call_are_not_the_collectors() -> None:
    text = "客户：你们是不是要让我坐牢？\n坐席：不会的，欠款是民事纠纷，我们可以商量还款计划。"
    assert screen(text, {}, "cn") == []
    threat = "客户：我下个月再还。\n坐席：你再不还钱就等着坐牢吧。"
    assert verdict(screen(threat, {}, "cn")) == "block"


def test_a_call_with_time_stamps_before_its_labels_is_read_turn_by_turn() -> None:
    text = (
        "[00:00:02] 坐席：您好，我是XX消费金融的工作人员。\n"
        "[00:00:09] 客户：傻逼吧你们，再打老子报警！\n"
        "[00:00:15] 坐席：理解您的心情，我们可以帮您申请分期。"
    )
    assert screen(text, {}, "cn") == []
    logged = "2025-06-02 10:21 客户：你们这帮骗子\n2025-06-02 10:22 坐席：你这个老赖，赶紧还钱"
    assert verdict(screen(logged, {}, "cn")) == "block"
    turns = parse_transcript("[00:01:05] Customer: you fucking vultures\n[00:01:10] Agent: Noted.")
    assert [t.speaker for t in turns] == ["debtor", "collector"]
    assert screen_transcript(turns, pack="us") == []


def test_a_role_with_a_dash_and_a_name_is_a_speakers_label() -> None:
    text = "客户：有人让我交加急费，是你们的人吗？\n在线客服-小周：不是的，我司不会收取任何加急费。"
    assert screen(text, {}, "cn") == []
    assert [t.speaker for t in parse_transcript("客服-小周：您好\n客户：你好")] == [
        "collector",
        "debtor",
    ]


def test_whoever_picked_up_the_call_is_not_the_collector() -> None:
    text = (
        "Agent: Hi, I'm trying to reach Brian Kowalski.\n"
        "Recipient: This is his neighbor. Does he owe you money?\n"
        "Agent: I'm just confirming contact information. Thanks for your time."
    )
    assert screen(text, {"recipient": "contact"}, "us") == []


def test_a_text_that_only_starts_with_a_label_is_not_a_call() -> None:
    assert collector_spans("Agent: Hi, may I speak with Tom? This is Alicia.") is None
    assert collector_spans("Note: pay by Friday.\nCustomer: ok") is None
    spans = collector_spans("Agent: Hello.\nCustomer: Hi.\nAgent: Bye.\n more")
    assert spans == [(7, 14), (35, 45)]


def test_a_call_pasted_on_one_line_is_read_turn_by_turn() -> None:
    text = "Customer: Will you call my boss? Agent: No. We only speak with you about your account."
    spans = collector_spans(text)
    assert spans is not None and len(spans) == 1
    assert text[spans[0][0] :].startswith("No.")
    assert screen(text, {}, "us") == []


def test_a_label_inside_a_sentence_does_not_make_a_call() -> None:
    assert collector_spans("Dear customer: your plan starts Monday. Agent: Tom") is None


def test_a_speech_recognised_call_without_punctuation_is_read_turn_by_turn() -> None:
    text = "客户：你再打来我就去投诉你们 我找人弄你 坐席：嗯 好的 您有权投诉 投诉渠道是官方客服热线"
    spans = collector_spans(text)
    assert spans is not None and text[spans[0][0] :].startswith("嗯")
    assert screen(text, {}, "cn") == []


def test_a_quality_note_quoting_an_agents_banned_words_mentions_them_without_using_them() -> None:
    note = "【质检】坐席甲使用“你这个老赖”“等着坐牢吧”等话术，属严重违规，已停岗培训。"
    assert screen(note, {}, "cn") == []
    coaching = 'Coaching note: rep told the borrower "we will have you arrested" - zero-tolerance.'
    assert screen(coaching, {}, "us") == []


def test_an_agents_words_quoted_without_a_verdict_are_still_read() -> None:
    record = 'Call log: rep told consumer "we will call your boss tomorrow". Consumer hung up.'
    assert verdict(screen(record, {}, "us")) == "block"
    assert quoted_spans(record) == []


def test_a_customers_quoted_threat_in_a_call_summary_is_not_the_collectors() -> None:
    summary = "通话小结：客户称“你们再打来我就去你们公司闹，弄死你们”，坐席礼貌结束通话。"
    assert screen(summary, {}, "cn") == []
    start = summary.index("“")
    assert quoted_spans(summary) == [(start, summary.index("”") + 1)]


def test_a_complaint_reply_reporting_what_another_agent_said_is_not_the_writers_own() -> None:
    reply = (
        "You told us our agent called you 'a scrounger' and said bailiffs would come to your "
        "flat. That was wrong, and we apologise."
    )
    assert screen(reply, {}, "uk") == []
    call = "坐席：您刚才说之前有人骂您“老赖”，还说要爆您通讯录，这完全是违规的，我已上报。"
    assert screen(call, {}, "cn") == []


def test_a_report_without_another_speaker_or_without_a_verdict_is_still_read() -> None:
    taunt = "You told us you'd pay on Friday, you liar. That was wrong of you."
    assert verdict(screen(taunt, {}, "uk")) == "block"
    relayed = "You told us our agent said bailiffs would come. They will, on Monday."
    assert verdict(screen(relayed, {}, "uk")) == "block"


def test_a_threat_outside_the_quotation_still_blocks() -> None:
    text = 'The customer said "I can\'t pay this month." Then you will go to jail for fraud.'
    assert verdict(screen(text, {}, "us")) == "block"


LOCATION_CALL = (
    "Agent: I'm trying to reach Mr. Dorsey.\n"
    "Third party: Does he owe you money?\n"
    "Agent: Yes, he owes us $500 on his loan."
)


def test_a_location_call_with_no_recipient_stated_is_screened_as_said_to_the_third_party() -> None:
    assert call_recipient(LOCATION_CALL) == "contact"
    found = screen(LOCATION_CALL, pack="us")
    assert any(f.category == "T" and f.action == "block" and f.source == "lexicon" for f in found)


def test_a_recipient_stated_in_the_facts_is_kept_over_the_labels() -> None:
    found = screen(LOCATION_CALL, {"recipient": "debtor"}, "us")
    assert not any(f.source == "lexicon" for f in found)


def test_call_labels_name_the_spouse_the_workplace_or_nobody() -> None:
    assert call_recipient("Agent: Is Dan there?\nWife: He's out.\nAgent: Thanks.") == "spouse"
    assert call_recipient("坐席：请问张伟在吗？\n前台：他出去了。\n坐席：好的。") == "employer"
    assert call_recipient("坐席：请问是张伟吗？\n客户：是我。") is None
    assert call_recipient("坐席：您好。\n担保人：什么事？") is None
    assert call_recipient("Agent: Hi.\nWife: Yes?\nFlatmate: Who is it?") is None
