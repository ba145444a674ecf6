"""The complaint taxonomy: causes (投诉原因) with zh-CN and en labels, channels, root causes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ALIASES", "CATEGORIES", "CHANNELS", "ROOT_CAUSES", "Category", "category_of"]


@dataclass(frozen=True, slots=True)
class Category:
    """A complaint cause (投诉原因), its labels and whether it is about collection conduct."""

    code: str
    zh: str
    en: str
    is_conduct: bool


# The cause headings of the regulator's quarterly notices on banking consumer complaints
# (银保监会消费者权益保护局《关于20XX年第X季度银行业消费投诉情况的通报》, 投诉原因); see
# docs/decisions/complaints.md for how far the list was checked.
CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("debt_collection", "债务催收方式和手段", "debt-collection methods", True),
        Category("service", "服务态度及服务质量", "service attitude and quality", True),
        Category(
            "information_security", "金融消费者信息安全", "consumer information security", True
        ),
        Category("pricing_fees", "定价收费", "pricing and fees", False),
        Category("contract_terms", "合同条款", "contract terms", False),
        Category("marketing", "营销方式和手段", "marketing methods", False),
        Category("rules_process", "制度、业务规则与流程", "rules and processes", False),
        Category("other", "其他", "other", False),
    )
}

# Where a complaint came in (第十二条: the lender's published channels).
CHANNELS = ("call", "sms", "app", "email", "letter", "visit", "web", "regulator", "other")

# What the handler found behind it (溯源整改), code -> (zh, en).
ROOT_CAUSES: dict[str, tuple[str, str]] = {
    "collector_conduct": ("催收员行为不当", "a collector's conduct"),
    "agency_conduct": ("委外机构行为不当", "an agency's conduct"),
    "template": ("话术或模板不当", "a script or template"),
    "contact_strategy": ("联系频次或时间不当", "contact frequency or timing"),
    "wrong_party": ("联系了无关第三人", "a third party was contacted"),
    "system_error": ("系统或数据错误", "a system or data error"),
    "policy": ("产品或制度设计", "product or policy design"),
    "not_upheld": ("经核实不成立", "not upheld after review"),
    "other": ("其他", "other"),
}

# Codes used before the taxonomy (the web portal's form, the simulator): read as these causes.
ALIASES: dict[str, str] = {
    "conduct": "debt_collection",
    "harassment": "debt_collection",
    "excessive_contact": "debt_collection",
    "third_party_contact": "information_security",
    "wrong_party_contact": "information_security",
    "identity": "information_security",
    "fees": "pricing_fees",
    "amount": "pricing_fees",
    "dispute": "other",
}


def category_of(code: str) -> Category | None:
    """The cause a code names, through :data:`ALIASES`; None for an unknown code.

    >>> category_of("excessive_contact").code
    'debt_collection'
    """
    return CATEGORIES.get(ALIASES.get(code, code))
