"""Words mentioned, not used, outside quotation marks: a rule's list under its label, a
scam's account, a template's unfilled fields and a channel's label.

A training slide lists what staff must never say (「禁用话术示例：坐牢、黑名单」,
"Agents must not: (a) …; (e) threaten to 'name and shame'"); an anti-fraud notice tells what
scammers say and do (「不法分子冒充“公安协查专员”，声称您“涉嫌诈骗即将立案”」,
"fake 'bailiffs' are messaging people"); a template still holds {AGENT_NAME}; a message is
headed 【微信私聊】. None of these is the collector using the words. :func:`mentioned_spans`
finds them for :mod:`.quotations`, which reads them as blank with the quotations that are
someone else's words; a threat after the writer's own voice returns ("Scammers are posing as
our staff or we will tell your boss") stays read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fairdebt.compliance.screening.clauses import JIU_WORD, reported_end
from fairdebt.compliance.screening.patterns import Gated

__all__ = ["BANNED", "blank_spans", "mentioned_spans"]

#: Right before quotations, in their sentence: words listed as banned (「禁用话术示例：“坐牢”
#: “上黑名单”」, 'Never say "you'll be arrested," "we'll garnish your paycheck"'): a training list
#: mentions them.
_BANNED_RE = re.compile(
    r"(?:禁用|禁止使用|严禁使用|嚴禁使用|不得使用|不准使用|避免使用|禁止说|严禁说|嚴禁說|不得说|"
    r"不得說|不准说|不能说|不要说|别说)(?:的)?(?:话术|話術|用语|用語|词汇|詞彙|词语|詞語|说法|說法|"
    r"表述|字眼|词|詞|语|語)?|"
    # 「严禁辱骂，如“老赖”“骗子”」 (round 129): a banned act, then its examples.
    r"(?:严禁|嚴禁|禁止|不得|不准|不许|不許)(?:辱骂|辱罵|威胁|威脅|恐吓|恐嚇|称呼|稱呼|骂|罵)(?:客户|客戶|对方|對方)?"
    r"[，,、]?(?:如|例如|比如|包括|诸如|諸如)|"
    # "you must not say "…", "…"" in a refresher for staff (round 154).
    r"(?<![A-Za-z])(?i:(?:never|do not|don[’']t|(?:must|should|may) (?:not|never)) "
    # ("Do NOT leave messages like 'we'll call your supervisor'", round 162.)
    r"(?:say|use|write|paste|type|send|copy|leave|"
    # "Never tell a Spanish-speaking consumer that …" (round 143).
    r"tell (?:a |the )?(?:[a-z-]+ ){0,2}"
    r"(?:customer|consumer|debtor|borrower|guarantor|caller|client|patient|member)s?|call "
    r"(?:a |the |any )?(?:customer|consumer|"
    r"debtor|borrower|client)s?(?: an?)?)|avoid (?:saying|phrases like|words like)|"
    # An audit's finding: 'Last week's audit flagged three calls with "we'll call your boss"',
    # '2 calls referred to "court"', 'calls in which the agent referenced "a warrant"'.
    r"(?:were|was) flagged for|"
    r"(?:flagged|caught|found|identified)(?: [a-z0-9]+){0,3} (?:calls?|messages?|letters?|texts?|"
    r"emails?|scripts?|notes?) (?:with|containing|using|that (?:said|used|contained))|"
    r"(?:calls?|messages?|letters?|agents?|collectors?) (?:in which the agent )?(?:referred to|"
    r"referenced|used the (?:words?|phrases?|terms?))|"
    r"(?:any of )?the following (?:is|are) (?:an? )?(?:automatic |critical )?(?:fail\w*|banned|"
    r"prohibited|not allowed)|"
    # A rule for staff: 'Agents may not override the cap or "call every hour until they pay."'
    r"(?:agents?|staff|collectors?|advis[eo]rs?|reps?|representatives?|employees|callers?|bots?|"
    r"voice bots?|assistants?) "
    r"(?:may not|must not|must never|should not|should never|cannot|can not|are not (?:allowed|"
    r"permitted) to|are prohibited from)|"
    r"(?:banned|prohibited|forbidden) (?:phrases|words|language|wording|expressions|scripts?)"
    r"(?: such as| like| include)?|(?:removed?|deleted?|dropped|drop|struck|strike|retired|"
    r"replaced?|swap|banned) "
    r"(?:the )?(?:terms?|phrases?|words?|wording|lines?)|"
    # An editor's instruction right before the words: 'Also swap "additional fees will be added"'.
    r"(?:swap|replace|remove|delete|strike|drop|reword|rephrase)(?: out)?\s*$|"
    # A wording retired: "Prompt 7 used to say 'your credit will be ruined.' Replaced with …"
    # (round 170).
    r"(?:used to|previously|formerly|originally) (?:say|said|read)\s*$|"
    # A phrase named in a note that condemns it: 'Liam used the phrase "you'll be blacklisted"'.
    r"(?:the|that|this) (?:phrases?|words?|terms?|expressions?|wording)(?: like| such as)?)"
    r"(?![A-Za-z])"
)
BANNED = Gated(_BANNED_RE)
#: Right before quotations: examples named, mentioned when the text condemns them ('lines like
#: "you'll be arrested at graduation," … are automatic fails'; 'Say lines like "…"' is read).
#: A label, then a list of banned words without quotation marks (「禁止用语示例（仅供识别）：坐牢、
#: 黑名单」, "phrases that automatically fail a call in QA: jail, warrant"): to the sentence's end.
_BANNED_LIST_RE = re.compile(
    # 「问题话术：「…」「…」」 in a QA record (round 137).
    r"(?:禁用|禁止|严禁|嚴禁|不得使用|违规|違規|问题|問題|不当|不當|红线|紅線)(?:使用)?的?(?:话术|話術|用语|用語|"
    r"词汇|詞彙|词语|詞語|"
    r"说法|說法|表述|字眼|词|詞)[^：:\n。！？]{0,24}[：:]|"
    # "Don'ts: ❌ 'deadbeat' ❌ …" on a training slide.
    # 「以下表述一律禁止出现在任何函件中（…）：」; what a QA notice found: 「不当表述，例如…」.
    # 「第三条 严禁以下行为：（一）…；（五）P图、制作“通缉令”…」 (round 114).
    r"(?:严禁|嚴禁|禁止|不得|不准)(?:以下|下列|如下)(?:行为|行為|行爲|做法|事项|事項|情形|内容|內容)[^：:\n。]{0,10}[：:]|"
    # 「以下均为严禁行为，一经查实立即解除合作：」 (round 149).
    r"(?:以下|下列|如下)(?:均为|均為|均爲|均屬|均属|都是|均系|均係)?(?:严禁|嚴禁|禁止|违规|違規|红线|紅線)(?:的)?(?:行为|行為|行爲|事项|事項|"
    r"情形|内容|內容|话术|話術)[^：:\n。]{0,20}[：:]|"
    r"以下(?:表述|表达|表達|话术|話術|用语|用語|用词|用詞|内容|內容|说法|說法|讲法|講法)[^：:\n。]{0,40}?(?:禁止|严禁|嚴禁|不得|违规|違規)"
    r"[^：:\n。—]{0,40}(?:[：:]|——)|(?:不当|不當|违规|違規|不规范|不規範)(?:的)?(?:表述|话术|話術|用语|用語|"
    r"内容|內容|语句|語句)[，,]?(?:例如|比如|包括|如)[：:]?|"
    # Model wording in a training list is mentioned too, lawful only when its facts hold.
    # (round 147: 「整改后标准话术：“…”」.)
    r"(?:允许|允許|推荐|推薦|规范|規範|标准|標準)的?(?:规范|規範)?(?:表述|话术|話術|用语|用語|说法|說法)"
    r"(?:示例|范例|範例)?[：:]|"
    r"(?i:(?<![A-Za-z])(?:\((?:do not|don[’']t|never) use\)|(?:do not|don[’']t|never) use "
    r"(?:these|the following|such|any of (?:these|the following)|(?:these |such |the following )?"
    r"(?:phrases|words|wording|language|lines|expressions|scripts|examples))|"
    r"examples? (?:found|caught)|reject any "
    r"(?:letter|message|call|script|email|text)s? (?:containing|that contains?|with)|"
    r"(?:acceptable|approved|permitted|allowed|compliant|recommended|suggested) (?:wording|"
    r"language|phrasing|phrases|scripts?|examples?|lines?))[^:\n]{0,80}:|"
    r"(?:phrases|words|lines|statements)(?: [a-z]+){0,4} (?:fail|banned|prohibited)\w*"
    r"(?: [a-z]+){0,2} (?:include|are|such as|like)\b[^:\n.!?]{0,4}|"
    r"(?:(?:never|do not|don[’']t) (?:write|say|use|include|put)(?: any of)? the following|none of "
    r"the following (?:may|can|should|must|is to))[^:\n]{0,80}:|"
    # "never call a consumer a deadbeat, a liar or a scammer": the names listed.
    r"(?:never|do not|don[’']t) call (?:a |the |any )?(?:customer|consumer|debtor|borrower|"
    r"client)s?(?= an? )|"
    # A rule's own label (round 113, 114): "Don't: say …; mention bailiffs …", "Agents must not:
    # (a) …; (e) threaten to 'name and shame' …".
    r"(?<![A-Za-z])don[’']?t?s?\s*[:：]|"
    r"(?<![A-Za-z])(?:must|may|shall|should|can) (?:not|never)\s*[:：]|"
    r"(?<![A-Za-z])cannot\s*[:：]|"
    # "Flag and coach any call where an agent says or implies: '…'" (round 121).
    r"(?i:(?:flag|coach|fail|mark|score|escalate)\w*(?: and \w+)? any (?:call|message|letter|chat|"
    r"email|text)s? (?:where|in which|that|if)[^:\n.!?]{0,60}:)|"
    # "Prohibited in all circumstances: mentioning bailiffs, arrest, court…" (round 148).
    r"(?i:(?<![A-Za-z])(?:prohibited|banned|forbidden|never allowed)(?: in all circumstances| "
    r"at all times| on every call| on voicemail| in messages)?)\s*:|"
    # "the following are prohibited on every call, text, and email:" (round 142).
    r"(?i:(?:the following|these) (?:are|is) (?:now |strictly )?(?:prohibited|banned|forbidden|not "
    r"allowed|not permitted))[^:\n]{0,60}:|"
    # "The following must NEVER be said to a customer or anyone else:" (round 136).
    r"(?i:(?:the following|these)(?: [a-z]+){0,3} (?:must|should|may|can) (?:never|not) be "
    r"(?:said|used|written|sent|put)(?![A-Za-z]))[^:\n]{0,60}:|"
    # "Examples of what NOT to say: "we'll send the bailiffs to the farm", …" (round 151).
    r"(?i:(?<![A-Za-z])(?:examples? of )?(?:what|things|lines|phrases|words)"
    r"(?: you| we| staff| agents)?(?: should| must)? (?:not|never) to (?:say|use|write|put)"
    r"(?![A-Za-z]))[^:\n.!?]{0,40}:|"
    # "Examples from recent QA: 'we'll send the bailiffs round' …" (round 126).
    r"(?i:examples? (?:from|of|in) (?:recent |last week[’']?s |this month[’']?s )?"
    r"(?:qa|audits?|calls|reviews|call reviews))[^:\n.!?]{0,30}:|"
    # "banned phrasing seen in chat logs this month: '…'" (round 120).
    r"(?i:(?:banned|prohibited|forbidden) (?:phrasing|lines|remarks|comments))[^:\n.!?]{0,60}:|"
    # "Auto-fail phrases heard in last month's audits: '…'", "The following remarks were found in
    # recent call reviews and are unacceptable under CONC 7: "…"" (rounds 115, 116).
    r"(?:auto-?fail|automatic fail)\w* (?:phrases|words|lines|statements|remarks)[^:\n.!?]{0,60}:|"
    r"(?:the following|these) (?:remarks|phrases|words|lines|statements|comments|expressions)"
    r"[^:\n.!?]{0,80}?(?:unacceptable|not acceptable|prohibited|banned|not allowed|not permitted|"
    r"fail\w*|breach\w*)[^:\n.!?]{0,40}:|(?:banned|prohibited|forbidden|red[- ]flag|"
    r"non-compliant|flagged) (?:phrases|words|terms|language|wording|expressions)[^:\n.!?]{0,60}"
    r"(?::|\s[-–—]\s)|"
    # "Examples of wording that is never acceptable: "…"" (round 131).
    r"(?:phrases|words|terms|expressions|lines|statements|wording|language|remarks)"
    r"[^:\n.!?]{0,40}?"
    r"(?<![A-Za-z])(?:fail\w*|banned|prohibited|forbidden|not allowed|not permitted|"
    r"(?:never|not) to (?:be used|use|say)|must (?:not|never) be used|should never be used|"
    r"never acceptable|not acceptable|unacceptable|never appropriate|"
    # "Phrases that get your call pulled for QA and possibly your seat:" (round 150); "Words to
    # avoid on calls:" (round 158).
    # "Phrases that breach CONC 7:" (rounds 165, 166).
    r"pulled|non-compliant|to avoid|breach\w*|violat\w*)(?![A-Za-z])[^:\n.!?]{0,40}(?::|\s[-–—]\s)|"
    # "Examples of unacceptable conduct" over a bulleted list (round 149).
    r"(?:examples? of )?(?:unacceptable|prohibited|banned|forbidden|non-compliant) "
    r"(?:conduct|behaviou?r|practices?|language|wording|phrases)(?=[ \t:]*(?:\n|$)))"
)
_BANNED_LIST = Gated(_BANNED_LIST_RE)
#: Fake collectors, bailiffs or police, their title quoted or not ("fake 'bailiffs' and 'debt
#: collectors' are messaging people").
_FAKE = (
    r"fake\s*['‘\"“]?(?:debt )?(?:collectors?|callers?|agents?|bailiffs?|enforcement (?:agents?|"
    r"officers?)|officers?|police|lawyers?|solicitors?|attorneys?|court officials?)['’\"”]?"
)
#: A sentence's subject that is a scammer (the zh formulas hold 不法分子冒充…).
_SCAMMERS_RE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=:\s))(?i:scammers|fraudsters|criminals|con artists|"
    rf"impostors|imposters|{_FAKE}|"
    # "Scam alert: People pretending to be police officers … are calling survivors" (round 156),
    # "People are calling patients claiming to be from …" (round 163).
    r"(?:people|someone|callers|individuals|men|women)(?: (?:are|is|have been|has been) "
    r"(?:calling|texting|messaging|contacting|emailing)(?: [a-z’']+){0,3}?)? "
    r"(?:pretending|claiming|posing|purporting) (?:to be|as))(?![A-Za-z])"
    # "we have received reports of people calling borrowers, claiming to be police …", "reports
    # of fake 'debt collectors' contacting people through Facebook" (round 114).
    # ("reports that someone is contacting customers in WhatsApp and Facebook groups", round 149.)
    rf"|(?<![A-Za-z])(?i:(?:reports|warnings?) (?:of|that) (?:people|someone|callers|individuals|"
    rf"scammers|fraudsters|{_FAKE})(?: is| are| has been| have been)? (?:calling|claiming|"
    r"pretending|posing|contacting|texting|messaging))"
    # "watch out for a man approaching people … who says he's a 'Heartland collector'", "reports
    # of a man at Hawes market … saying he collects 'for the credit union'" (round 121).
    # ("Be wary of anyone claiming to be from the Home Office or a court", round 179.)
    r"|(?<![A-Za-z])(?i:(?:watch out|look out|beware|be aware|be on the lookout|be wary|"
    r"be careful|be cautious)(?: for| of)? "
    r"(?:a man|a woman|a person|someone|people|anyone|men|callers|strangers)|reports of "
    r"(?:a man|a woman|a person|men|strangers)(?: [a-z]+){0,6}? (?:saying|claiming|pretending|"
    r"posing|asking|calling|approaching))(?![A-Za-z])"
    # "students are getting fake texts with 'HMCTS' logos" (round 120).
    # ("Homeowners are getting calls from a so-called 'Solar Compliance Bureau'", "We've seen
    # robocalls using AI-generated voices that claim to be an 'Officer'", round 169, 170.)
    r"|(?<![A-Za-z])(?i:(?:getting|receiving|received|got|had) (?:calls|texts|messages|emails|"
    r"letters|voicemails|robocalls) from (?:a |an )?(?:so-called|so called|fake|bogus))(?![A-Za-z])"
    r"|(?<![A-Za-z])(?i:(?:seen|noticed|spotted) (?:(?:scam|fake|bogus|fraudulent) )?"
    r"(?:robocalls|calls|texts|messages|emails)(?: [a-z’'-]+){0,6}? (?:claiming|claim|pretending|"
    r"posing))(?![A-Za-z])"
    r"|(?<![A-Za-z])(?i:(?:getting|receiving|received|got|get) (?:fake|scam|bogus|phishing) "
    r"(?:texts|calls|messages|emails|letters|voicemails))(?![A-Za-z])"
    # "Heads up 🚨 Scammers are texting young customers" (round 120): a capital subject, its verb.
    r"|(?<=\s)(?:Scammers|Fraudsters|Criminals|Con artists|Impostors|Imposters) "
    r"(?=are|have|may|might|pretend|pose|claim|call|text|send|use)"
    # "we've heard of texts claiming to be from 'Deliveroo Debt Compliance'" (round 117).
    # "we're aware of fraudsters ringing customers' families pretending to be bailiffs" (round 129),
    # "we're aware that fraudsters are contacting members of local churches … claiming" (round 142).
    # ("we know of scam calls claiming to be from the police", round 156.)
    r"|(?<![A-Za-z])(?i:(?:heard|aware|been told|know|warned) (?:of|that) "
    r"(?:(?:scam|fake|bogus|fraudulent|phishing) )?(?:texts|calls|messages|"
    r"emails|letters|people|scammers|fraudsters|criminals|someone|callers)(?: [a-z’']+){0,8} "
    r"(?:claiming|pretending|posing|saying|telling))"
    # "Patients have reported calls from people claiming to be sheriff's deputies" (round 116).
    # ("some customers have had texts claiming to be from "HMCTS"", round 164.)
    r"|(?<![A-Za-z])(?i:(?:had|received|got|getting|receiving) (?:calls|messages|texts|emails|"
    r"letters|voicemails) (?:claiming|pretending|purporting))(?![A-Za-z])"
    # "If a collector ever threatens to tell your partner … that's against the law" (round 210).
    r"|(?<![A-Za-z])(?i:if (?:a|any|an|another) (?:debt )?(?:collector|agent|caller|collection "
    r"agency|lender|company)(?: ever)? (?:threatens|tries|says|claims|tells you|asks you))"
    r"(?![A-Za-z])"
    # "Some consumers tell us they've received calls threatening arrest" (round 204).
    r"|(?<![A-Za-z])(?i:(?:had|received|got) (?:calls|messages|texts|emails|letters|voicemails) "
    r"threatening)(?![A-Za-z])"
    rf"|(?<![A-Za-z])(?i:(?:reported|received|had|getting|got) (?:calls|messages|texts|emails) "
    rf"from (?:people|someone|callers|individuals|scammers|fraudsters|{_FAKE}) (?:claiming|"
    r"pretending|posing|saying))"
    r"(?![A-Za-z])"
)
_SCAMMERS = Gated(_SCAMMERS_RE)
#: A scam told in Chinese: its actor, then whom it impersonates (「近期有不法分子通过抖音私信
#: 冒充“公安协查专员”，声称您“涉嫌诈骗即将立案”，要求您转账到个人账户」). 我司 may be what it
#: impersonates.
_SCAMMERS_ZH = re.compile(
    r"(?:不法分子|犯罪分子|诈骗分子|詐騙分子|(?<![你您他她个個种種])骗子|(?<![你您他她个個种種])騙子|不法人员|"
    r"不法人員)"
    r"[^。！？!?\n]{0,24}?(?:冒充|假冒|伪装成?|偽裝成?|自称|自稱|冒用)|"
    # 「如您接到自称“残联协查”的来电，要求您…」 (round 168): a call one may receive, told to warn.
    r"(?:如|若|如果|要是|一旦)(?:您|你)?(?:接到|收到|遇到|碰到)[^，。！？!?\n]{0,6}?(?:自称|自稱|冒充|假冒)|"
    # 「任何自称员工、要求转到私人卡上的，请立即拨打官方客服核实」 (round 174): whoever claims it.
    r"(?:任何|凡是?)(?:人|个人|個人)?(?:自称|自稱|冒充|假冒)|"
    # 「谁让你往私人账户转钱都别信」 (round 184): whoever asks it, not to be believed.
    r"(?:谁|誰)(?:让|讓|叫|要|要求)(?:你|您)[^。！？!?\n]{0,20}?(?:都|就|一律)?"
    r"(?:别信|別信|不要信|不要相信|是骗子|是騙子|是诈骗|是詐騙)|"
    # 「您反映接到自称我司催收员的私人号码来电」 (round 182): the call the customer reports.
    # (「近期有客户反映接到自称“经侦”的电话」, round 204: customers' reports, as the customer's.)
    r"(?:(?:您|你)|(?:近期|最近|近来|近來)?(?:有|部分|不少|多位|一些)(?:客户|客戶|用户|用戶|借款人|市民))"
    r"(?:反映|投诉|投訴|说|說|称|稱|提到)(?:[^，。！？!?\n]{0,4}?)(?:接到|收到|遇到|碰到)"
    r"[^，。！？!?\n]{0,6}?(?:自称|自稱|冒充|假冒)"
)
#: Where our own voice comes back in a Chinese scam's sentence: a new clause of ours, a
#: contrast or a condition.
_WRITER_ZH = re.compile(
    r"[，,]\s*(?:我司|本公司|我行|本行|我们|我們)|我(?![司行])|但|如果|否则|否則|不然|再不|的话|的話|要是|"
    # A reminder of ours after the warning (「…都是诈骗，友情提醒：拒不还款属于违法犯罪」).
    r"友情提醒|温馨提示|溫馨提示|特别提醒|特別提醒|"
    rf"就(?!{JIU_WORD})"
)
#: The writer speaking, or a contrast, after a scam's account. Whom the scam targets or claims
#: to act for is no voice of ours: "calling our customers' relatives", "acting for us" (round 129).
_WRITER = re.compile(
    r"(?<![A-Za-z])(?i:we|i|our(?! (?:customers?|clients?|members?|borrowers?|users?|name|company|"
    r"brand|logo|website|letterhead)(?![A-Za-z]))|(?<!for )(?<!from )(?<!of )(?<!by )us|me|my|but|"
    r"however|though)(?![A-Za-z])"
)
#: What may end a heading's line after its label: a colon, a parenthesis ("Things you must
#: NEVER say (automatic fail):", round 140), or "that" ("Reminder: NEVER tell a consumer that",
#: round 138).
_HEADING_END = re.compile(r"[ \t:：]*(?:[(（][^)）\n]{0,40}[)）])?[ \t:：]*(?i:that)?[ \t:：]*")
#: Where a list after its label ends: a full stop or a line end, not a semicolon.
_LIST_STOP = re.compile(r"[。!?！？\n]|[.．](?=\s|$)")
#: A channel's label at the head of a message: 【微信私聊】, 【QQ私信】 (round 114).
_CHANNEL_LABEL = re.compile(r"\A\s*【(?:微信|QQ|抖音|微博|APP|App|app)?(?:私聊|私信)】")
#: A template field left unfilled: {FIRST_NAME}, {{amount}}, [AGENT_NAME].
_PLACEHOLDER = re.compile(r"\{\{?([A-Za-z_][A-Za-z0-9_ ]{1,30})\}\}?|\[([A-Z][A-Z0-9_]{2,30})\]")
#: The words a template field is made of; any other word in braces is read ("face {ARREST}").
_FIELD_NAMES = (
    "first last full given family name agent collector rep customer consumer debtor borrower "
    "client amount amt due date balance account acct number num no id ref reference phone tel "
    "mobile email address company lender creditor firm brand product loan our your payment pay "
    "min minimum total day days time link url code sender signature today deadline past dpd "
    "currency ccy month year fee rate plan offer of"
)
_FIELD_WORDS = frozenset(_FIELD_NAMES.split())
#: A list item's line: a bullet, a number, a cross or tick, or a quotation opening it.
_LIST_ITEM = re.compile(
    r"[ \t]*(?:[•·\-*▪◦●○✗×❌✘🚫✓√✅✔☑☒]|\d{1,2}[.)、]|[（(]?[一二三四五六七八九十\d]{1,2}[)）、]|"
    r"[\"“「'‘])[^\n]*"
)
#: A line opened by a cross or a tick, then a quotation: a listed example.
#: A short label may come between (「❌错误示范：“你先找同事借点还上”」, round 167).
_MARKED_LINE = re.compile(
    r"(?m)^[ \t]*[✗×❌✘🚫✓√✅✔☑☒]\ufe0f?[ \t]*(?:[^\n\"“「'‘]{1,8}[：:][ \t]*)?([\"“「'‘][^\n]*)$"
)


def mentioned_spans(text: str, quotes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that mention words rather than use them: a rule's lists, a scam's account (read
    with ``quotes``, the text's quotation spans, blank), a channel's label at the head and a
    template's unfilled fields."""
    spans = _banned_lists(text) + _scams(text, quotes)
    # A channel's label heading the message (【微信私聊】) names where it was sent, not an offer.
    spans += [m.span() for m in _CHANNEL_LABEL.finditer(text)]
    # A template's unfilled fields ("Hi {FIRST_NAME}, this is {AGENT_NAME}") say nothing.
    spans += [m.span() for m in _PLACEHOLDER.finditer(text) if _is_field(m)]
    return spans


