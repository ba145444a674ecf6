"""Whose words a message holds: what is quoted, reported or forwarded is not the writer's own.

Screening reads the collector's words. A message also carries other people's: the customer's
words quoted in a call note, an agent's banned words quoted in a QA finding or a complaint
reply under a verdict ("That was wrong", 「深表歉意」), the customer's account reported back
(「您反映…」, "You told us our agent…"), a colleague corrected ("my colleague's message said…"), a
slip corrected ("my dictation turned 'mail' into 'jail'"), a message the customer forwarded,
words listed as banned (「禁用话术示例：“坐牢”」, 'Never say "…"'),
someone else's claim (「自称“法院工作人员”」, "claiming to be 'Officer…'"), words disowned
("… did not come from us"), a matter answered with an apology
(「关于…外包催收人员…一事，我们深表歉意」), and lines quoted from earlier mail (">").
:func:`quoted_spans` finds those spans; ``screen`` reads them as blank. Words quoted without
such a frame ('Rep told consumer "we will call your boss"') stay read:
a record of what an agent said is what screening is for.
"""

from __future__ import annotations

import re

from fairdebt.compliance.screening.clauses import SENTENCE_END, reported_end
from fairdebt.compliance.screening.mentions import BANNED, blank_spans, mentioned_spans
from fairdebt.compliance.screening.patterns import Gated

__all__ = ["FULL_WIDTH", "blank_spans", "quoted_spans"]

