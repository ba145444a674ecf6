"""Screening rule packs: for each category, the rule id, its citation and its sentence, per market.

The lexicon says what a phrase means (a threat of arrest is category L everywhere); the pack says
which rule that breaks where the message is sent, and who counts as the consumer. Citations are
data here, never literals in the matcher, and follow ../shared/regulations/RULES.md: §1(b)(i)
(CBA 2026 prohibited conduct), §1(a) (GB/T 45251-2025), §1(b)(v) (Criminal Law, Civil Code),
§2.8, §2.10 and §2.11 (FDCPA and Regulation F), §3.4 (CONC 7.9 and 7.11) and §4 (the categories).
Grades: P for the statutes and Handbook rules, S for the CBA guideline and GB/T as reported, M for
Reg F subsection letters not read verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from fairdebt.errors import InputError

__all__ = ["CATEGORIES", "PACKS", "CategoryRule", "ScreeningPack", "get_pack"]

#: The twelve categories, with their sentence in Chinese and English.
CATEGORIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "V": ("含有暴力或以暴力相威胁的内容", "threatens violence"),
        "L": ("虚构或夸大法律、刑事后果", "states a false legal or criminal consequence"),
        "I": ("冒充司法、行政机关或律师", "impersonates an authority or a lawyer"),
        "B": ("虚构黑名单或征信后果", "invents a blacklist or credit consequence"),
        "T": ("联系、告知或羞辱第三方", "contacts, tells or shames third parties"),
        "P": ("伪造图片或散布个人隐私", "doctors images or spreads private data"),
        "A": ("辱骂或使用侮辱性语言", "insults or uses profanity"),
        "H": ("骚扰性催收（轰炸、跟踪、上门滋扰）", "describes a harassment pattern"),
        "F": (
            "诱导新增借贷、收取额外费用或私下收款",
            "induces new borrowing, fees or private payment",
        ),
        "M": ("虚构或夸大债务金额", "misstates the debt"),
        "C": (
            "不表明身份或使用非官方渠道",
            "hides the caller's identity or uses an unofficial channel",
        ),
        "Q": ("对已过诉讼时效的债务以诉讼相威胁", "threatens legal action on a time-barred debt"),
    }
)

_SLUGS = {
    "V": "violence",
    "L": "false_legal_consequence",
    "I": "impersonation",
    "B": "invented_blacklist",
    "T": "third_party",
    "P": "private_data",
    "A": "insult",
    "H": "harassment",
    "F": "borrowing_fees_private_payment",
    "M": "misstated_debt",
    "C": "unofficial_channel",
    "Q": "time_barred_threat",
}


@dataclass(frozen=True)
class CategoryRule:
    """The rule a category breaks in one pack."""

    rule: str
    citation: str
    message_zh: str
    message_en: str
    grade: str


@dataclass(frozen=True)
class ScreeningPack:
    """One market's screening rules and who may hear about the debt there."""

    name: str
    rules: Mapping[str, CategoryRule]
    #: Recipients to whom the debt itself may be mentioned (the consumer and their attorney;
    #: in the US the spouse is the consumer, 12 CFR 1006.6(a)(1)).
    consumer_recipients: frozenset[str]
    #: The lexicon files the pack screens with (shipped names or paths), in order.
    lexicons: tuple[str, ...] = ("zh", "en")


