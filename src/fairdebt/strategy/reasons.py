"""Reason codes: why a policy chose an account's action, in words a collector reads (zh-CN, en).

Every decision row carries a reason code; queues, the web app and reports show its text. A
policy that adds a code adds its words here; an unknown code is shown as itself.
"""

from __future__ import annotations

__all__ = ["REASONS", "reason_text"]

REASONS: dict[str, tuple[str, str]] = {
    "pre_due_low_risk_push": (
        "到期前一天App提醒（低风险）",
        "app reminder the day before due (low risk)",
    ),
    "pre_due_sms": ("到期前一天短信提醒", "text reminder the day before due"),
    "pre_due_high_risk_sms": (
        "高风险：到期前三天短信提醒",
        "high risk: text reminder three days before due",
    ),
    "due_day_robot_call": (
        "高风险：到期日智能语音提醒",
        "high risk: robot reminder call on the due date",
    ),
    "m1_first_notice": ("逾期第一天：短信告知", "first day past due: text notice"),
    "m1a_robot_call": ("M1前期：智能语音催收", "early M1: robot call"),
    "m1a_escalate_to_agent": (
        "M1前期：高风险或多日未联系上，转人工",
        "early M1: high risk or not reached for days, to an agent",
    ),
    "m1b_agent_call": ("M1后期：人工电话", "late M1: agent call"),
    "m2_agent_call": ("M2-M3：人工电话", "M2-M3: agent call"),
    "m2_field_visit": ("M2-M3：大额外访", "M2-M3: field visit for a large balance"),
    "m2_plan_offer": ("M2-M3：推送分期/延期方案", "M2-M3: plan offer"),
    "m2_letter": ("M2-M3：书面催收函", "M2-M3: letter"),
    "m4_place_with_agency": ("M4+：委外催收", "M4+: place with an agency"),
    "agency_call": ("委外机构电话", "agency call"),
    "m4_legal_referral": ("M4+：大额转法务", "M4+: legal referral for a large balance"),
    "promise_open": ("有未到期的还款承诺，暂停催收", "a promise to pay is open: no pressure"),
    "on_hold": ("暂停催收（投诉、争议、困难等）", "on hold (complaint, dispute, hardship...)"),
    "action_not_in_catalogue_for_stage": (
        "该阶段动作目录中无此动作",
        "action not in the catalogue for this stage",
    ),
    "no_rule": ("无需动作", "nothing to do today"),
    "holdout": ("随机留存组：不触达", "randomised hold-out: no contact"),
    "other_loan_contacted_today": (
        "今日已因该借款人另一笔借款联系",
        "the borrower is contacted today for another loan",
    ),
    "no_contact_policy": ("不触达策略", "no-contact policy"),
}


def reason_text(code: str, language: str = "both") -> str:
    """The words for a reason code: ``zh-CN``, ``en`` or both joined.

    >>> reason_text("holdout", "en")
    'randomised hold-out: no contact'
    >>> reason_text("new_code")
    'new_code'
    """
    zh, en = REASONS.get(code, (code, code))
    if language == "zh-CN":
        return zh
    if language == "en":
        return en
    return zh if zh == en else f"{zh} / {en}"
