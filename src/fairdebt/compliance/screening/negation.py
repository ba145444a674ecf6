"""Negation and its scope: which hits a negation cancels, in Chinese and English.

A negation cue (「不会」「绝不」, "not", "never", "at no time", and the dialects' 勿会, 唔会, 袂
and "ain't") cancels a hit that follows it in the same clause, within a short distance (10
characters of Chinese, 32 of English words), unless something between the cue and the hit shows
the cue does not govern it:

- a clause break (，。,.;: and the like): 「不是吓唬你，明天就去你单位」 blocks;
- a condition or a consequence (如果, 就, 否则, if, unless, pay, then, or): "If you do not pay we
  will contact your employer" blocks;
- a contrast or a new subject with a modal (而是, 但, 只会, 我们会, but, instead, we will, we'll):
  「我们不会起诉你而是直接让你坐牢」 and "We won't sue, we'll just break your legs" block.

A promise of our own ("We will not…", 「我们不会…」, "No collector will ever…") reaches through
a list joined by commas and or/and/、/或 ("We will not post your photo, share your address or call
your boss"), up to a sentence end, a condition, a contrast or a new subject with its own verb
("…, and your boss will hear about it"). So does a prohibition of a collector's act, which needs
no subject (「切勿引导客户向个人账户转账或去其他平台借款」, "never suggest a cash advance or a new
loan"), and what a negated speech verb introduces is its content ("never tell a guarantor
they'll be blacklisted"). An A-not-A question (要不要, 会不会, 是不是) negates nothing.

Some cues do not negate the threat at all: a negated hedge (「不是开玩笑」「不会手软」,
「别怪我不客气」, "not kidding", "won't hesitate") affirms it, and a negation of a negation
(「别以为我们不会」, "don't think we won't") is an affirmation. Both keep the hit.

>>> NEGATION.negated("我们不会联系您的家人", 4)
True
>>> NEGATION.negated("We will never threaten you with arrest: debt is a civil matter", 32)
True
>>> NEGATION.negated("别以为我们不会联系你的家人", 7)
False
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from fairdebt.compliance.screening.clauses import (
    CLAUSE_BREAK,
    CONTRAST,
    HAS_CJK,
    JIU_WORD,
    SENTENCE_END,
)
from fairdebt.compliance.screening.folding import fold, fold_chars
from fairdebt.compliance.screening.lists import forbids_conduct, reaches_through_list

__all__ = ["NEGATION", "Negation"]

_DASH = re.compile(r"\s[-–—－]+\s")
_WINDOW = 176
_GAP_ZH = 10
_GAP_EN = 32
_DROPPED = frozenset({"So", "Sk", "Cf", "Mn", "Me"})
#: A cue that does not negate the threat: a negated hedge affirms it.
_HEDGE = re.compile(
    r"\s*(?:(?:be |been |that |just |even )?(?:kidding|joking|bluffing|playing|hesitate|"
    r"hesitating|messing around|think twice|go easy|be nice|be polite|stop at|stop there|ask again|"
    # "Not paying a debt you have acknowledged is a criminal matter": the subject, not a denial.
    r"(?:paying|repaying) (?:a |the |your |this |that |it |back )|"
    # "I won't tell you twice", "I'm not saying it again": a warning, not a promise.
    r"tell you twice|say (?:it|this) (?:twice|again)|repeat (?:myself|it|this)|"
    r"warn you again|warn again|asking again|wait any ?longer|wait any ?more|wait forever|"
    r"be patient|saying|suggesting|stop us|stop me|prevent us|prevent me|keep us from|"
    # A consequence not stopped goes ahead: "losing your job doesn't stop a warrant".
    # (Any word: the window is not leet-folded, so "stop the b4il1ffs" must read the same.)
    r"stop (?:a |the |any |your )?(?:warrant|lawsuit|court case|case|arrest|bailiffs?|enforcement|"
    r"[a-z0-9$@!]+)|"
    # A negated escape is a promise of what follows ("you won't escape jail", "can't avoid court").
    r"(?:be able to )?(?:escape|avoid|dodge|evade|outrun|hide|get away|run from|get out of)|"
    # Nobody to rescue them is the threat: "No lawyer or court will save you from arrest".
    r"(?:be able to )?(?:save|rescue|protect|shield|get) you (?:from|out of)(?![a-z])|"
    # The debtor's own failure ("Didn't pick up our 15 calls today?") is no promise of ours.
    r"(?:pick(?:ing)? up|answer(?:ing)?|respond(?:ing)?|repl(?:y|ying)|return(?:ing)?|"
    r"get(?:ting)? back)"
    r"(?= (?:our|my|the|any|to|us|me)(?![a-z]))|"
    # "Please don't let this end up in court": the outcome named is the threat.
    r"let (?:this|it|that|things|matters|the (?:matter|account|debt|balance)) (?:end up|go|get|"
    r"come|escalate|turn into|reach)(?![a-z])|"
    # A wish denied is no promise: "I really don't want this to end up in court".
    r"(?:really )?want (?:this|it|that|things|matters|you|us|me|anyone)? ?to)|"
    r"是?(?:开玩笑|吓唬|吓你|说着玩|闹着玩|逗你|唬你)|(?:会|要)?(?:手软|客气|留情|放过|善罢甘休|罢休|"
    r"犹豫|心软|就这么算了|就此罢休|再等|等下去|再给你机会))"
)
#: A negation of a negation (「别以为我们不会」, "don't think we won't") affirms.
_DOUBLE = re.compile(
    r"(?:别以为|不要以为|唔好以为|咪以为|不要觉得|别觉得|别指望|不要指望|别想着|不信|"
    r"不代表|不意味着|并不意味着|(?<![a-z])(?:doesn t|does not|don t|do not) mean(?![a-z])|"
    r"(?<![a-z])(?:don t|do not|dont|never) (?:think|believe|assume|imagine|expect)(?![a-z])|"
    # "We'd rather not take it to court, but…" prefers, it does not promise.
    r"(?<![a-z])(?:rather|prefer(?: to)?)\s*$)"
)
#: A negation inside a condition on the debt ("if that balance isn't sorted by Friday the lads
#: will be round", 「如果这笔钱不还…」) is the condition's, not a promise about what follows: speech
#: has no comma to end the condition.
_CONDITION_SUBJECT = re.compile(
    # "If not, it'll stay on there for life and you'll be blacklisted" (round 122): "if not" is
    # "otherwise".
    r"(?<![a-z])if\s*$|"
    r"(?:(?<![a-z])(?:if|unless)\s+(?:(?:that|the|this|your|ur)?\s*"
    # An amount as the subject too: "if the £340's not in by Friday" (round 120).
    r"(?:balance|payment|debt|account|amount|money|bill|loan|arrears|[£$€¥]?\d[\d.,]*k?)s?|this|it|"
    r"we|i)"
    # "if this is not handled by Friday you are going to regret it"
    r"(?:\s+(?:is|was|has|has been|s))?|"
    r"(?:如果|要是|若是?|假如)(?:你的|您的|这笔)?(?:欠款|钱|账|款|借款|贷款))\s*$"
)
#: A question that suggests ("Why not grab a payday loan?", 「为什么不去借点还上」) affirms.
_SUGGESTION = re.compile(r"(?:(?<![a-z])why ?|为什么|为啥|干嘛|(?<![任如])何)$")
#: A modal negation reaches through "or" to a second verb ("you will not be arrested or go to
#: jail", "we can't sue or garnish"), a past or present one to a second phrase ("did not come
#: from us or from any court"), and "no" through "or" to a second noun ("No interest or
#: charges have been added"); after an imperative ("don't ignore this or face court") or before a
#: subject ("or we will…") "or" is the consequence, and ends the scope.
_MODAL_CUE = re.compile(
    r"(?<![a-z])(?:won t|wont|will not|would not|wouldn t|shall not|cannot|can t|did not|didn t|"
    r"does not|doesn t|"
    # "I'm not with any court or law enforcement agency" (round 132).
    r"(?:am|m|is|are|re|was|were) not|isn t|aren t|wasn t|weren t|"
    r"(?:will|would|shall|can|could) never|no|"
    # ("We never ask for gift cards or payments to a personal account", round 214.)
    r"(?:we|i|they|staff|agents?|collectors?|employees?) never|"
    # ("no legitimate debt collector may claim to be from … a sheriff's office or a court", 204.)
    r"no(?: [a-z]+){1,3} (?:will|would|shall|can|may)(?: ever)?)$"
)
#: "In any name, for any reason" inside a negation's reach (「不会以任何名义要求您…」).
_PRETEXT = re.compile(
    r"以任何(?:名义|名義|理由|形式|方式|借口|藉口)|"
    # 「不会通过微信要求您转账」 (round 118): the channel adds no clause either.
    r"通过(?:微信|微信号|电话|短信|QQ|qq|私信|邮件|郵件|任何渠道|任何方式|私人微信)|"
    # 「从未委托任何律师事务所向您发送律师函」 (round 139): whom we would commission, and to whom.
    r"(?:委托|委託|安排|指派|授权|授權)(?:任何|过|過)?[^，。！？,]{0,8}?(?:律师事务所|律師事務所|律所|律师|律師|"
    r"机构|機構|第三方|公司|人员|人員)(?:向|给|給|对|對)?(?:您|你)?"
)
#: A cause inside a negation's scope: 「不会因为…而…」, 「不会由于…而…」.
_CAUSE = re.compile(r"(?:因为|因為|由于|由於)[\u4e00-\u9fff ]{1,12}?(?:而|就)")
_COORDINATING_OR = re.compile(
    r"(?<![a-z])or (?!(?:else|we|you|i|they|he|she|it|your|our|then|otherwise)(?![a-z]))"
    r"(?=[a-z]|\s*$)"
)
#: Before a hit, in its clause: the customer's own worry, reported back to them (「你说担心我们联系
#: 你爸妈，这个你放心」, "you mentioned you're worried we'd call your mum"): their fear, not our
#: threat. Only when reported (说, 提到, said, mentioned): a bare 「你担心…吧」 can taunt.
_REPORTED_FEAR = re.compile(
    # The topic of the customer's worry (「关于您担心的考编政审问题：…」, round 183).
    r"关于(?:你|您)(?:所|一直|比较)?(?:担心|担忧|顾虑|害怕)的[^，。！？,.!?]{0,10}$|"
    # The customer's wish, reported back to them (「您之前说不希望我们打到公司」, round 209).
    r"(?:你|您)(?:之前|此前|刚才|剛才|上次)?(?:说|說|提到|表示|要求)(?:过|過)?"
    r"(?:不希望|不想|不愿意|不願意|别|別|不要)[^，。！？,.!?]{0,10}$|"
    r"(?:(?:你|您)[^，。！？,.!?]{0,6}?(?:说|提到|刚才说|之前说|说过|告诉我|跟我说)"
    # (「您提到在机关工作、担心影响政审」: what they told comes first, round 183.)
    r"(?:[^，。！？,.!?]{1,8}?[、\s])?|"
    # (「看到您视频里担心我们会联系您的亲友」, round 174: where it was said, after 看到.)
    r"(?:注意到|了解到|得知|听说|知道|理解|看到)(?:你|您)(?:此前|之前|一直|曾经|最近|"
    r"在?(?:视频|視頻|评论|評論|帖子|留言|私信|直播|笔记|筆記)(?:里|裡|中|区|區)?)?)"
    r"(?:你|您)?(?:很|比较|有点|一直|最)?(?:担心|害怕|怕|顾虑)[^，。！？,.!?]{0,10}$|"
    # The customer's own worry, reported with when or where it was told (round 160:
    # 「您在电话里担心我们会通知村委会」); a taunt has no such marker
    # (「你担心我们联系你家人吧？」).
    r"(?:你|您)(?:在电话里|在电话中|在来电中|在通话中|在留言中|在留言里|在信中|在邮件中|刚才|剛才|之前|此前|"
    r"上次|一直)[^，。！？,.!?]{0,6}?(?:很|比较|有点|最)?(?:担心|担忧|顾虑)[^，。！？,.!?]{0,10}$|"
    r"(?<![a-z])you (?:said|mentioned|told me|told us)(?: that)?(?: you(?: re| are| were)?)? "
    r"(?:worried|afraid|scared|concerned|nervous)(?: that| about)?[^,.!?;]{0,32}$"
)
#: Before a hit, in its clause: a question the customer or a relative asked, reported back ("you
#: asked whether missing payments could get you arrested", 「您问会不会被起诉」). It is theirs only
#: when the message answers it with a denial; "your sister asked whether this could end up in
#: court" left unanswered raises the threat.
_REPORTED_QUESTION = re.compile(
    # A reader's question in an explainer, its clause's whole head (round 134: "Can a lender text
    # your contacts about your debt? In short, no.").
    # … and the reader's own ("FAQ: Can I go to prison for not paying my loan? No.", round
    # 143).
    # (Not "we": "Should we call your wife or your boss first?" is a threat put as a question.)
    r"^\s*(?:q\s*)?(?:can|could|will|would|do|does|am|might|may) i(?: [a-z]+){0,3}\s*$|"
    r"^\s*(?:q\s*)?(?:can|could|may|might|will|would|do|does|is|are|should) "
    r"(?:a |an |the |any |my )?(?:debt )?(?:lenders?|collectors?|creditors?|compan(?:y|ies)|banks?|"
    r"agenc(?:y|ies)|platforms?|firms?|debt collection agenc(?:y|ies)|they)\s*$|"
    r"(?<![a-z])(?:you|your (?:[a-z]+ ){0,2}?[a-z]+|he|she|they|(?:a|the|any|if a|if the) "
    r"(?:consumer|customer|borrower|debtor|caller)s?) (?:asked|asks|ask|wondered|wanted to know|"
    r"were asking|was asking)"
    # ("You asked on the phone whether we'd 'send bailiffs round'", round 173.)
    r"(?: us| me)?(?: (?:on|in|over|during|by|at) (?:the |your |our |a )?[a-z]+)? (?:whether|if)"
    r"[^,.!?;]{0,48}$|(?:你|您)[^，。！？]{0,6}?(?:问|询问|問|詢問)"
    # 「您问征信报告上显示“呆账”是不是就是进了黑名单——不是的」: the question word may come late.
    r"(?:我们|我們)?[^，。！？]{0,16}?(?:是否|会不会|會不會|能不能|是不是|有没有|有沒有)"
    r"[^，。！？]{0,16}$|"
    # An FAQ's question, answered by a denial (round 170:
    # 「常见问题｜逾期会坐牢吗？答：…不会因此坐牢」).
    r"(?:常见问题|问题|问|問|q)[^，。！？]{0,12}?(?:会|會|能|可能|要)?\s*$"
)
#: A question quoted after "you asked us," is the reader's too (round 171: "You asked us, 'Are
#: you going to sue me for Frank's card?' No. We will not sue you"): its clause opens with a
#: question's verb and the clause before it ends in the asking.
_QUOTED_QUESTION = re.compile(
    r"^\s*(?:are|will|would|can|could|do|does|is|am|should|might|may) (?:you|they|we|i|it|he|she)"
    r"(?![a-z])"
)
_ASKED = re.compile(
    r"(?<![a-z])(?:you|he|she|they|your [a-z]+|(?:a|the) (?:consumer|customer|borrower)) "
    r"(?:asked|asks|wanted to know)(?: us| me)?\s*$"
)
#: An act named as the subject of a verdict on it: "Threatening jail is illegal under the
#: FDCPA" (round 184, "Threatenin jail"): the hit is what the act would say, condemned.
_CONDEMNED_ACT = re.compile(
    r"(?<![a-z])(?:threaten(?:ing|in)?|mention(?:ing|in)?|suggest(?:ing|in)?|imply(?:ing|in)?)"
    r"(?: (?:people|folks|customers?|consumers?|borrowers?|debtors?|anyone|someone|them|him|her)"
    r" with)?(?: (?:a|an|the))?(?: [a-z]+(?: or| and|,)){0,3}\s*$"
)
_CONDEMNED_AFTER = re.compile(
    r"(?:(?: or| and|,) [a-z ,]{1,40}?)?\s+(?:is|are|was|would be) "
    r"(?:strictly |completely |always )?(?:illegal|unlawful|prohibited|banned|forbidden|"
    r"not allowed|never allowed|against the law|a (?:violation|breach)|not permitted)(?![a-z])"
)
#: The answer to a reported question: a denial in the sentences after it.
_DENIAL = re.compile(
    # ("We can't discuss that here" declines to answer: the question stays open, round 174.)
    r"(?<![a-z])(?:no|not|never|won t|will not|isn t|don t|nobody|no one|(?:cannot|can t)"
    r"(?! (?:discuss|comment|talk|share|disclose|go into|say|confirm)))(?![a-z])"
    r"|不会|不能|没有|并非|不是|无需"
)
#: After a hit: a negated verb whose subject the hit is (a noun, maybe joined to another).
_SUBJECT_NEGATED = re.compile(
    # The joined word is a second subject, not a verb of the hit's own sentence ("you are
    # blacklisted and will never pass a credit check" affirms).
    r"(?:\s*(?:and|or|&)\s+(?!(?:they|we|i|you|he|she|it|will|would|shall|can|could|may|might|"
    r"must|should|is|are|was|were|be|been|has|have|had|do|does|did)(?![a-z]))[a-z]+|"
    r"(?:和|或|与|及)[\u4e00-\u9fff]{1,4})?(?:机关|部门|人员)?\s*"
    r"(?:(?:do not|don t|does not|doesn t|never|will never|won t|will not|cannot|can t|"
    r"are not allowed to|may not)(?![a-z])|不会|从不|从来不|绝不|不能|并不|不得|无权)"
    # "your kids' credit is not affected by your debt"
    r"|\s*(?:is not|isn t|are not|aren t|will not be|won t be)\s+(?:affected|impacted|touched|"
    r"harmed|at risk)(?![a-z])"
    # A rumour refuted after its noun: 「“催收黑名单”其实不存在」, "the 'blacklist' doesn't exist".
    r"|[”\"」』']?\s*(?:其实|根本|压根|并|完全)?(?:不存在|是假的|是谣言|纯属谣言)|"
    r"[”\"']?\s*(?:(?:simply|really|actually|just) )?(?:doesn t exist|does not exist|don t exist|"
    r"do not exist|isn t real|is not real|is a myth|are a myth)"
    # 「借新还旧只会让负担更重」, "… will only make things worse": the act advised against.
    r"|\s*(?:只会|只能|会)(?:让|使|令)?[\u4e00-\u9fff]{0,6}?(?:更重|更糟|更难|更多|恶化|加重|雪上加霜|"
    r"越滚越大|越来越重|越来越多|越来越难)"
    r"|\s*(?:will |would )?only makes? (?:it|things|matters|your (?:debt|situation|problems?))"
    r" worse"
    # "The nationwide credit bureaus do not include …": the institution named after the hit.
    r"|\s+(?:bureaus?|agencies|agency|companies|reporting agencies|reference agencies)\s+"
    r"(?:do not|don t|does not|doesn t|will not|won t|cannot|can t|never)(?![a-z])"
    # 「转个人账户我们无法入账」: the act refused in the hit's own clause.
    r"|\s*(?:我们|我司)?(?:无法|不能|不予|不会)(?:入账|接收|受理|确认|认可)"
    # "the blacklist comment was also false": a threat reported, then called untrue.
    r"|[”\"']?(?:\s+(?:comment|claim|remark|statement|threat|talk|story))?s?\s+(?:was|were|is|are)"
    r"\s+(?:also\s+)?(?:completely\s+|totally\s+|simply\s+)?(?:false|untrue|not true|a lie|made up)"
)
#: After a hit, in its sentence: the act just denied promised after all, its verb left out
#: ("We haven't told your employer yet, but we will on Monday", 「暂时还没通知你单位，但我们会的」).
_REVIVED = re.compile(
    r"[^.!?。！？;；]{0,30}?(?:\s|[,，])(?:but|however|though)\s+(?:we|i)\s+"
    r"(?:will|ll|shall|are going to|re going to|might|may|could|can)"
    r"(?:\s+(?:do (?:it|so|that)|soon|tomorrow|today|later|eventually|now|next \w+|on \w+|by \w+|"
    r"if\b[^.!?]*|unless\b[^.!?]*))?\s*(?:[.!?,;]|$)"
    r"|[^。！？；]{0,16}?(?:但|但是|不过)(?:我们|我司|我)(?:会|将|要|可能|随时)(?:的|这么做|这样做)?"
    r"\s*(?:[。！？，；]|$)"
)
#: After a hit, to the end of its sentence: our own negation of the act just named, its verb
#: left out ("…too old for us to sue you over, and we won't.", 「…起诉您？我们不会。」). A
#: condition after it ("but we won't if you pay today") keeps the hit.
_ELLIPSIS_NEGATED = re.compile(
    r"[^.!?。！？;；]{0,40}?[,，]?\s*(?:and|but|which|though)?\s*(?:we|i) (?:won t|will not|"
    r"will never|would not|wouldn t|never will|do not|don t)(?: do (?:that|so|it))?(?: ever)?"
    r"\s*(?:[.!。！]|$)|[^。！？；]{0,20}?[，,]?(?:但)?(?:我们|我司|本公司)(?:不会|绝不会|也不会)"
    r"(?:这样做|这么做)?\s*(?:[。！]|$)"
    # The hit as what we cannot speak to, in its own clause: 「政审的具体标准我没法替有关部门回答」
    # claims nothing about the review ("我没法帮你" is not among these verbs).
    # 「…去别的平台借钱还这一笔，这样很容易越滚越大」: the act named, then its harm.
    r"|[^。！？；]{0,24}?[，,]\s*(?:这样|这么做|这种做法|這樣)(?:很|非常)?(?:容易|只会|會|会)(?:让|使)?"
    r"[^。！？，]{0,6}?(?:越滚越大|越滾越大|雪上加霜|更重|更糟|恶化|陷入)"
    r"|[^。！？；，,]{0,20}?(?:我|我们|我們|我司)?(?:没法|沒法|无法|無法|不能|不便)"
    r"(?:替[^，。！？]{1,8}?)?(?:回答|答复|答覆|解答|评论|評論|判断|判斷)"
)
_DEFAULT_CUES = (
    "不会|不得|不能|无权|绝不|决不|不可能|不再|并未|并不|从未|从不|没有|无需担心|不用担心|不必担心|"
    "不是|不将|切勿|请勿|不要|严禁|禁止|谨防|警惕|勿会|唔会|袂"
)


class Negation:
    """Negation cues and the words that end their scope, compiled once per lexicon."""

    def __init__(self, cues: Sequence[str], breaks: Sequence[str]) -> None:
        self.cues = re.compile("|".join(f"(?:{c})" for c in cues) or "(?!)")
        self.breaks = re.compile("|".join(f"(?:{b})" for b in breaks) or "(?!)")

    def negated(self, text: str, start: int, end: int | None = None) -> bool:
        """True when a negation in the same clause governs the hit that starts at ``start``;
        with ``end``, also when the hit is the subject of a negated verb right after it
        ("Police and courts don't call to collect debts", 「公安机关不会打电话催收」) or our own
        negation ends its sentence, the verb left out ("…to sue you over, and we won't.")."""
        if end is not None and (
            # Only inside the hit's own clause: 「弄死你。不会有人知道」 is not 「公安机关不会…」.
            _SUBJECT_NEGATED.match(
                fold_chars(
                    # A spaced dash starts a new clause too: "on the lenders' blacklist - can't
                    # get a phone contract" (round 203) is no blacklist that cannot get one.
                    _without_symbols(_DASH.split(CLAUSE_BREAK.split(text[end : end + 24], 1)[0])[0])
                )
            )
            or _ELLIPSIS_NEGATED.match(text[end : end + 64].lower().replace("'", " "))
        ):
            return True
        if end is not None and _REVIVED.match(fold_chars(text[end : end + 64]).replace("'", " ")):
            return False
        if (
            end is not None
            and _CONDEMNED_ACT.search(fold_chars(text[max(0, start - 48) : start]).lower())
            and _CONDEMNED_AFTER.match(fold_chars(text[end : end + 64]).lower())
        ):
            return True
        # Emoji, joiners and variation selectors are dropped first: 「不🙂会🙂告🙂诉」 is negated.
        before = _without_symbols(text[max(0, start - 3 * _WINDOW) : start])[-_WINDOW:]
        # A cue may run into the hit: in 「不会起诉」 the threat pattern starts at 会.
        after = _without_symbols(text[start : start + 48])
        # Only the hit's own sentence after it: folding turns the full stop into a space.
        end_of_sentence = SENTENCE_END.search(after)
        if end_of_sentence is not None:
            after = after[: end_of_sentence.start()]
        window = fold_chars(before + after)
        folded_before = len(before)
        # The folded window has no punctuation left (one character for one): the clause is
        # found in the original ("You asked whether … arrested. Yes: you will be arrested" is
        # answered, not asked).
        clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(before)), default=0)
        if _REPORTED_FEAR.search(window[clause_start:folded_before]):
            return True
        clause = window[clause_start:folded_before]
        if _REPORTED_QUESTION.search(clause) or (
            _QUOTED_QUESTION.match(clause) and _ASKED.search(window[:clause_start])
        ):
            # The answer may start in the question's own sentence ("…, the answer is: 'No. …'").
            stop = SENTENCE_END.search(text, start)
            answer = text[end or start : stop.end() + 160] if stop is not None else ""
            if _DENIAL.search(fold_chars(answer)):
                return True
        # A bare 没 negates only the word it touches (「利息没翻倍」); 「也没事，微信转账也可以」 is
        # "no problem", not a negation of what follows.
        cues = [
            m
            for m in self.cues.finditer(window)
            if m.start() < folded_before and (m.group() != "没" or m.end() == folded_before)
        ]
        # The cue that governs is the last one before the hit.
        if cues:
            cue = cues[-1]
            between = window[cue.end() : folded_before]
            original_between = before[cue.end() :]
            if _HEDGE.match(window, cue.end()):
                return False
            gap = _GAP_ZH if HAS_CJK.search(between + after[:2]) else _GAP_EN
            if _MODAL_CUE.search(window[max(0, cue.start() - 8) : cue.end()]):
                between = _COORDINATING_OR.sub("   ", between)
            # 「不会因为暂时还不上而坐牢」: the cause between 因为 and 而 is inside the negation.
            between = _CAUSE.sub(lambda m: " " * len(m.group()), between)
            # 「我行不会以任何名义要求您转账」: "in any name" adds no clause.
            between = _PRETEXT.sub(lambda m: " " * len(m.group()), between)
            # What a negated speech verb introduces is its content: in "never tell a guarantor
            # they'll be blacklisted" "they'll" is not a new clause of ours.
            contrast = _REAL_CONTRAST if _NEGATED_SPEECH.match(between) else CONTRAST
            # "we will not, and cannot, take court action": the cue opens a parenthesis whose
            # closing comma does not end its scope.
            # Its letters read folded (capitals, full width), its commas in the original.
            head = "".join(
                o if o in ",，" else w for o, w in zip(before[: cue.start()], window, strict=False)
            )
            if _PARENTHESIS.search(head):
                original_between = _CLOSING_COMMA.sub("", original_between, count=1)
            if (
                len(between.replace(" ", "")) > gap
                or CLAUSE_BREAK.search(original_between)
                or self._breaks(between, window[folded_before:])
                or contrast.search(between)
            ) and not reaches_through_list(
                window,
                cue.start(),
                cue.end(),
                folded_before,
                contrast,
                forbids_conduct(window, before, cue.start(), cue.end()),
                original_between,
            ):
                return False
            # The clause is found in the original (the folded window has no stops): in
            # 「…的说法不代表公司立场。我们不会上门」 the 不代表 is another sentence's.
            left = max((m.end() for m in CLAUSE_BREAK.finditer(before, 0, cue.start())), default=0)
            clause = window[left : cue.start()]
            return not (
                _DOUBLE.search(clause)
                or _SUGGESTION.search(clause.rstrip())
                or _CONDITION_SUBJECT.search(clause.rstrip())
            )
        return False

    def _breaks(self, between: str, rest: str) -> bool:
        """A word that ends the scope in ``between``, read with what follows in view: the "or"
        of "not added any collection or recovery fees" joins two nouns."""
        return any(m.start() < len(between) for m in self.breaks.finditer(between + rest))

    def pair_negated(self, original: str, view: str, *starts: int, end: int | None = None) -> bool:
        """True when a negation governs either slot of a pair, in the original or the view.

        The view counts too because emoji, symbols and spelling tricks between the words are gone
        from it ("won't 😡 ruin your credit forever", "w0n't ruin"); but it has no punctuation
        either, so it is read only within the slot's own clause of the original: in "If we don't
        hear from you by Thursday, our next call will be to your manager" the negation is the
        condition's. ``starts`` are two original then two view positions; ``end``, where the pair
        ends in the original, lets a negated verb after it count ("your kids' credit is not
        affected").
        """
        a, b, at_a, at_b = starts
        # The clause's own view is folded only when the whole view finds a negation (rarely).
        return (
            self.negated(original, a)
            or self.negated(original, b, end)
            or (self.negated(view, at_a) and self._negated_in_clause_view(original, view, a, at_a))
            or (self.negated(view, at_b) and self._negated_in_clause_view(original, view, b, at_b))
        )

    def _negated_in_clause_view(self, original: str, view: str, at: int, view_at: int) -> bool:
        """``negated`` on the folded words of the slot's clause, up to the slot, then the view.

        Chinese keeps the whole view's reading: a clause folded on its own does not join the
        characters its separators split (「不-会-将」) as the whole text's view does.
        """
        left = max((m.end() for m in CLAUSE_BREAK.finditer(original, 0, at)), default=0)
        if HAS_CJK.search(original[left:at]):
            return True
        clause = fold(original[left:at]).words_text
        if clause:
            clause += " "
        return self.negated(clause + view[view_at : view_at + 64], len(clause))


#: After a negation cue: a speech verb whose content follows (not said to "you": "I won't tell
#: you twice, we'll be at your door" is two clauses).
_NEGATED_SPEECH = re.compile(
    r"\s*(?:ever\s+)?(?:tell|say|suggest|imply|claim|threaten|mention|state|hint|promise|warn)"
    r"(?:s|ed)?(?![a-z])(?!\s+(?:you|u|ya)(?![a-z]))"
)
#: A contrast proper (a new subject with a modal is content after a speech verb).
_REAL_CONTRAST = re.compile(
    r"而是|但是|但|却|反而|(?<![a-z])(?:but|instead|rather|however|though)(?![a-z])"
)
#: Before a cue: a parenthesis opened after a first negation ("will not, and cannot, …").
_PARENTHESIS = re.compile(
    # (round 139: "We have not applied for, and will not seek, a charging order").
    r"(?<![a-z])(?:not|never|cannot|can t|won t)(?:\s+[a-z]+){0,2}\s*[,，]\s*(?:and|or|nor)"
    r"(?:\s+(?:will|would|shall|can|do|does|did|have|has|had|are|is))?\s*$"
)
#: The comma that closes it, right after the second cue or its verb ("will not seek, a …").
# (Read on the original, so a word is any run without a space or a stop: full-width letters too.)
_CLOSING_COMMA = re.compile(r"^(?:\s+[^\s,，.。;；:：]+){0,2}\s*[,，]")


class _Symbols(dict[int, int | None]):
    """A translation table that drops what :func:`_without_symbols` drops, filled as code points
    are first seen (None deletes a character; a code point kept maps to itself)."""

    def __missing__(self, key: int) -> int | None:
        value = None if unicodedata.category(chr(key)) in _DROPPED else key
        self[key] = value
        return value


_SYMBOLS = _Symbols()


def _without_symbols(text: str) -> str:
    """``text`` without emoji, other symbols (currency signs kept), joiners and combining marks."""
    return text.translate(_SYMBOLS)


#: Negation with the shipped cues (the lexicon files' own are used when screening).
NEGATION = Negation(
    [
        _DEFAULT_CUES,
        r"(?<![a-z])(?:not|never|no longer|cannot|can t|won t|wont|don t|dont|doesn t|didn t|"
        r"isn t|aren t|ain t|aint|nor)(?![a-z])",
    ],
    [
        f"还|付|缴|就(?!{JIU_WORD})|则|否|如果|要是|若|的话",
        r"(?<![a-z])(?:if|unless|pay|repay|paid|then|otherwise|or|until|before)(?![a-z])",
    ],
)