#: Full-width ASCII (U+FF01-U+FF5E) to plain ASCII: NFKC for these, one character for one.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_CHAR = re.compile("[\uff01-\uff5e]")
#: A quotation on one line: “…”, 「…」, 『…』 or "…" (at most 160 characters).
_QUOTE = re.compile(
    r"“[^”\n]{1,160}”|「[^」\n]{1,160}」|『[^』\n]{1,160}』|\"[^\"\n]{1,160}\"|"
    # Single quotes open after a space or a colon and close before one; an apostrophe inside a
    # word ("They're") does not close them.
    r"(?<=[\s:(])'(?:[^'\n]|(?<=[A-Za-z])'(?=[A-Za-z])){1,160}'(?=[\s.,!?;:)]|$)"
)
#: A line of a reply quoting earlier mail: it starts with ">" (after spaces).
_EMAIL_QUOTE_LINE = re.compile(r"(?m)^[ \t]*>.*$")
#: A cheap test for a message with no quotation mark at all (most of them).
_QUOTE_MARK = re.compile("[“「『\"'＂＇]")
#: Who speaks the quoted words: the first role named in the sentence before the quotation.
_ROLE = re.compile(
    r"(?P<debtor>客户|客戶|借款人|债务人|債務人|用户|用戶|联系人|聯繫人|家属|家屬|"
    r"网友|群友|投诉人|投訴人|当事人|當事人|来电人|來電人|(?<![a-z])(?:customer|cust|consumer|"
    r"debtor|borrower|caller|member|user|commenter|complainant)s?(?![a-z]))"
    r"|(?P<staff>坐席|催员|催收员|催收員|员工|員工|工号|工號|业务员|業務員|人员|人員|同事|"
    # What our letters and templates said is ours too (round 185: 「抽检纸质催收函…一份写了“…”」,
    # "FD-07 still says '…'" in a template audit).
    r"催收函|函件|信函|模板|话术|話術|"
    r"(?<![a-z])(?:agent|rep|representative|collector|staff|employee|advisor|adviser|operator|"
    r"colleague|team member|template|letter|script)s?(?![a-z]))",
    re.IGNORECASE,
)
#: Between a speaker's role and a quotation: the label's colon only.
_LABEL = re.compile(r"\s*[:：]\s*")
#: Right before a quotation: the answer we give or teach ("If a consumer asks whether they can go
#: to jail, the answer is: 'No. This is a civil matter.'", 「正确话术：“…”」): our words, read.
_OUR_ANSWER = re.compile(
    # A bare "the line" is no answer: 'Please remove the line "we may contact your employer"'.
    r"(?i:(?:the )?(?:(?:correct |right |agreed |approved )(?:answer|response|reply|wording|line|"
    r"script)(?: is| was| should be| to use)?|(?:answer|response|reply|wording|line|script)"
    r"(?:(?: is| was| should be| to use)\s*:?|\s*:))\s*)$|"
    r"正确(?:做法|话术|話術|回答|说法|說法)[：:]?\s*$|应(?:回答|答复|说)[：:]?\s*$"
)
#: Right after a role: the verb that makes it the speaker.
_SPEECH_VERB = re.compile(
    r"\s*(?:(?i:asked|asks|said|says|replied|replies|wrote|writes|shouted|yelled|commented|posted|"
    r"texted|messaged|emailed)(?![A-Za-z])|问|問|说|說|称|稱|回复|回覆|表示|留言)"
)
#: Any word of speech between a role and a quotation ('Rep told consumer "…"').
_SAID = re.compile(
    r"(?i:(?<![A-Za-z])(?:said|says|say|asked|asks|ask|told|tells|tell|wrote|writes|claimed|claims|"
    r"replied|shouted|yelled|commented|posted|texted|messaged|emailed|states|stated|mentioned|"
    r"called|threatened|warned|promised|quoted|used|words?|phrases?|line|script|reply|message|note|calls?|"
    r"chat|email|letter|text)"
    # 「客户陈述：“…”」 (round 128): a complaint ticket's account in the customer's words.
    r"(?![A-Za-z]))|问|問|说|說|称|稱|讲|講|骂|罵|喊|表示|反映|回复|回覆|留言|提到|答|道|写|寫|用|话术|話術|"
    r"陈述|陳述|自述|口述|"
    r"原话|原話|一句|字样|字樣|语|語"
)
#: A quality or training note's verdict on what an agent said. "FAIL" only in capitals: "failed
#: to pay" is the debt, not a verdict.
_CONDEMNED = (
    r"违规|違規|违反|違反|红线|紅線|禁用|严禁|嚴禁|不得使用|停岗|停崗|处分|處分|整改|扣分"
    # 「我司已对相关人员作出处理」: the staff member was dealt with.
    r"|(?:对|對)(?:相关|相關|涉事|该|該)?(?:人员|人員|员工|員工|催收员|催收員|坐席)"
    r"[^，。！？]{0,4}?(?:作出|做出|进行|進行|严肃|嚴肅)(?:了)?(?:严肃)?(?:处理|處理)"
    r"|(?<![A-Za-z])(?i:violat\w*|banned|prohibited|not permitted|zero[- ]tolerance|"
    r"disciplin\w*|re-?briefed|coaching|coached|retrained|escalated to compliance|warning issued|"
    r"breach(?:es|ed)? (?:of )?(?:our )?polic(?:y|ies)|"
    # "Phrases such as 'you'll be blacklisted' … breach CONC and our own standards" (round 161).
    r"breach(?:es|ed)? (?:of )?(?:the )?(?:conc|fdcpa|reg(?:ulation)? f|fca rules|our (?:own )?"
    r"(?:standards|rules|code))|"
    # "Logged as a CONC 7 breach" (round 164).
    r"(?:conc|fdcpa|reg(?:ulation)? f)(?: [0-9][0-9.]*[a-z]?)? (?:breach|violation)|"
    r"automatic fails?|auto-?fails?|(?:is|are) a fail(?:ure)?(?: on)?|"
    # "Words like 'scrounger', 'deadbeat' … must never be used" (round 152).
    r"(?:must|should|may) (?:never|not) be (?:used|said|written)|"
    # "FD-07 still says 'bailiffs will be sent' … Withdraw it today" (round 185).
    r"withdraw (?:it|this|them|the (?:template|letter|script|wording))|"
    # 'That is a threat under §806(1)' (round 153): named a breach of a rule.
    r"(?:is|was|counts as|amounts to) (?:a |an )?(?:threat|breach|violation|harassment)\w* under|"
    r"(?:graded|marked|scored|rated) (?:as )?(?:a )?fail(?:ed|ure)?)(?![A-Za-z])"
    r"|(?<![A-Za-z])FAIL(?![A-Za-z])"
)
#: Right before a quotation: a message the customer forwarded to us (「您转来的那条“再不还就弄死你”
#: 的短信不是我司发送的」, "the text you forwarded saying '…'"): its sender's words, not ours.
_FORWARDED = re.compile(
    # 「您说的这种“P图发朋友圈”的做法」: the customer's own words for what happened.
    r"(?:您|你)(?:刚才|剛才)?(?:说|說|提到|反映)的(?:这种|這種|那种|那種|这个|這個|那个|那個|这些|這些)?$|"
    # 「关于您反映“催收员称要…”的投诉」: what the customer reported, quoted straight after it.
    r"(?<![跟和对對给給向])(?:您|你)(?:此前|之前|来电|來電)?(?:反映|投诉|投訴)(?:称|稱|说|說)?[:：]?$|"
    # "consumer alleges agent said "we'll let your employer know"" (round 126).
    r"(?i:(?:consumer|customer|debtor|borrower|caller|client)s? (?:alleges?|alleged|claims?|"
    r"claimed|reports?|reported|states?|stated)(?: that)? (?:the |our |an |one |a )?(?:agent|"
    r"collector|rep|representative|caller|adviser|advisor)s? (?:said|told (?:her|him|them)|"
    r"threatened|stated)\s*)$|"
    # 'You wrote: "Your collector told me he'd show up at my wedding …"' (round 136): theirs.
    r"(?i:(?<![A-Za-z])(?:you|your (?:complaint|letter|email|message|note)) (?:wrote|write|said|"
    r"stated|told us|says|reads|read)[:,]?\s*)$|"
    # 'If a collector has threatened to "message everyone in your phone", keep screenshots'
    # (round 134): someone else's words, in a hypothetical.
    r"(?i:(?:if|when) (?:a|an|the|any|your) (?:debt )?(?:collector|lender|agent|caller|company|"
    r"firm|creditor)s? (?:has |have |ever |already )?(?:threatened|threatens|says|said|tells you|"
    r"told you|claims|claimed)(?: to| that| you)?\s*)$|"
    # "thank you for telling us that a man at the sale barn said you'd '…'" (round 121).
    r"(?i:(?:you told us|telling us|you reported|you let us know|you mentioned)(?: that)?"
    r"[^.!?\n]{0,80}? (?:said|told you|claimed|threatened|warned)(?: that)?"
    r"(?: you(?:[’']d| would| will|[’']ll)?)?\s*)$|"
    # 「您反映外包催收人员在电话中称您为“老赖”，并扬言要“…”」: the customer's account of what
    # was said.
    r"(?<![跟和对對给給向])(?:您|你)(?:此前|之前|来电|來電)?(?:反映|投诉|投訴)[^。！？\n]{0,40}?"
    r"(?:称|稱|说|說|骂|罵|叫)(?:您|你)?(?:为|為|爲|是)?$|"
    r"(?<![跟和对對给給向])(?:您|你)(?:此前|之前|来电|來電)?(?:反映|投诉|投訴)[^。！？\n]{0,60}?"
    r"(?:扬言|揚言|威胁|威脅|声称|聲稱)(?:要|说|說)?$|"
    # 「坐席提及“法院”“起诉”均为回应客户提问」 (round 144): the words named, not said.
    r"(?:提及|提到|说到|用到|出现)(?:了)?(?:的)?\s*$|"
    # 「关于您问的“会不会坐牢”」: the customer's own question.
    r"(?:您|你)[^，。！？\n]{0,8}?(?:问|問|咨询|諮詢|询问|詢問|提及|提到)(?:到|起)?的$|"
    r"(?:转来|轉來|发来|發來|转发|轉發|截图|截圖)(?:给我们)?的?(?:那|这|這)?(?:条|條|则|則|张|張|封)?"
    r"(?:短信|消息|信息|微信|邮件|郵件)?[\s:：]*$|"
    r"(?i:you (?:forwarded|sent us|sent me|screenshotted)"
    r"(?: (?:the|a|this|that))?(?: (?:text|message|sms|email|screenshot))?(?: (?:saying|that said|"
    r"which said|reading))?[\s:]*)$"
)
_MENTIONED = re.compile(
    r"(?<![A-Za-z])(?i:(?:lines|phrases|statements|expressions|sayings|words|things|remarks|"
    r"comments) "
    r"(?:like|such as)|(?:it|the draft|this draft|that draft|the template|the letter|the email|"
    r"the message|the script|the text) (?:says|said|reads|read|contains|included|includes))"
    r"(?![A-Za-z])"
)
#: Right after quotations: the kind of words they are (「出现“你这个骗子”“再不还就去你单位找你”等
#: 表述」): expressions named, not used.
_NAMED_AFTER = re.compile(
    r"(?:\s*[“「『\"][^”」』\"\n]{1,80}[”」』\"][、，,]?)*\s*(?:等|类|類|之类的?|这类|此类|這類|这些|這些|"
    r"那些|这种|這種)"
    # 「未出现“老赖”“骗子”等侮辱性称呼」 (round 131).
    r"(?:的)?(?:不当|不當|违规|違規|禁用|侮辱性|辱骂性|辱罵性|威胁性|威脅性|攻击性|攻擊性)?"
    r"(?:表述|话术|話術|用语|用語|说法|說法|字眼|内容|內容|语句|語句|言论|言論|词语|詞語|称呼|稱呼|"
    r"称谓|稱謂|词汇|詞彙|言语|言語|话|話)"
)
#: Right before a quotation, a bare "no" forbids it: 'Reminder: no threats of suit, no "your
#: credit is ruined forever," no talking about the debt' (round 123).
_NO_BEFORE = re.compile(r"(?<![A-Za-z])(?i:no)[\s,]*$")
_JOINED = re.compile(r"\s*(?i:or|and|nor)(?![A-Za-z])")
#: Between two quotations of one banned list ('Never say: "this is your last chance" when it
#: isn't; "the bailiffs will be round"; …', round 128): a short gap on one line, no full stop.
_LIST_GAP = re.compile(r"[^\n.。!?！？]{0,40}")
#: Right before a role: it is whom the words went to, not who spoke them ("sent to customer in
#: error: '…'", 「发给客户的」).
_ADDRESSEE = re.compile(r"(?i:(?<![A-Za-z])(?:to|for) (?:the |a |our )?)$|(?:给|向|对)$")
#: Right before a quotation: someone else's claim (「截图中自称“法院工作人员”的号码」, "a caller
#: claiming to be 'Officer Reed'", "the so-called 'court summons'").
_CLAIMED = re.compile(
    r"(?:自称|自稱|冒充|假冒|冒用|所谓|所謂|号称|號稱)(?:是|为|為)?(?:所谓|所謂)?的?$|"
    r"(?<![A-Za-z])(?i:(?:claiming to be|posing as|pretending to be|purporting to be)(?: from)?|"
    r"so-called|"
    # ("a company calling itself "National Debt Enforcement Bureau"", round 166.)
    r"(?:calling|naming|describing) (?:themselves|himself|herself|itself)(?: as)?|fake)"
    r"(?: an?| the)?\s*$"
)
#: After a quotation, in its sentence: the words disowned ("The 'court summons' in that image did
#: not come from us", 「…“法院工作人员”的号码与我司无关」).
_DISOWNED = re.compile(
    r"(?<![A-Za-z])(?i:(?:did not|didn[’']t|does not|doesn[’']t) come from (?:us|our)|"
    r"(?:was|were|is|are) not (?:sent|written|made|issued) by (?:us|our)|"
    r"(?:wasn[’']t|weren[’']t|isn[’']t|aren[’']t) (?:sent|written|made|issued) by (?:us|our)|"
    r"(?:is|are|was|were) not (?:from )?(?:us|ours))(?![A-Za-z])|"
    r"与(?:我司|我们|本公司|我行|我們|本行)无关|與(?:我司|我們|本公司|我行)無關|"
    r"(?:不是|并非|並非|非)(?:我司|我们|我們|本公司|我行)(?:发送|發送|发出|發出|所发|所發|的)|"
    # 「有人在群里发“…”的广告，均为诈骗」 (round 154): someone's advertisement, a scam.
    r"(?:均为|均為|都是|全是|皆为|皆為|属于|屬於|系|是)(?:电信)?(?:诈骗|詐騙|骗局|騙局)"
)
#: A writer correcting their own slip quotes the words to correct them ("my dictation turned
#: 'mail' into 'jail'", 「上条短信打错了，“起诉”应为“起算”」): in that sentence they are mentioned.
_CORRECTION = re.compile(
    r"打错|打錯|笔误|筆誤|应为|應為|更正|(?:询问|詢問|问|問)(?:我们|我們|我司)?是否|"
    # A question put to us about the words ("Your MP's office asked whether we threatened you
    # with 'jail'") mentions them too.
    r"(?<![A-Za-z])(?i:(?:asked|asks|asking|wondered|wondering|enquired|inquired|queried) "
    r"(?:us |me )?(?:whether|if))(?![A-Za-z])|"
    r"翻译错误|翻譯錯誤|误译|誤譯|(?<![A-Za-z])(?i:typo|autocorrect\w*|dictation|mistranslat\w*|"
    r"translation error|"
    r"voice[- ]to[- ]text|speech[- ]to[- ]text|should have read|should read|i meant|"
    r"meant to (?:say|write|type)|"
    # An agent who stopped themselves mid-sentence ("you started to say '…' — good catch").
    r"(?:started|began) to say|almost said|nearly said|"
    r"(?:stopped|caught|corrected) (?:yourself|himself|herself|themselves|myself))(?![A-Za-z])"
)
#: A reply's verdict on conduct the customer reported, or on an agent's words it quotes: they
#: were wrong ("This was completely unacceptable", 「深表歉意」).
_WRONG = (
    r"不应该|不應該|不该|不該|不当|不當|道歉|致歉|歉意|抱歉|不实|不實|不属实|不屬實|虚假|虛假|"
    r"不允许|不允許|严格禁止|嚴格禁止|明令禁止|错误的?说法|錯誤的?說法|说法[^，。！？]{0,4}错误|"
    r"說法[^，。！？]{0,4}錯誤|是错误的|是錯誤的|对不起|對不起|"
    # "do not uphold it" rejects the complaint: no verdict on what the agent said.
    # ("called her a 'deadbeat'. That is never acceptable", round 174.)
    r"说错|說錯|(?<![A-Za-z])(?i:unacceptable|not acceptable|never acceptable|"
    r"(?<!not )(?<!n't )(?<!n’t )"
    r"uph[oe]ld\w*|apolog\w*|"
    r"(?:i[’']m|i am|we[’']re|we are) (?:so |very |truly |really |deeply )?sorry|"
    r"should(?: not| never|n't|n’t) have|"
    r"(?:fell|falls?) (?:well |far )?(?:below|short of) the standards?|"
    r"(?:neither|none)(?: of (?:this|that|it|them|these|those|the))?(?: (?:statements?|claims?|"
    r"comments?|remarks?|threats?))? (?:is|was|were|are)(?: ever)? (?:acceptable|appropriate|true|"
    r"accurate)|"
    r"(?:that|this|those|these|which|it|(?:the|that|this|those|these|such|their|his|her) "
    r"(?:statements?|claims?|threats?|comments?|words|remarks?|phrases?|wording|language|terms?))"
    r" (?:was|were|is|are) "
    r"(?:completely |totally |simply )?"
    # ("That statement was not authorized and is not true", round 159.)
    r"(?:wrong|false|untrue|not true|misleading|incorrect|not authori[sz]ed|unauthori[sz]ed))"
    r"(?![A-Za-z])"
)
#: The customer's account reported back to them (「您刚才说」, "You told us"), to the end of
#: its sentence.
_REPORT = re.compile(
    r"(?:您|你)(?:刚才|剛才|之前|此前|上次)?(?:说|說|反映|投诉|投訴|提到|讲|講|告诉我们|告訴我們|"
    r"跟我们说|跟我們說)|[据據]您反映|(?:您|你)[^，。！？\n]{1,12}?(?:反映|投诉|投訴)|"
    r"(?<![A-Za-z])(?i:you (?:told us|said|stated|mentioned|reported|explained|complained)|"
    r"your complaint (?:says|said|is|was|that)|according to you)(?![A-Za-z])"
)
#: The consumer's words reported in a note, in the third person ("Consumer volunteered that he is
#: on felony probation and asked whether missing payments could … send him back to jail", round
#: 130): theirs, to the end of the sentence or to where one of ours is named again.
_CONSUMER_SAID = re.compile(
    r"(?<![A-Za-z])(?i:(?:the )?(?:consumer|customer|debtor|borrower|caller|client)s? "
    r"(?:volunteered|said|stated|explained|mentioned|asked|disclosed|advised|reported|confirmed|"
    r"shared|admitted|worried|was worried|expressed concern|told (?:us|the agent|me))"
    r"(?: that| whether| if| about)?)(?![A-Za-z])"
)
_OURS_AGAIN = re.compile(
    r"(?<![A-Za-z])(?i:we|i|our|us|agent|rep|representative|collector|advis[eo]r)(?![A-Za-z])"
)
#: A matter named, then answered with a verdict (「关于前几日外包催收人员在您家族群里发送消息
#: 一事，我们深表歉意」): between 关于 and 一事 is the account of it, when someone else acted.
_MATTER = re.compile(
    r"(?:关于|關於|对于|對於|就)(?P<account>[^。！？\n]{2,80}?)(?:一事|这件事|這件事|的事情|的情况|的情況|的问题|的問題)"
)
#: Any verdict, QA's (``_CONDEMNED``) or a reply's (``_WRONG``), in one scan.
_VERDICT = re.compile(f"{_CONDEMNED}|{_WRONG}")
#: A colleague's words reported by the one correcting them (「上午同事发消息说…」, "my colleague's
#: message this morning said…"), to the end of the sentence.
_STAFF_SAID_RE = re.compile(
    r"(?:同事|坐席|催收员|催收員|员工|員工|外呼人员|外呼人員|催收人员|催收人員|工作人员|工作人員|"
    r"外包(?:人员|公司|机构)?)[^，。！？,.!?]{0,10}?(?:说|說|称|稱|告诉您|告訴您)|"
    r"(?<![A-Za-z])(?i:(?:our|my|the|a|an|another) (?:colleague|agent|representative|rep|collector|"
    r"advis[eo]r|team member|member of staff)[’']s "
    r"(?:remark|comment|words|statement|claim|threat)s?"
    r"(?: that| saying| which said)?)(?![A-Za-z])|"
    # (A QA note may drop the article: "colleague told the customer '…'".)
    r"(?<![A-Za-z])(?i:(?:(?:our|my|the|a|an|another|one of our|one of the) )?"
    r"(?:(?:former|previous|earlier|other|new|last) )?(?:colleague|agent|representative|rep|"
    r"collector|advis[eo]r|team member|member of staff|staff member|employee|visitor|"
    r"(?:field|doorstep) (?:agent|officer|collector|advis[eo]r))s?"
    r"(?:[’']s (?:message|text|email|letter|call|note))?(?: [a-z0-9]+){0,8}? "
    r"(?:said|told you|told (?:the )?(?:customer|consumer|borrower|debtor|client)|wrote|texted|"
    r"stated|claimed|mentioned|"
    # ("Our agent wrongly suggested that your employer would be told", round 179.)
    r"suggested|implied|threatened|warned you|"
    r"called you|called him|called her|swore at you|referred to you as|"
    # "Our adviser was wrong to say we would contact your employer"
    r"(?:was|were) (?:wrong|incorrect|mistaken) to (?:say|tell you|suggest|claim|imply|state)"
    r"(?: that)?))(?![A-Za-z])"
)
_STAFF_SAID = Gated(_STAFF_SAID_RE)
#: What an automated call or a letter said, told back in a correction ("I've listened back to
#: the automated call … It told you bailiffs would be attending. That was wrong"), to the
#: sentence's end.
_SYSTEM_SAID = re.compile(
    r"(?<![A-Za-z])(?i:(?:it|the (?:automated |recorded |earlier |previous )?(?:call|message|bot|"
    r"system|voicemail|letter|text|email|robocall|note|comment|memo)) (?:(?:told|said to|informed|"
    r"warned|described) you|suggested))"
    r"(?![A-Za-z])"
)
#: Someone else's words told back to the customer ("Someone told you in Chinese that you were a
#: 'deadbeat'"), to the end of the sentence, under a verdict.
_OTHER_SAID = re.compile(
    r"(?<![A-Za-z])(?i:(?:someone|somebody|a caller|another caller|the caller|a previous agency|"
    r"the last (?:caller|agent|collector|guy)) (?:told|called|texted|messaged) you)(?![A-Za-z])|"
    # A case told in training: what an agency once did (round 163:
    # 「某外包机构曾将客户的术后照片P成“通缉令”…」).
    r"(?:某|一家|有一家|个别|某些)(?:外包|第三方)?(?:机构|公司|平台|催收公司|催收员|坐席|员工|人员)"
    r"(?:曾经|曾|过去|以前)"
)
#: A report answered with a denial ("You reported that an earlier caller said you'd be arrested.
#: That caller did not work for us, and no one can be arrested for a consumer debt").
_DENIED = re.compile(
    r"(?<![A-Za-z])(?i:no one (?:can|will|could)|nobody (?:can|will|could)|did not work for us|"
    r"didn[’']t work for us|does not work for us|doesn[’']t work for us|not (?:one of )?our "
    r"(?:staff|agents?|employees?))(?![A-Za-z])|不是我司|并非我司|不是我们的(?:员工|人员)|"
    # 「…让您把退休金转到个人卡上的电话，不是我行打的」 (round 153): a bank's 我行 as a firm's 我司.
    r"(?:不是|并非|並非)(?:我行|本行|本公司)(?:打的|发的|發的|所为|所為|的(?:员工|員工|人员|人員|电话|電話))|"
    # 「您提到有人说欠款“已经翻倍”…并未翻倍」: the claim checked and denied.
    r"并未|並未|并没有|並沒有|不收取(?:任何)?(?:此类|此類|这类|這類|这种|這種|该类|該類)"
)
#: Someone else's act inside the account: another speaker, not the one writing now.
_OTHER_SPEAKER = re.compile(
    r"有人|对方|對方|那个人|那個人|那人|他们|他們|之前的人|上一家|催收员|催收員|坐席|员工|員工|"
    r"外访员|外訪員|人员|人員|自称|自稱|"
    r"(?<![A-Za-z])(?i:agents?|collectors?|callers?|advis[eo]rs?|reps?|representatives?|"
    r"staff|someone|somebody|they|the last lot|bailiffs?|vendors?|agency|agencies|contractors?|"
    r"third[- ]part(?:y|ies))(?![A-Za-z])"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Quotations that are not the collector's own words: read as blank by ``screen``.

    A note that quotes the customer (「客户扬言“再打电话就去你们公司砍人”」, 'cust said "I'll
    sue you"') reports words no collector said. A quality or training note that quotes an
    agent and condemns it (「个别坐席使用“老赖”“坐牢”等用语，均属严重违规」, 'agent told a
    consumer "you'll go to jail" - zero-tolerance violation') mentions the words, it does not
    use them; an agent's words quoted without such a verdict ('Rep told consumer "we will call
    your boss"') are a record of what was said and stay read. The speaker is the first role
    named in the sentence before the quotation.
    """
    # Full-width letters and marks (ｃｕｓｔｏｍｅｒ, ＂) are read as plain ones, one for one.
    if _FULL_WIDTH_CHAR.search(text):
        text = text.translate(FULL_WIDTH)
    quotes = [m.span() for m in _QUOTE.finditer(text)] if _QUOTE_MARK.search(text) else []
    spans = (
        _reported_spans(text)
        + _consumer_said(text)
        + _email_quoted(text)
        + mentioned_spans(text, quotes)
    )
    if not quotes:
        return spans
    outside = blank_spans(text, quotes)
    condemned = _VERDICT.search(outside) is not None
    banned_until = -1  # the end of the last quotation listed as banned
    for start, end in quotes:
        sentence = max((m.end() for m in SENTENCE_END.finditer(outside, 0, start)), default=0)
        # A banned list runs on through semicolons: its label is in the first item's sentence.
        banned = bool(
            (banned_until >= 0 and _LIST_GAP.fullmatch(outside, banned_until, start))
            or BANNED.search(outside, sentence, start)
        )
        banned_until = end if banned else -1
        if _OUR_ANSWER.search(outside, sentence, start):
            continue
        if (
            _FORWARDED.search(outside, sentence, start)
            or _NAMED_AFTER.match(text, end)
            or banned
            or _CLAIMED.search(outside, sentence, start)
            # (not one item of "no 'detective' or 'court officer' will ever call": a negation)
            or (_NO_BEFORE.search(outside, sentence, start) and not _JOINED.match(text, end))
            or (condemned and _MENTIONED.search(outside, sentence, start))
        ):
            spans.append((start, end))
            continue
        stop = SENTENCE_END.search(outside, end)
        if _DISOWNED.search(outside, end, stop.start() if stop else len(outside)):
            spans.append((start, end))
            continue
        if _CORRECTION.search(outside, sentence, stop.start() if stop else len(outside)):
            spans.append((start, end))
            continue
        role = _speaker(outside, sentence, start)
        if role is None:
            continue
        # The customer named speaks only if someone speaks: in 「借款人身故的账户要额外收取“身故结清
        # 手续费”」 the borrower is whose account it is, and the quoted fee is ours.
        if condemned or (
            role.group("debtor")
            and (
                _SAID.search(outside, role.end(), start)
                # A transcript's label: "Customer: 'are you going to have me arrested??'"
                # (round 181).
                or _LABEL.fullmatch(outside, role.end(), start)
            )
        ):
            spans.append((start, end))
    return spans


def _speaker(text: str, start: int, end: int) -> re.Match[str] | None:
    """The role that speaks the quotation at ``end``: a role whose speech verb runs into it
    ("Agent gave her name, and when the customer asked '…'"), else the first role named
    ('Rep told consumer "…"': the rep speaks)."""
    roles = [
        r for r in _ROLE.finditer(text, start, end) if not _ADDRESSEE.search(text, 0, r.start())
    ]
    for role in roles:
        verb = _SPEECH_VERB.match(text, role.end())
        if verb is not None and not text[verb.end() : end].strip(" \t:：,，"):
            return role
    return roles[0] if roles else None


def _consumer_said(text: str) -> list[tuple[int, int]]:
    """What a note reports the consumer said or asked, in the third person, to the end of its
    sentence or to where the writer, the agent or the firm is named again ("Customer asked
    whether he could go to jail, and the agent said yes" is read from "the agent")."""
    return [
        (said.end(), reported_end(text, said.end(), _OURS_AGAIN))
        for said in _CONSUMER_SAID.finditer(text)
    ]


def _email_quoted(text: str) -> list[tuple[int, int]]:
    """Lines quoted from earlier mail in a reply ("> You're a bunch of thieves",
    「> 你们再敢打电话…」): the customer's message, or ours already screened when it was sent; the
    reply above them is read. A message that is all quotation is read whole."""
    if ">" not in text:
        return []
    lines = [m.span() for m in _EMAIL_QUOTE_LINE.finditer(text)]
    quoted = sum(end - start for start, end in lines)
    return lines if lines and len(text.strip()) - quoted > 20 else []


def _reported_spans(text: str) -> list[tuple[int, int]]:
    """Sentences that report, back to the customer, what someone else said or did to them (or
    what a colleague said, in a correction), in a reply that calls it wrong
    (「您刚才说之前有人骂您“老赖”，还说要爆您通讯录，这完全是违规的」, "You told us our agent
    called you 'a scrounger' and said bailiffs would come. That was wrong"): the complaint's
    account, not the writer's words. Without the verdict, or without
    another speaker in the account ("You told us you'd pay, you liar"), the sentence is read."""
    if not (
        _REPORT.search(text)
        or _STAFF_SAID.search(text)
        or _OTHER_SAID.search(text)
        or _SYSTEM_SAID.search(text)
        or _MATTER.search(text)
    ) or not (_VERDICT.search(text) or _DENIED.search(text)):
        return []
    spans = [
        matter.span("account")
        for matter in _MATTER.finditer(text)
        if _OTHER_SPEAKER.search(matter.group("account"))
    ]
    for report in _REPORT.finditer(text):
        end = SENTENCE_END.search(text, report.end())
        stop = end.start() if end else len(text)
        if _OTHER_SPEAKER.search(text, report.end(), stop):
            spans.append((report.end(), stop))
    for said in (
        *_STAFF_SAID.finditer(text),
        *_OTHER_SAID.finditer(text),
        *_SYSTEM_SAID.finditer(text),
    ):
        end = SENTENCE_END.search(text, said.end())
        spans.append((said.end(), end.start() if end else len(text)))
    return spans