_CN = {
    "V": "CBA 2026 催收工作指引 禁止行为（暴力、威胁）; 刑法 第293条之一; 消费金融公司管理办法",
    "L": "CBA 2026 催收工作指引 禁止行为（夸大法律后果）; GB/T 45251-2025 §5.3",
    "I": "CBA 2026 催收工作指引 禁止行为（冒用行政机关、司法机关名义）; 刑法 第279条",
    "B": "CBA 2026 催收工作指引 禁止行为（虚构黑名单）; GB/T 45251-2025 §5.3",
    "T": "GB/T 45251-2025 §5.3（不应向联系人催收或透露欠款信息）; CBA 2026（债务无关第三人）; "
    "个人信息保护法 第6、13、23条",
    "P": "CBA 2026 催收工作指引 禁止行为（散布他人隐私）; 刑法 第253条之一; 民法典 第1033条",
    "A": "CBA 2026 催收工作指引 禁止行为（辱骂）; 刑法 第246条",
    "H": "刑法 第293条之一（恐吓、跟踪、骚扰）; 民法典 第1033条; 消费金融公司管理办法（骚扰）",
    "F": "CBA 2026 催收工作指引 禁止行为（额外费用；诱导新增借贷或非法渠道筹资）",
    "M": "CBA 2026 催收工作指引 禁止行为（夸大债务数额）; GB/T 45251-2025 §5.3",
    "C": "CBA 2026 催收工作指引（外部机构不得未经同意使用私人手机或社交软件）; "
    "GB/T 45251-2025 §5.3",
    "Q": "民法典 第188、192条（诉讼时效）; CBA 2026 催收工作指引 禁止行为（夸大法律后果）",
}
_US = {
    "V": "FDCPA §806(1); 12 CFR 1006.14(c)",
    "L": "FDCPA §807(4), (5), (7); 12 CFR 1006.18",
    "I": "FDCPA §807(1), (3), (9), (13); 12 CFR 1006.18",
    "B": "FDCPA §807(8); 12 CFR 1006.18",
    "T": "FDCPA §805(b), §806(3); 12 CFR 1006.6(d)(1), 1006.14(e), 1006.22(f)(4)",
    "P": "FDCPA §806, §807(10); 12 CFR 1006.14(a)",
    "A": "FDCPA §806(2); 12 CFR 1006.14(d)",
    "H": "FDCPA §806(5); 12 CFR 1006.14(b)",
    "F": "FDCPA §808(1); 12 CFR 1006.22(b)",
    "M": "FDCPA §807(2)(A); 12 CFR 1006.18",
    "C": "FDCPA §806(6), §807(11); 12 CFR 1006.14(g), 1006.18(e)",
    "Q": "12 CFR 1006.26(b)",
}
_UK = {
    "V": "CONC 7.9 (threatening conduct); Protection from Harassment Act 1997",
    "L": "CONC 7.11.6R, 7.11.9R",
    "I": "CONC 7.11.2G, 7.11.3R; Legal Services Act 2007 s.17",
    "B": "CONC 7.11.6R",
    "T": "CONC 7.9.6R, 7.9.7R",
    "P": "CONC 7.9.7R; Administration of Justice Act 1970 s.40",
    "A": "CONC 7.3.2G (Consumer Duty); Administration of Justice Act 1970 s.40",
    "H": "CONC 7.9.4R; MCOB 13.5.3R (by analogy)",
    "F": "CONC 7.3.10R(3)",
    "M": "CONC 7.11; CONC 7.14",
    "C": "CONC 7.9.2R",
    "Q": "CONC 7.15",
}


# Grades (RULES.md): the CBA 2026 guideline and GB/T 45251-2025 are known from reports (S); the
# FDCPA sections and CONC rules were read (P), Reg F 1006.18 subsection letters were not (S).
_GRADES = {
    "cn": dict.fromkeys(CATEGORIES, "S") | {"Q": "P"},
    "us": dict.fromkeys(CATEGORIES, "P") | dict.fromkeys("LIBMCF", "S"),
    "uk": dict.fromkeys(CATEGORIES, "P") | {"V": "S"},
}


def _pack(name: str, citations: Mapping[str, str], consumers: frozenset[str]) -> ScreeningPack:
    rules = {
        code: CategoryRule(
            rule=f"{name}.screening.{_SLUGS[code]}",
            citation=citations[code],
            message_zh=f"文本{zh}（{citations[code]}）",
            message_en=f"The text {en} ({citations[code]})",
            grade=_GRADES[name][code],
        )
        for code, (zh, en) in CATEGORIES.items()
    }
    return ScreeningPack(name, MappingProxyType(rules), consumers)


#: The three packs; ``cn`` is the default.
PACKS: Mapping[str, ScreeningPack] = MappingProxyType(
    {
        "cn": _pack("cn", _CN, frozenset({"debtor", "attorney"})),
        "us": _pack("us", _US, frozenset({"debtor", "spouse", "attorney"})),
        "uk": _pack("uk", _UK, frozenset({"debtor", "attorney"})),
    }
)


def get_pack(name: str) -> ScreeningPack:
    """Return the screening pack called ``name`` or raise InputError naming the known ones.

    >>> get_pack("us").rules["Q"].citation
    '12 CFR 1006.26(b)'
    """
    try:
        return PACKS[name]
    except KeyError:
        raise InputError(
            f"unknown screening pack {name!r} (expected one of {sorted(PACKS)})", field="pack"
        ) from None