def _is_field(match: re.Match[str]) -> bool:
    """Whether braces or brackets hold a template field's name ({AGENT_NAME}, [DUE_DATE])."""
    words = re.split(r"[_ ]+", (match.group(1) or match.group(2)).strip("_ ").lower())
    return all(w in _FIELD_WORDS or w.isdigit() for w in words)


def _banned_lists(text: str) -> list[tuple[int, int]]:
    """Lists of banned words after their label, quoted or not, to the end of the sentence; a
    label that ends its line heads the list items below it, to a blank line or a line that is no
    item. A line marked with a cross or a tick before a quotation (「×“逾期将移送公安”」,
    '✓ "We may report…"') is an example in a training list: the whole line."""
    spans = [m.span(1) for m in _MARKED_LINE.finditer(text)]
    # A heading that bans what follows, its line ending there: "things you must never say".
    headings = [
        m
        for m in BANNED.finditer(text)
        if _HEADING_END.fullmatch(text, m.end(), _line_end(text, m.end()))
    ]
    for label in (*_BANNED_LIST.finditer(text), *headings):
        rest = text[label.end() : _line_end(text, label.end())]
        if not _HEADING_END.fullmatch(rest):
            # A list's items may be split by semicolons (「①“…”；②“…”」): to a full stop.
            end = _LIST_STOP.search(text, label.end())
            spans.append((label.end(), end.start() if end else len(text)))
            continue
        stop = label.end() + len(rest)
        for item in _LIST_ITEM.finditer(text, stop):
            if item.start() != stop + 1:
                break
            stop = item.end()
        spans.append((label.end(), stop))
    return spans


def _scams(text: str, quotes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences whose subject is a scammer, to warn against them ("Scammers are calling
    families and pretending to be from 'the probate court', claiming relatives will be
    arrested"): their tactics described, to the end of the sentence or to where the writer
    speaks ("Scammers are posing as our staff or we will tell your boss" is ours from "our")."""
    # A threat the scammer is said to make is quoted: its 就 is theirs, not ours.
    unquoted = blank_spans(text, quotes)
    return [
        (scam.start(), reported_end(text, scam.end(), writer, unquoted))
        for scammers, writer in ((_SCAMMERS, _WRITER), (_SCAMMERS_ZH, _WRITER_ZH))
        for scam in scammers.finditer(text)
    ]


def _line_end(text: str, at: int) -> int:
    """Where the line holding ``at`` ends."""
    end = text.find("\n", at)
    return end if end >= 0 else len(text)


def blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with these spans blank (positions kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
