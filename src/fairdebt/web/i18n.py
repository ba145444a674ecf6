"""zh-CN and English for every page: the English text is the key, the Chinese is looked up.

Templates call ``t("My work queue")``; English pages show the key, Chinese pages its entry in
:data:`ZH`. A test reads every ``t("...")`` in the templates and the page modules and fails on
any without a Chinese entry, so no page is half translated. The language is the session's
choice (the switch on every page), else the browser's ``Accept-Language``, else English for
staff; the borrower portal starts in the borrower's own language.
"""

from __future__ import annotations

from collections.abc import Callable

from fairdebt.web.messages_zh import ZH

__all__ = ["LANGUAGES", "ZH", "pick_language", "translator"]

LANGUAGES = ("en", "zh-CN")


def pick_language(chosen: object, accept: str | None, default: str = "en") -> str:
    """The session's choice, else the first of the browser's languages we speak.

    >>> pick_language(None, "zh-CN,zh;q=0.9,en;q=0.8")
    'zh-CN'
    >>> pick_language("en", "zh-CN")
    'en'
    """
    if chosen in LANGUAGES:
        return str(chosen)
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default


def translator(lang: str) -> Callable[[str], str]:
    """``t(text)`` for the language; English returns the text itself."""
    if lang == "zh-CN":
        return lambda text: ZH.get(text, text)
    return lambda text: text
