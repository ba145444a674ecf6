"""The screening lexicon: phrases and patterns for the twelve categories, in Chinese and English.

This module is data. Each entry says which category it evidences, whether a hit blocks the message
or sends it to review, on which account facts it depends, and whether it mentions legal action
(any such mention is category Q on a time-barred debt). Four kinds of entry:

- ``ZH_PHRASES``: literal Chinese phrases, matched on the pinyin view, so that traditional
  characters, spacing tricks, spelled-out pinyin (「zuo lao」), mixtures (「hei名单」) and, where
  ``homophones`` allows, homophone characters (「做劳」) all hit;
- ``ZH_PATTERNS``: regular expressions over the compact Chinese view (simplified, lower case, no
  separators), for phrases with slots (「我是XX区法院的」);
- ``EN_PATTERNS``: regular expressions over the English word view (lower case, one space between
  words, apostrophes as spaces: "won t"), wrapped in word boundaries when compiled.
- ``COMPOSITIONS``: pairs of slot classes (a disclosure verb and a third party of the debtor's, a
  harm verb and a body part) that count when both occur close together in one sentence, so a
  family of wording is caught rather than one sentence of it.

``TRUTHFUL`` lists the formulas of lawful notices (「按规定报送征信」, "the law limits how long you
can be sued") inside which no hit counts. The phrases follow RULES.md §4 and the CBA 2026 list of
prohibited conduct; they are a seed, and the review queue is where new ones are found.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COMPOSITIONS",
    "EN_PATTERNS",
    "INITIALS",
    "NEGATION_EN",
    "NEGATION_ZH",
    "TRUTHFUL_EN",
    "TRUTHFUL_ZH",
    "ZH_PATTERNS",
    "ZH_PHRASES",
    "Composition",
    "Entry",
]

#: Fact conditions an entry can carry: ``always``; ``no_legal`` (silent when a judgment exists or
#: legal action is intended: a true notice); ``no_judgment`` (silent when a judgment exists:
#: enforcement is then lawful); ``third_party`` (only when the recipient is not the consumer).
CONDITIONS = ("always", "no_legal", "no_judgment", "third_party", "cjk")


@dataclass(frozen=True, eq=False)
class Entry:
    """What a hit of one phrase or pattern means (compared by identity: each entry is one rule)."""

    category: str
    action: str = "block"
    when: str = "always"
    legal: bool = False
    negatable: bool = True
    homophones: bool = True


def _e(category: str, action: str = "block", when: str = "always", **flags: bool) -> Entry:
    return Entry(category, action, when, **flags)


# --- Chinese literal phrases (pinyin view) -------------------------------------------------------

ZH_PHRASES: list[tuple[Entry, tuple[str, ...]]] = [
    (
        _e("V"),
        (
            "弄死你",
            "整死你",
            "打死你",
            "砍死你",
            "杀了你",
            "宰了你",
            "捅死你",
            "弄死你全家",
            "打断你的腿",
            "打断你腿",
            "打断腿",
            "卸你一条腿",
            "废了你",
            "打残你",
            "断手断脚",
            "小心你家人",
            "小心你的家人",
            "小心你老婆",
            "小心你孩子",
            "小心你的孩子",
            "小心你爸妈",
            "找人收拾你",
            "上门收拾你",
            "找人弄你",
            "找人砍你",
            "让你好看",
            "出门小心",
            "走夜路小心",
            "泼硫酸",
            "泼汽油",
            "烧你房子",
            "放火烧",
            "你孩子在哪上学",
            "你孩子在哪读书",
            "知道你住哪",
            "知道你住在哪",
            "知道你家在哪",
            "血债血偿",
            "让你见血",
            "你的人身安全",
            "死全家",
        ),
    ),
    (_e("V", "review"), ("后果自负", "走着瞧", "等着瞧", "别怪我不客气", "给你点颜色看看")),
    # Criminal consequences: a civil debt does not send anyone to prison (CBA 2026: 夸大法律后果).
    (
        _e("L"),
        (
            "坐牢",
            "坐大牢",
            "蹲大牢",
            "蹲监狱",
            "吃牢饭",
            "进监狱",
            "关进监狱",
            "送进监狱",
            "判刑",
            "判你刑",
            "刑事责任",
            "追究刑事责任",
            "刑事拘留",
            "拘留你",
            "行政拘留",
            "逮捕",
            "抓你",
            "上门抓人",
            "抓人",
            "警察上门",
            "公安上门",
            "网上通缉",
            "全网通缉",
            "涉嫌诈骗",
            "诈骗罪",
            "信用卡诈骗",
            "恶意透支",
            "立案侦查",
            "刑事立案",
            "经侦立案",
            "经济犯罪",
            "诈骗犯",
            "劳改",
            "蹲号子",
            "进局子",
            "牢狱之灾",
            "留案底",
            "案底",
            "坐监",
            "移交公安",
            "报警抓你",
            "刑事案件",
        ),
    ),
    (_e("L", "review"), ("监狱", "大牢", "牢房", "看守所")),
    # Enforcement exists only after a judgment.
    (
        _e("L", when="no_judgment", legal=True),
        (
            "强制执行",
            "查封你",
            "查封房产",
            "扣押",
            "拍卖你的",
            "法院已判决",
            "判决已生效",
            "已经判决",
            "败诉",
            "冻结你的银行卡",
            "冻结银行卡",
            "冻结你所有",
            "冻结你的账户",
            "冻结账户",
            "冻结微信",
            "冻结支付宝",
            "冻结社保",
            "冻结工资",
            "冻结财产",
        ),
    ),
    (
        _e("L", when="no_legal", legal=True),
        (
            "已起诉",
            "已经起诉",
            "已立案",
            "已经立案",
            "已移交法院",
            "已提交法院",
            "移交司法",
            "法院见",
            "上法庭",
            "吃官司",
            "起诉你",
        ),
    ),
    (
        _e("L", "review", when="no_legal", legal=True),
        (
            "起诉",
            "诉讼",
            "法院",
            "法庭",
            "开庭",
            "仲裁",
            "法律程序",
            "法律手段",
            "司法程序",
            "法律途径",
        ),
    ),
    (_e("I"), ("拘传", "协查通知", "公安协查")),
    (
        _e("I", when="no_legal", legal=True),
        ("律师函", "律师信", "法院传票", "传票", "司法文书送达"),
    ),
    (_e("I", "review", when="no_legal", legal=True), ("律师事务所", "法务部", "法务专员")),
    (
        _e("B"),
        (
            "黑名单",
            "全国黑名单",
            "征信黑名单",
            "拉黑名单",
            "征信永久",
            "征信黑了",
            "征信花了",
            "征信烂了",
            "征信废了",
            "永久黑",
            "影响子女",
            "影响孩子",
            "影响你孩子",
            "影响您子女",
            "子女上学",
            "子女考公",
            "孩子考公",
            "政审",
            "考公",
            "坐不了飞机",
            "坐不了高铁",
            "不能坐飞机",
            "不能坐高铁",
            "一辈子贷不了款",
            "一辈子买不了房",
            "终身不能贷款",
            "全国联网通报",
            "所有银行拉黑",
        ),
    ),
    (
        _e("B", when="no_judgment", legal=True),
        (
            "失信人名单",
            "失信被执行人",
            "老赖名单",
            "限制高消费",
            "限高",
        ),
    ),
    (
        _e("T"),
        (
            "爆通讯录",
            "爆你通讯录",
            "打爆通讯录",
            "爆你的通讯录",
            "通讯录轰炸",
            "群发通讯录",
            "找你领导",
            "找你单位",
            "去你单位",
            "去你公司",
            "到你公司",
            "上你单位",
            "单位领导",
            "你领导",
            "家族群",
            "公司群",
            "同学群",
            "朋友圈曝光",
            "曝光你",
            "发朋友圈",
            "发到朋友圈",
            "挂到网上",
            "网上曝光",
            "身败名裂",
            "社死",
            "社会性死亡",
            "让大家都知道",
            "让所有人知道",
        ),
    ),
    (_e("T", "review"), ("通讯录", "你的同事", "你的亲戚", "你的父母", "你爸妈")),
    (
        _e("P"),
        (
            "爆通讯录",
            "爆你通讯录",
            "发到朋友圈",
            "发朋友圈",
            "p图",
            "ps图",
            "ps你",
            "合成照片",
            "合成裸照",
            "裸照",
            "艳照",
            "色情图",
            "通缉令",
            "做成通缉令",
            "讣告",
            "黑白照",
            "公布你的身份证",
            "公布你的住址",
            "公布你的照片",
            "公布你的信息",
            "公布你的隐私",
            "曝光你的身份证",
            "曝光你的照片",
            "曝光你的信息",
            "曝光你的隐私",
            "泄露你的",
            "爆你隐私",
            "人肉你",
        ),
    ),
    (
        _e("A", negatable=False),
        (
            "老赖",
            "辣鸡",
            "拉圾",
            "傻逼",
            "傻b",
            "煞笔",
            "沙比",
            "傻叉",
            "傻x",
            "脑残",
            "不要脸",
            "臭不要脸",
            "畜生",
            "畜牲",
            "王八蛋",
            "狗东西",
            "狗日的",
            "贱人",
            "贱货",
            "婊子",
            "全家死",
            "去死",
            "滚蛋",
            "草泥马",
            "操你妈",
            "操你",
            "你妈的",
            "他妈的",
            "尼玛",
            "人渣",
            "死皮赖脸",
            "无赖",
            "下贱",
            "没脸没皮",
            "龟孙",
            "孙子你",
            "臭婊子",
            "杂种",
            "死全家",
        ),
    ),
    (
        _e("H"),
        (
            "呼死你",
            "电话轰炸",
            "短信轰炸",
            "轰炸你",
            "轰炸",
            "打到你接为止",
            "打到你接",
            "打到你还为止",
            "打爆你电话",
            "打爆你的电话",
            "打爆电话",
            "轮番轰炸",
            "不停地打",
            "一直打到",
            "天天打你",
            "每天打你",
            "每天打到",
            "泼油漆",
            "喷漆",
            "喷字",
            "刷标语",
            "寄冥币",
            "冥币",
            "花圈",
            "送花圈",
            "寄花圈",
            "哀乐",
            "跟踪你",
            "天天上门",
            "每天上门",
            "堵你家门",
            "堵门",
            "蹲守",
            "断水断电",
            "泼粪",
            "骚扰你",
            "堵你",
            "上门堵",
            "去你家门口",
        ),
    ),
    (
        _e("F"),
        (
            "以贷养贷",
            "撸口子",
            "借网贷",
            "网贷还",
            "套现还",
            "刷信用卡还",
            "借钱还我们",
            "借钱来还",
            "借款来还",
            "借点钱还",
            "找朋友借",
            "找亲戚借",
            "个人账户",
            "私人账户",
            "个人账号",
            "私人账号",
            "个人银行卡",
            "私人银行卡",
            "个人卡",
            "私人卡",
            "个人支付宝",
            "私人支付宝",
            "转到我卡上",
            "打到我卡上",
            "转我微信",
            "转我支付宝",
        ),
    ),
    (_e("F", "review"), ("借新还旧", "下款", "微信转账", "支付宝转账")),
    (
        _e("M"),
        (
            "翻倍",
            "翻番",
            "利滚利",
            "驴打滚",
            "催收费",
            "上门费",
            "外访费",
            "违约金翻倍",
            "罚息翻倍",
            "天价",
            "欠款翻",
            "欠款涨到",
        ),
    ),
    (_e("M", "review"), ("额外费用", "加收额外", "加收未约定")),
    (_e("C"), ("私聊", "私人手机", "私人号码", "私人电话", "个人手机号", "别问我是谁")),
]

# --- Chinese patterns (compact view) ------------------------------------------------------------

_YOU = "(?:你|您)"
_ME = "(?:我|我们|这里|这边|本人|我方|这是|此为)"
_AUTHORITY = (
    "(?:人民法院|法院|公安局|公安|派出所|检察院|警察|民警|警方|警官|法官|执行局|经侦|刑警|"
    "司法局|司法机关|政府|网警|国安)"
)
_PEOPLE = (
    "(?:联系人|亲戚|亲友|亲人|朋友|同事|家人|家里人|父母|爸妈|老婆|老公|领导|上司|单位|公司|"
    "老板|hr|人事|村委会|居委会|学校|老师|邻居|所有人|通讯录|好友|微信好友|表哥|表姐|表弟|表妹|"
    "堂哥|堂姐|哥哥|姐姐|弟弟|妹妹|舅舅|叔叔|阿姨|姑姑|岳父|岳母|公公|婆婆)"
)

ZH_PATTERNS: list[tuple[Entry, str]] = [
    (
        _e("V"),
        f"(?:知道|查到|找到){_YOU}(?:家|住|的住址|的地址|孩子|小孩|老婆|父母|爸妈).{{0,6}}"
        "(?:哪|在|学校|地址|上学)",
    ),
    (_e("V"), f"(?:弄|整|打|砍|捅)死{_YOU}"),
    (_e("L"), f"(?:让|送|把){_YOU}(?:去)?(?:坐牢|进去|蹲|吃牢饭)"),
    (_e("L"), "(?:已经|已|马上|立即|即将)(?:被)?(?:报警|立案|刑事)"),
    (_e("L"), "涉嫌.{0,6}?(?:诈骗|犯罪|违法|透支|洗钱)"),
    (
        _e("L", when="no_legal", legal=True),
        f"(?:将|会|要|马上|立即|立刻|准备|即将|直接|就)(?:对{_YOU}|向法院|依法)?(?:提起)?"
        "(?:起诉|诉讼|上诉|告)",
    ),
    (_e("L", when="no_legal", legal=True), "(?:采取|启动|走)(?:法律|司法)(?:手段|程序|途径|措施)"),
    (_e("I"), f"{_ME}(?:是|系|来自|代表|就是)?.{{0,8}}?{_AUTHORITY}(?:的|工作人员|通知)"),
    (_e("I"), f"{_ME}(?:是|系|来自|代表|就是){_AUTHORITY}"),
    (_e("I"), f"{_AUTHORITY}(?:通知{_YOU}|找{_YOU}|已经介入|已介入)"),
    (_e("I", "review", when="no_legal", legal=True), f"{_ME}(?:是|系)?.{{0,4}}律师"),
    (
        _e("T"),
        f"(?:通知|告诉|联系|打给|打电话给|找|发给|群发给?|曝光给|上门找){_YOU}?(?:的)?"
        f"(?:所有|全部|每个)?(?:的)?{_PEOPLE}",
    ),
    (_e("T"), f"(?:打|爆|发|轰炸){_YOU}?(?:的)?(?:所有|全部)?(?:联系人|通讯录|亲戚|亲友|同事)"),
    (_e("P"), "(?<![a-z])ps?(?:图|你|照片)"),
    (
        _e("P"),
        f"(?:公布|曝光|泄露|发布|散布){_YOU}?(?:的)?(?:身份证|住址|地址|照片|信息|电话|"
        "个人信息|隐私|家庭住址|工作单位)",
    ),
    (
        _e("A", negatable=False),
        "(?:这种|你这种|你这个|你就是|你是|你个|你真是|你这|真是个|就是个|您就是|您是|您这种)"
        "(?:个|一个|一条|条|只)?"
        "(?:骗子|废物|垃圾|人渣|败类|无赖|赖子|白痴|蠢货|蠢猪|猪|狗|混蛋|傻子|神经病|"
        "窝囊废|穷鬼|穷逼|loser)",
    ),
    (
        _e("H"),
        f"(?:每天|天天|每小时|24小时|不停|一直|反复)(?:都)?(?:给{_YOU}|打{_YOU}|打到|打给|"
        "上门|发短信|打电话|call)",
    ),
    (
        _e("F"),
        "(?:去|到|找|上|从|在)(?:其他|别的|另外|另一个|另一家|别家|其它|各个|各大|别处|外面)"
        "(?:的)?(?:平台|网贷|app|贷款|借贷|银行|信用卡|口子|地方|人)?.{0,4}(?:借|贷|套现|刷|撸)",
    ),
    (_e("F"), "(?:去|找)(?:网贷|口子|高利贷|小贷)"),
    (
        _e("F"),
        "(?:转|打|汇|付|存|还)(?:款|钱|账)?(?:到|给|进|入)(?:我|本人|我的)(?:的)?"
        "(?:个人|私人)?(?:账户|账号|卡|银行卡|微信|支付宝|收款码)",
    ),
    # The lender's own QR code is lawful; a collector's own is a private payment.
    (_e("F"), "(?:扫|加|用)(?:我|我的)(?:的)?(?:微信|支付宝)?(?:收款码|二维码)"),
    (_e("F", "review"), "(?:个人|私人)?收款码"),
    (
        _e("L", when="no_legal", legal=True),
        "(?:去|要|会|将|就|马上|我们|我要|法院|法庭)告(?:你|您)",
    ),
    (
        _e("F"),
        "(?:交|缴|付|支付|转|先交|先付).{0,6}?(?:加急费|手续费|服务费|处理费|"
        "解冻费|减免费|保证金|工本费|通道费|激活费|验证费|销案费|撤诉费)",
    ),
    (_e("F"), f"(?:交|缴|付|转).{{0,8}}就(?:给{_YOU}|可以|能)?(?:减免|免除|撤销|销案|撤诉|消除)"),
    (_e("M"), "(?:欠款|债务|本金|金额|利息|罚息)(?:已经|已|会|将|马上)?(?:翻|涨到|暴涨)"),
    (_e("M"), "(?:变成|变为|涨了|涨到|翻了|成了)(?:几|两|三|四|五|十|百|\\d)+倍"),
    (_e("M"), "每天(?:加收|增加|多收|罚)"),
    (_e("C"), "(?:加|添加)(?:我|我的)(?:私人|个人)(?:微信|wx|vx|v信|qq|whatsapp|电报)"),
    (_e("C", "review"), "(?:加|添加)(?:我|我的)(?:微信|wx|vx|v信|qq|whatsapp|电报)"),
    (_e("C"), "(?:加|添加|私)(?:个|下|一下|我)?(?:vx|v信|wx|薇信|徽信|qq)"),
    (
        _e("C", negatable=False),
        "(?:不方便|不能|无法|不可以|不会)(?:透露|告诉你|说)(?:我们|我)?(?:是)?"
        "(?:公司|单位|机构|身份|名字|工号|哪家|哪里|我是谁|是谁)",
    ),
    (_e("C", negatable=False), "(?:你不用管|别管|不用问|别问)(?:我|我们)是(?:谁|哪)"),
    # Disclosure to a third party: the debt, its amount or its age (GB/T 45251-2025; CBA 2026).
    (
        _e("T", when="third_party", negatable=False),
        "欠(?:款|钱|债|了|我|贷|费|下|着|账)|拖欠|逾期|未还|没还|不还|借款|贷款|借了|借钱|账单|"
        "催收|[$¥£€]\\d|\\d+(?:元|块|万|千|美元|rmb)|人民币",
    ),
    (_e("T", "review", when="third_party", negatable=False), "还款|还钱|债务"),
]

#: Pinyin initials used as insults or as a shorthand for a threat, matched as whole Latin words
#: in messages that contain Chinese (in English "SB" is also a bill number).
INITIALS: list[tuple[Entry, str]] = [
    (_e("A", negatable=False), "sb|nmsl|cnm|wcnm|nmb|tmd|mlgb|cnmb|nmd|rnm|sbwan|2b"),
    (_e("L", "review", negatable=False), "zl|zuol"),
    (_e("B", "review", negatable=False), "hmd"),
    (_e("T", "review", negatable=False), "txl"),
]

# --- English patterns (word view) ----------------------------------------------------------------

_WE = r"(?:we|i|they|our (?:office|team|agents?|collectors?|company|lawyers?))"
_WILL = (
    r"(?: will| ll| are going to| re going to| am going to| m going to| gonna| shall| intend to|"
    r" plan to| are about to| re about to| have decided to| will have to| must)"
)
_FAMILY = r"(?:family|kids|children|child|wife|husband|son|daughter|mother|mom|father|dad|parents)"
_THIRD = (
    r"(?:employer|boss|manager|supervisor|hr|human resources|coworkers|co workers|colleagues|"
    r"family|relatives|friends|neighbou?rs|contacts|parents|wife|husband|everyone you know|"
    r"everybody you know|church|school|landlord)"
)

EN_PATTERNS: list[tuple[Entry, str]] = [
    # V: violence or its threat (FDCPA 806(1); 1006.14(c)).
    (_e("V"), r"(?:kill|hurt|harm|beat|shoot|stab) (?:you|your " + _FAMILY + r")"),
    (_e("V"), r"break your (?:legs?|arms?|neck|bones|face|knees?)"),
    (
        _e("V"),
        r"(?:we|i) know where (?:you|your " + _FAMILY + r") (?:live|lives|work|works|go|goes)"
        r"(?: to school)?",
    ),
    (_e("V"), r"something (?:bad )?(?:will|could|might|may|is going to) happen to (?:you|your)"),
    (
        _e("V"),
        r"watch your back|beat you up|burn (?:down )?your (?:house|car|home)|"
        r"you(?: will| ll)? (?:get|be) hurt|pay a visit to your " + _FAMILY,
    ),
    (_e("V", "review"), r"you(?: will| ll) (?:regret|be sorry)|or else"),
    # L: false criminal consequences (FDCPA 807(4),(5),(7)); never true of a civil debt.
    (
        _e("L"),
        r"arrest(?:ed)?|warrant|jail|prison|imprison(?:ed|ment)?|locked up|behind bars|"
        r"criminal (?:charges?|case|record|prosecution|complaint|proceedings?)|"
        r"(?:committed|charged with|guilty of|commit) (?:a )?(?:fraud|crime|theft)|"
        r"(?:police|sheriff|cops|officers?) (?:will|are going to|are coming|is coming)|"
        r"(?:send|call|get) (?:the )?(?:cops|police|sheriff)",
    ),
    (
        _e("L", when="no_judgment", legal=True),
        r"garnish(?:ed|ing|ment)? (?:of )?your (?:wages?|pay|salary|paycheck|bank)|"
        r"(?:wages?|salary|pay|paycheck|bank accounts?|car|house|home|property) "
        r"(?:will|would|is going to|are going to|can) be (?:garnished|seized|repossessed|frozen|"
        r"taken)|"
        r"(?:seize|repossess|take|freeze|levy) your (?:car|house|home|property|wages?|"
        r"bank accounts?|"
        r"accounts?|assets|benefits)|bailiffs?|enforcement officers?|"
        r"(?:ccj|county court judgment|judgment) (?:has been|was|is being) "
        r"(?:issued|entered|granted)",
    ),
    (
        _e("L", when="no_legal", legal=True),
        _WE
        + _WILL
        + r" (?:sue|take (?:legal|court) action|take you to court|file (?:a )?(?:law)?suit|"
        r"start (?:legal|court) proceedings|commence (?:legal )?proceedings|pursue legal|"
        r"refer (?:this|your account|you) to (?:our )?(?:attorneys?|lawyers?|solicitors?|legal))",
    ),
    (
        _e("L", when="no_legal", legal=True),
        r"(?:lawsuit|legal action|court action|claim|proceedings) (?:has|have) (?:been|now been) "
        r"(?:filed|started|begun|commenced|issued|initiated)|see you in court|"
        r"court (?:date|hearing)",
    ),
    (
        _e("L", "review", when="no_legal", legal=True),
        r"sued|suing|sue you|lawsuits?|legal action|legal proceedings|court action|courts?|"
        r"judge?ments?|litigation",
    ),
    # I: impersonation (FDCPA 807(1),(3),(9),(13)).
    (
        _e("I"),
        r"this is (?:officer|detective|deputy|sergeant|agent|the police|the sheriff|"
        r"the court|the fbi|the irs|a police officer|the district attorney)",
    ),
    (
        _e("I"),
        r"(?:i am|i m|we are|we re|calling from|calling on behalf of|on behalf of|"
        r"this is) (?:the |a |an )?(?:police|sheriff s office|sheriff|court|"
        r"district attorney|irs|fbi|law enforcement|state attorney)",
    ),
    (
        _e("I", when="no_legal", legal=True),
        r"(?:court|legal) summons|official (?:court|legal) "
        r"(?:notice|document)|subpoena",
    ),
    (
        _e("I", "review", when="no_legal", legal=True),
        r"(?:i am|i m|we are|we re|calling from|this is) (?:your |an? |the )?(?:attorney|lawyer|"
        r"law firm|law office|legal department|solicitors?)|lawyer s letter|letter before action",
    ),
    # B: invented credit consequences (FDCPA 807(8)).
    (
        _e("B"),
        r"black ?list(?:ed)?|(?:credit|credit score|credit rating) (?:will be|is|gets) "
        r"(?:ruined|destroyed|wrecked|damaged) (?:forever|for life|permanently)|"
        r"(?:ruin|destroy|wreck) your credit|never (?:be able to )?(?:get|obtain) (?:a )?"
        r"(?:loan|credit|mortgage|job|credit card) again|affect your (?:children|kids)|"
        r"(?:credit|name) (?:will be )?(?:marked|flagged) for life",
    ),
    # T: threats to involve or shame third parties (805(b); 806(3); 1006.22(f)(4)).
    (
        _e("T"),
        r"(?:call|contact|tell|inform|notify|email|text|visit|phone|ring|message|alert) "
        r"(?:all |every one of |each of )?(?:your )?" + _THIRD,
    ),
    (
        _e("T"),
        r"(?:post|publish|share|put) (?:it|this|about you|your (?:debt|name|details|photo))?"
        r" ?(?:on|to|all over) (?:facebook|social media|instagram|twitter|tiktok|linkedin|"
        r"whatsapp|the internet|online)|everyone will know|tell everyone|"
        r"list of (?:deadbeats|debtors|people who don t pay)",
    ),
    # P: doctored images and spreading private data.
    (
        _e("P"),
        r"(?:photoshop(?:ped)?|doctor(?:ed)?|edit(?:ed)?|fake) (?:your )?(?:photos?|"
        r"pictures?|images?)|wanted poster|nudes?|naked (?:photos?|pictures?)|obituary|"
        r"(?:publish|post|share|leak|expose|release|spread) your (?:photos?|pictures?|id|"
        r"address|home address|personal (?:information|details|data)|phone number|ssn|"
        r"social security number|private)",
    ),
    # A: insults and profanity (806(2); 1006.14(d)).
    (
        _e("A", negatable=False),
        r"fuck\w*|fck\w*|f ck\w*|sh t|b tch\w*|motherfuck\w*|shit\w*|bullshit|bitch\w*|"
        r"asshole|ass|dumbass|jackass|"
        r"bastard|cunt|prick|deadbeat|scumbag|scum|piece of (?:shit|crap|garbage|trash)|"
        r"son of a bitch|retard(?:ed)?|whore|slut|douche\w*",
    ),
    (
        _e("A", negatable=False),
        r"(?:you|you re|you are|ur|u r|such an?|you little|you stupid|you lazy) (?:an? )?"
        r"(?:idiot|moron|loser|liar|thief|crook|cheat|fraud|stupid|lowlife|parasite|trash|garbage|"
        r"freeloader|clown|disgrace|pig)",
    ),
    # H: harassment patterns (806(5); 1006.14(b)).
    (
        _e("H"),
        r"(?:call|text|message|ring|phone|email) you (?:every (?:hour|day|minute|night)|"
        r"all day|nonstop|non stop|day and night|around the clock|24 7|"
        r"until you (?:pay|answer|pick up|respond))|blow up your phone|"
        r"(?:keep|won t stop|will not stop|never stop) (?:calling|texting|ringing)|"
        r"(?:show|turn) up at your (?:door|house|home|work|office) every|"
        r"spam your|bombard|harass you",
    ),
    # F: new borrowing, fees, private payment (808(1); CONC 7.3.10R(3)).
    (
        _e("F"),
        r"(?:pay|send|transfer|wire|deposit|give) (?:it |the money |the payment |payment |"
        r"the balance |cash )?(?:to|into|via) (?:my|me on|my own) (?:personal |private )?"
        r"(?:account|bank account|card|venmo|cash ?app|zelle|paypal|wallet)|"
        r"(?:personal|private) (?:bank )?account|(?:venmo|cash ?app|zelle|paypal) me|"
        r"gift cards?|itunes cards?|crypto(?:currency)? wallet|bitcoin",
    ),
    (
        _e("F"),
        r"(?:take out|get|apply for|open) (?:a |another |a new |new )?(?:payday )?"
        r"(?:loans?|credit card|cash advance|overdraft)(?: to| and) (?:pay|repay|cover|"
        r"clear)|borrow (?:money |the money |it )?from (?:friends|family|another lender|"
        r"someone|a friend|relatives|your (?:family|friends|parents))|"
        r"(?:sell|pawn) your (?:house|car|home|belongings|jewel\w*|property)",
    ),
    (
        _e("F"),
        r"(?:pay|charge) (?:a |an |the )?(?:processing|handling|expedite|expediting|rush|"
        r"settlement|unlock|release|clearance|activation|verification|service) fee",
    ),
    (_e("F"), r"take out (?:a |another |a new )?(?:payday )?loan"),
    (_e("F", "review"), r"convenience fee|another loan"),
    # M: misstating the debt (807(2)(A)).
    (
        _e("M"),
        r"(?:debt|balance|amount|it) (?:has |will |is going to )?(?:doubled?|tripled?|"
        r"double|triple)|owe (?:twice|double|triple)|"
        r"(?:interest|penalt\w+) (?:will|is going to) (?:double|triple|skyrocket)|"
        r"penalty of \$? ?\d+ (?:per|a|each) day",
    ),
    (
        _e("M", "review"),
        r"collection (?:fee|charge)s?|(?:add|adding|added) (?:a |an )?"
        r"(?:extra|additional|late|legal|attorney|"
        r"processing|admin\w*) (?:fees?|charges?)|extra fees?",
    ),
    # C: unofficial channel or no identity (806(6); 1006.14(g); 807(11)).
    (
        _e("C"),
        r"(?:add|message|text|contact|reach|call) me (?:on|via|at) (?:my )?(?:personal|"
        r"private|own) (?:number|phone|cell|whatsapp|wechat|telegram|email|line)|"
        r"(?:whatsapp|wechat|telegram|signal) me|my (?:personal|private) (?:number|phone|"
        r"cell|whatsapp|email|wechat)",
    ),
    (
        _e("C", negatable=False),
        r"(?:can t|cannot|won t|will not|not allowed to|don t need to|no need to) (?:tell|say|"
        r"disclose|reveal)(?: you)? (?:who (?:i am|we are|this is)|which company|the company|"
        r"my company|my name|where i m calling from|where we re calling from)|"
        r"never mind who (?:this is|i am|we are)",
    ),
    # Disclosure to a third party (805(b); 1006.6(d)(1); CONC 7.9.6R).
    (
        _e("T", when="third_party", negatable=False),
        r"owe[sd]?|owing|debts?|overdue|past due|delinquen\w*|arrears|unpaid|missed payments?|"
        r"collection (?:agency|account)|(?:\$|£|€|¥) ?\d+|\d+ ?(?:dollars|usd|pounds|gbp|yuan|rmb)|"
        r"outstanding (?:amount|balance)|balance",
    ),
]

# --- Further entries: contacts' liability, travel bans, workplace visits -----------------------

ZH_PHRASES += [
    (_e("L"), ("构成犯罪", "涉嫌犯罪", "犯罪行为", "父债子还", "限制出境", "边控")),
    (_e("B", when="no_judgment", legal=True), ("失信人", "限制出行", "限制你出行")),
    # Refusing to carry out a judgment is a crime (Criminal Law 313): true only after one.
    (_e("L", when="no_judgment", legal=True), ("拒执罪", "拒不执行判决罪")),
    (_e("H"), ("去你老家", "上你老家", "天天去你家", "每天去你家")),
    (_e("F"), ("卖房还", "卖车还", "卖肾", "卖血")),
    (_e("M", "review"), ("罚款",)),
]

ZH_PATTERNS += [
    (
        _e("L", when="no_judgment", legal=True),
        f"冻结{_YOU}?(?:的)?(?:所有|全部)?(?:的)?(?:银行卡|账户|微信|支付宝|社保|工资|财产|房产|"
        "手机号|身份证|公积金)",
    ),
    (
        _e("L"),
        "(?:联系人|紧急联系人|亲属|家人|父母|子女|朋友|配偶)(?:也)?"
        "(?:要|须|需|有|负|承担|负有)"
        "(?:连带)?(?:还款)?(?:责任|义务)",
    ),
    (_e("L"), "(?:必须|要|得|应该|有义务)(?:替|帮|代)(?:他|她|其|你家人)(?:还|偿还|还款|还钱)"),
    (
        _e("B"),
        f"影响{_YOU}?(?:的)?(?:家人|父母|子女|孩子|配偶|老婆|老公)(?:的)?(?:征信|工作|上学|前途|贷款)",
    ),
    (_e("T", "review"), f"(?:上门|走访|拜访|到|去)(?:{_YOU})?(?:的)?(?:单位|公司|工作单位|学校)"),
    (_e("H"), f"(?:每天|天天|轮流|一直|反复)(?:都)?(?:去|到|上)(?:{_YOU})?(?:家|单位|公司|老家)"),
    (_e("F"), f"(?:卖|卖掉|抵押)(?:{_YOU}的)?(?:房子|车子|房|车|器官|肾)"),
    (_e("F"), "(?:房子|车子|房|车)(?:卖了|卖掉|抵押了|押了)(?:去|来)?还"),
]

EN_PATTERNS += [
    (
        _e("V", "review"),
        r"(?:we|i)(?: will| ll| are going to| re going to) (?:find|track down|hunt) you",
    ),
    (
        _e("H"),
        r"(?:\d+|ten|twenty|fifty|a hundred|hundreds of) (?:times|calls|texts) (?:a|per|every) "
        r"(?:day|hour)",
    ),
    (
        _e("C"),
        r"(?:don t|do not|never) (?:call|contact|email) (?:the|our) (?:company|office|main number|"
        r"official number|head office)",
    ),
    (_e("C", "review"), r"my (?:own )?cell(?: phone)?|call me directly"),
    (
        _e("L"),
        r"(?:you are|you re) (?:legally )?(?:responsible|liable) for (?:your )?(?:husband|wife|"
        r"son|daughter|brother|sister|father|mother|parents?|friend|spouse|partner) s",
    ),
    (
        _e("L"),
        r"deport(?:ed|ation)?|(?:social security|benefits|passport|driver s licen[cs]e|licen[cs]e) "
        r"(?:will be |is going to be )?(?:suspended|revoked|cancell?ed|taken away)",
    ),
    (
        _e("L", when="no_legal", legal=True),
        r"(?:send|refer|pass|forward) (?:this|your account|your file|it|you) to (?:our )?"
        r"(?:attorneys?|lawyers?|legal department|solicitors?|legal team)",
    ),
    (
        _e("T"),
        r"report (?:you|this|it) to (?:your )?" + _THIRD + r"|(?:everyone|everybody|all your "
        r"\w+) (?:at \w+ \w+ )?(?:will|is going to) (?:know|find out|hear)",
    ),
    (
        _e("T", "review"),
        r"(?:visit|come to|show up at|stop by) (?:you at )?(?:your )?(?:work|workplace|office|job)",
    ),
]

# --- Held-out review (docs/screening.md, "Held-out evaluation"): general shapes of the
# colloquial threats the seed missed, each written as a pattern rather than one sentence.

_BODY = "(?:腿|手|胳膊|脚|手指|骨头|狗腿|牙|鼻子|肋骨)"
_KIN = "(?:孩子|小孩|儿子|女儿|老婆|老公|父母|爸妈|爸|妈|家人|家里人)"
_SHAMED = (
    "(?:全家|家人|家里人|父母|爸妈|老婆|老公|孩子|亲戚|亲友|朋友|同事|领导|单位|公司|所有人|"
    "全村|村里|邻居|同学)"
)

ZH_PHRASES += [
    # A portrait of the dead is never a collection tool; its homophones (已向, 一项) are ordinary.
    (_e("P", homophones=False), ("遗像", "黑白遗照")),
    (_e("V"), ("被车撞", "出意外", "逼我动手", "对你动手", "对你不客气", "卸你胳膊")),
    (_e("V", "review"), ("别逼我", "你别后悔", "你会后悔", "会后悔的", "出点什么事")),
    (
        _e("A", negatable=False),
        ("社会蛀虫", "社会的蛀虫", "寄生虫", "社会败类", "社会渣滓", "没家教"),
    ),
    (_e("A", negatable=False), ("没教养", "有娘生没娘教", "缺德", "丢人现眼")),
]

ZH_PATTERNS += [
    # Violence to the body or the family, whatever the limb or relative named.
    (_e("V"), f"(?:打断|打折|砍断|砍掉|剁掉|剁了|废了|卸了?){_YOU}?(?:的|一条|一只)?{_BODY}"),
    (_e("V"), f"(?:小心|当心){_YOU}?(?:的)?(?:出门|走路|夜路|路上|安全|小命|脑袋|{_KIN})"),
    (_e("V"), f"{_YOU}(?:的)?{_KIN}在.{{0,10}}?(?:上学|读书|上班|小学|中学|幼儿园|学校)"),
    (_e("V"), "(?:放学|上学|下班|出门|晚上|夜里)(?:路上|的时候)?(?:注意点|小心点|当心点|注意安全)"),
    (_e("V"), "(?:找|叫|带)(?:几个|一帮|一群|一些|些|几位|一伙)(?:兄弟|弟兄|人|小弟|社会上的人)"),
    (_e("V", "review"), f"(?:上门|到你家|去你家)(?:来|去)?找{_YOU}"),
    # Freezing or seizing property is a court's act: lawful only after a judgment.
    (
        _e("L", when="no_judgment", legal=True),
        "(?:银行卡|账户|微信|支付宝|社保|工资|财产|房产|房子|车子|公积金)"
        "(?:和|及|、|还有|微信|支付宝|银行卡|账户)*.{0,6}?(?:都|全部|也)?(?:将|会|要|马上|即将|就)?"
        "被?(?:冻结|查封|扣押|拍卖|划扣)",
    ),
    # Self-identification as police, court or procuratorate, whatever unit name follows.
    (_e("I"), f"(?:这里是|这边是|我是|我们是|本人是|本人系)(?:.{{0,8}}?){_AUTHORITY}"),
    # Invented credit consequences: "your credit is ruined", "never borrow again", travel bans.
    (_e("B"), "征信(?:已经|已|就|会|都|要|全|彻底)?(?:黑|花|烂|废|毁|完)(?:了|掉)"),
    (
        _e("B"),
        "(?:这辈子|一辈子|下半辈子|终身|终生|永远)(?:都|也)?(?:别想|不能|无法|没法|不可能|休想)"
        "(?:再)?(?:贷款|借钱|借款|买房|买车|办卡|坐飞机|坐高铁|出行|找工作)",
    ),
    (
        _e("B", when="no_judgment", legal=True),
        "(?:飞机|高铁|动车|火车)(?:和|或|、|飞机|高铁|动车|火车)*(?:都|也|全)?"
        "(?:坐不了|不能坐|别想坐|上不了|禁止乘坐)",
    ),
    # Shaming before others: "let your whole family know", "call your address book one by one".
    (_e("T"), f"让{_YOU}?(?:的)?{_SHAMED}(?:都|全都|全)?(?:知道|晓得|看看|看到|丢脸|评评理)"),
    (
        _e("T"),
        "(?:通讯录|联系人|亲友|亲戚|同事).{0,10}?(?:一个个|一个一个|挨个|逐个|全部|都)"
        "(?:打|联系|通知|发|问)",
    ),
    # A doctored picture with a measure word between (P张图), private data published.
    (_e("P"), "(?<![a-z])ps?(?:一|几|两)?(?:张|个|些)(?:图|照片|相片)"),
    (
        _e("P"),
        "(?:身份证|住址|家庭住址|地址|照片|隐私|个人信息|电话号码)(?:(?!不).){0,10}?"
        "(?:公布|曝光|散布|发布|泄露|挂|贴|发)(?:出去|到网上|到网络|在网上|到群里|给所有人)",
    ),
    # Insults about upbringing and parents.
    (_e("A", negatable=False), f"{_YOU}(?:爸|妈|爹|娘|爸妈|父母)(?:就)?没(?:有)?教(?:过)?{_YOU}"),
    (
        _e("A", negatable=False),
        "(?:你这种|你这个|你就是|你是|你个|就是个|你这种人就是|这种人就是)(?:个|一个|一条|条|只)?"
        "(?:社会的|社会上的)?(?:蛀虫|寄生虫|渣滓|败类|废人|瘪三|叫花子|乞丐|垃圾人|赖皮|饭桶)",
    ),
    # Refusing to identify oneself, or steering away from the lender's official channels.
    (
        _e("C", negatable=False),
        "(?:我|我们)是(?:谁|哪(?:个|家)?(?:公司|单位|机构)?)(?:你)?"
        "(?:不用管|别管|别问|不用问|不重要|无所谓|不用知道|没必要知道|管不着)",
    ),
    (_e("C"), "(?:我|我的)(?:的)?(?:个人|私人)(?:手机|电话|号码|手机号|微信|qq|邮箱)"),
    (_e("C"), "(?:别|不要|不用|不必)(?:打|找|联系|走|通过)(?:你们?)?(?:公司|官方|客服|热线)"),
]

EN_PATTERNS += [
    (
        _e("T"),
        r"your " + _THIRD + r" (?:will|are going to|is going to|ll|shall|would) "
        r"(?:hear|know|find out|learn|be told|be informed|be notified|get a call|be called|"
        r"be contacted|see)",
    ),
    (
        _e("T"),
        r"(?:post|publish|share|put|write|plaster) (?:(?:about )?(?:it|this|you|your \w+) )?"
        r"(?:on|to|all over|across) (?:your )?(?:facebook|social media|instagram|twitter|tiktok|"
        r"linkedin|whatsapp|the internet|online|wall|timeline|feed)",
    ),
    (_e("A", negatable=False), r"f ing|f in|f kin\w*|f k|mother f\w*|sh\w? ?t head"),
    (
        _e("A", negatable=False),
        r"you (?:\w+ing |stupid |lazy |little |lying |dirty |worthless )+(?:idiot|moron|loser|"
        r"liar|thief|crook|cheat|fraud|lowlife|parasite|bum|deadbeat|scum)",
    ),
    (
        _e("C", negatable=False),
        r"(?:can t|cannot|won t|will not|not allowed to|don t need to|no need to|not going to) "
        r"(?:tell|say|disclose|reveal)(?: you)? (?:who (?:i|we) (?:work|am calling|re calling|"
        r"are calling|m calling) (?:for|from)|who (?:i|we) represent|our company name)",
    ),
]

#: Retirement savings; "401k" folds to "4oik" or "aolk" under the leetspeak rule.
_RETIREMENT = r"401 ?k|4oik|aolk|retirement|pension"

# Second held-out round: paraphrases of the same conduct (police "filing", public posters,
# borrowing from a loan shark, refusing to name the company, past-tense disclosures).
ZH_PHRASES += [
    (_e("V"), ("混不下去", "待不下去", "没好日子过", "生不如死")),
    (_e("V", "review"), ("别怪我", "自己看着办", "看着办吧", "给我等着")),
    (_e("L"), ("逃犯", "网上追逃", "移送公安", "移交公安机关", "移送公安机关")),
    (_e("B"), ("哪都借不到", "哪儿都借不到", "再也借不到", "再也贷不到")),
    # 「避免成为征信黑户」 is a lender's scare word as often as a collector's threat.
    (_e("B", "review"), ("黑户",)),
    (_e("P"), ("裸聊", "不雅视频", "私密照", "不雅照")),
    (_e("A", negatable=False), ("脑子有病", "脑子进水", "有病吧", "神经病")),
    (_e("F"), ("套现", "借高利贷", "借个高利贷", "借点高利贷")),
]

ZH_PATTERNS += [
    (_e("V"), f"(?:弄|整|打|砍|捅)(?:不|得)死{_YOU}"),
    (
        _e("V"),
        f"{_YOU}(?:的)?{_KIN}.{{0,8}}?在(?:哪|哪个|哪所|哪家)(?:个)?(?:学校|幼儿园|小学|中学|上学|读书)",
    ),
    (
        _e("V"),
        f"{_YOU}(?:家)?(?:的)?(?:玻璃|门|窗户|车|房子|车窗).{{0,4}}?(?:碎|砸|烧|着火|被砸|被烧)",
    ),
    (
        _e("V"),
        f"(?:我们的人|我们|兄弟们|人)(?:已经|已|就|马上)(?:在|到)(?:了)?{_YOU}(?:家)?"
        "(?:楼下|门口|家门口|小区|单位门口|公司楼下)",
    ),
    # Police acts are never a step in collecting a civil debt.
    (
        _e("L"),
        "(?:公安|警方|警察|派出所|经侦|公安机关|民警|刑警)(?:.{0,8}?)"
        "(?:备案|立案|介入|带人|抓人|带走|抓你|拘你|拘留|上门)",
    ),
    (_e("L"), "(?:移送|移交|报送|交给|交由)(?:当地)?(?:公安|警方|派出所|经侦|检察院)"),
    (
        _e("B"),
        "(?:房贷|车贷|贷款|信用卡|办卡|网贷)(?:和|、|房贷|车贷|贷款|信用卡)*(?:全|都|也|全都)?"
        "(?:办不了|批不了|贷不了|下不来|借不了)",
    ),
    (
        _e("B"),
        "(?:同步|共享|通报|推送)(?:到|给)?(?:全国)?(?:所有|全部|各大)?(?:的)?(?:银行|金融机构|网贷平台|平台)",
    ),
    (_e("T"), f"{_KIN}(?:知道|晓得)(?:{_YOU})?.{{0,10}}?(?:欠|借)"),
    (
        _e("T"),
        f"(?:寄|送|发|贴)(?:到|给){_YOU}?(?:的)?(?:老家|村委会|居委会|单位|公司|学校|父母家|村里|小区)",
    ),
    (_e("P"), "(?:做成|制作|做|印)(?:了|成)?.{0,4}?(?:海报|传单|横幅|告示|大字报|寻人启事)"),
    (
        _e("P"),
        f"(?:在|到){_YOU}?(?:的)?(?:小区|楼道|单位|公司|村里|老家|学校|家门口)(?:门口|里)?(?:张贴|贴|挂)",
    ),
    (_e("H"), "(?:给你|帮你|替你)(?:订|叫|点|寄)(?:了)?.{0,8}?(?:外卖|货到付款|快递|棺材)"),
    (_e("F"), "借(?:个|点|一笔|些)?(?:高利贷|网贷|小贷|口子)"),
    (_e("F"), "(?:扫|用)(?:我|我的)(?:这个|这|那个)?(?:码|二维码|收款码)"),
    (
        _e("F"),
        "(?:到|进|打到|转到|汇到|存到)(?:我|我的|我个人)(?:的)?(?:账上|卡上|户头|账户上|口袋)",
    ),
    (
        _e("M"),
        "(?:利息|罚息|滞纳金|违约金)(?:每天|一天|每日|一日)(?:就|要|涨|加)?"
        "[一二两三四五六七八九十几\\d]+[百千万]",
    ),
    (
        _e("C", negatable=False),
        "(?:不用管|别管|不用问|别问)(?:我|我们)(?:是)?(?:哪(?:个|家)(?:公司|单位|机构)?|谁)",
    ),
]

EN_PATTERNS += [
    (
        _e("V", "review", negatable=False),
        r"you don t want to (?:find out|know|see) what (?:happens|will happen)|"
        r"what happens to people who don t pay",
    ),
    (
        _e("V"),
        r"know (?:which|what) (?:school|daycare|kindergarten|college) your " + _FAMILY,
    ),
    (_e("L"), r"commit(?:s|ted|ting)? (?:a )?(?:fraud|crime|theft|a felony)|felony"),
    (
        _e("I"),
        r"(?:message|call|letter|notice|this) (?:is )?from (?:the )?(?:district attorney|sheriff|"
        r"police|county court|court|irs|fbi|attorney general)",
    ),
    (
        _e("I", when="no_judgment", legal=True),
        r"(?:acting|act|instructed|working) (?:on (?:the )?instructions? )?(?:from|of|by|for|on "
        r"behalf of) (?:the )?(?:court|county court|high court|sheriff|police)",
    ),
    (
        _e("B"),
        r"no (?:bank|lender|one|company|creditor)s? (?:will )?(?:ever )?(?:lends?|give you|"
        r"approve|extend) (?:to )?(?:you )?(?:\w+ )?(?:again|ever)|"
        r"(?:never|not) (?:be able to )?(?:borrow|get credit) (?:again|anywhere)",
    ),
    (_e("T"), r"(?:let|make) your " + _THIRD + r" (?:know|aware)"),
    (
        _e("T"),
        r"(?:called|contacted|told|informed|notified|emailed|texted|visited|phoned|messaged|"
        r"alerted|written to) (?:all )?(?:of )?your " + _THIRD,
    ),
    (
        _e("A", negatable=False),
        r"(?:you|you re|you are|ur) (?:an? )?(?:bum|slob|leech|sleazebag|scumbag|sponger|"
        r"degenerate)|(?:what an?|such an?) (?:\w+ )?(?:loser|idiot|moron|bum|deadbeat|"
        r"lowlife|parasite|liar|thief|crook)",
    ),
    (
        _e("H"),
        r"every (?:\d+|few|couple of|ten|five|fifteen|thirty|twenty) (?:minutes?|mins?|hours?)",
    ),
    (
        _e("F"),
        r"borrow (?:\w+ ){0,2}?from (?:your |a |an )?(?:" + _RETIREMENT + r"|relatives?|"
        r"friends?|family|parents|someone|another lender|payday lender|coworkers)|"
        r"(?:cash out|withdraw from|raid|borrow against) your (?:" + _RETIREMENT + r"|savings)",
    ),
    (
        _e("F"),
        r"(?:pay|charge) (?:a |an |the )?(?:\S?\d+ )?(?:processing|handling|expedite|expediting|"
        r"rush|settlement|unlock|release|clearance|activation|verification|service) fee",
    ),
    (
        _e("F"),
        r"(?:venmo|zelle|cash ?app|paypal|wire|send|transfer) (?:it|the money|the payment|"
        r"the balance|payment|money)? ?(?:to|into) my (?:personal|private|own)",
    ),
]

# Third held-out round: menace by injury, police and "crime" talk, bans from careers, calls
# at fixed short intervals, multiples of the debt, and their English counterparts.
ZH_PHRASES += [
    (_e("V"), ("轮椅上", "坐轮椅", "进医院", "住医院", "进icu", "缺胳膊少腿", "躺着出去")),
    (_e("L"), ("等着被抓", "就是违法犯罪", "属于违法犯罪", "来拘你", "拘你")),
]

ZH_PATTERNS += [
    (_e("V"), f"(?:别让我|要是让我|被我|让我)(?:在.{{0,4}}?)?(?:碰到|遇到|撞见|逮到|抓到){_YOU}"),
    (_e("V"), f"(?:跟|和|找){_YOU}?(?:的)?{_KIN}(?:好好)?(?:聊聊|谈谈|说道说道|算账|算算账)"),
    (
        _e("L"),
        "(?:不还|欠钱不还|欠款不还|欠债不还|拖欠|逾期)(?:钱|款)?(?:就是|属于|是|构成|等于|就)"
        "(?:违法|犯罪|诈骗|刑事)",
    ),
    (
        _e("L", when="no_judgment", legal=True),
        "(?:身份证|手机号|手机卡|电话卡)(?:已经|已|将|会|马上)?(?:被)?(?:公安|法院|警方)?"
        "(?:冻结|注销|停用|封)",
    ),
    (
        _e("B"),
        "(?:全国|所有|全部|各大)(?:的)?.{0,8}?(?:都|全)?(?:拉黑|封杀|拒贷|不借给你|不贷给你)",
    ),
    (
        _e("B"),
        "(?:当不了|考不了|考不上|不能当|不能考|没法当|进不了|当不成|上不了)"
        "(?:公务员|兵|军人|军校|事业单位|警察|老师|国企|好学校|大学)",
    ),
    (_e("T"), "(?:一个个|一个一个|挨个|逐个|挨家挨户)(?:地)?(?:打|联系|通知|发|问|找)"),
    (
        _e("A", negatable=False),
        "(?:赖账|欠钱不还|不还钱|欠债不还)的(?:垃圾|狗|东西|玩意|人渣|货|混蛋|无赖|骗子|废物)",
    ),
    (
        _e("H"),
        "每(?:隔)?[一二两三四五六七八九十几半\\d]+(?:分钟|小时|个小时)(?:就)?(?:给你|打|发|call)",
    ),
    (_e("M"), "(?:还|付|交|赔)(?:[一二两三四五六七八九十几\\d]+)倍"),
    (_e("L", when="no_legal", legal=True), "(?<![报广公通警忠劝转预敬宣])告(?:你|您)(?!诉|知)"),
]

EN_PATTERNS += [
    (
        _e("V"),
        r"(?:you ll|you will|you re going to|you are going to) (?:need|end up in|wake up in) "
        r"(?:a doctor|an ambulance|the hospital|a hospital|a wheelchair|the er)",
    ),
    (
        _e("L"),
        r"(?:non ?payment|not paying|failure to pay|failing to pay)(?: \w+){0,3}? (?:is|are|"
        r"constitutes) (?:a )?(?:criminal|crime|illegal|fraud|theft|felony)|criminal offen[cs]e",
    ),
    (
        _e("B"),
        r"(?:credit|credit score|credit rating|credit history|credit file|name) (?:will be|is "
        r"going to be|gets|will get) (?:ruined|destroyed|wrecked|trashed)",
    ),
    (
        _e("T"),
        r"(?:call|contact|text|message|email|notify|tell) (?:every(?:one|body)|all(?: the people)?)"
        r" (?:in|on) your (?:contact list|contacts|phone|address book|phonebook)",
    ),
    (
        _e("P"),
        r"mugshot|wall of shame|(?:put|post|publish|list) your (?:name|photo|picture|face|"
        r"details) (?:on|in) (?:our|a|the) (?:website|site|list)",
    ),
    (
        _e("H"),
        r"(?:call|text|ring|contact|hound|chase) you (?:\w+ ){0,8}?(?:day and night|"
        r"night and day|around the clock|24 7|all night)",
    ),
    (
        _e("F"),
        r"(?:put|charge) (?:it|this|the balance|the debt|the amount) (?:on|to) (?:a |your )?"
        r"(?:credit card|card)",
    ),
    (
        _e("M", "review"),
        r"(?:extra|additional) (?:\S?\d+ )?(?:legal |collection |late |admin |processing )?"
        r"(?:fees?|charges?)|(?:fee|charge)s? (?:has|have) been added",
    ),
    (
        _e("C", negatable=False),
        r"never mind (?:who|which company|what company) (?:i ?m|i am|we ?re|we are) "
        r"(?:with|from|calling from)|doesn t matter who (?:i am|i m|we are|this is)",
    ),
]

# --- Lawful formulas and negation ---------------------------------------------------------------

#: Truthful formulas in which no hit counts (compact Chinese view).
TRUTHFUL_ZH: list[str] = [
    "(?:按规定|依法|按照规定|根据规定|依规)(?:将)?(?:报送|上报|报告)(?:至|给|到)?(?:人民银行)?"
    "(?:征信|金融信用信息基础数据库)",
    "谨防(?:诈骗|骗子|冒充)",
    f"(?:不会|不能|无权)(?:因此|因逾期)?(?:对{_YOU})?(?:追究|判|拘留|逮捕)",
    # Anti-fraud advice: 「如遇自称公安、法院的人员要求转账，请立即报警」.
    # The gap may not speak of "you" or "me/us": a threat cannot hide inside the advice.
    "(?:如遇|如有|若遇|若有|凡是|凡)(?:自称|冒充|假冒)(?:是)?"
    "(?:公安|法院|检察院|公检法|警察|民警|法官|律师|客服|银行|工作人员|和|或|的|人员|机构|电话|短信)+"
    "(?:(?![你我]).){0,12}?(?:报警|挂断|核实|举报)",
    # Quoting the law: 「诉讼时效期间为三年」.
    "诉讼时效(?:期间)?(?:为|是)?[一二三四五六七八九十\\d]+年",
    # The debtor's own remedies: 「您可以通过法院、仲裁等合法途径维护您的权益」.
    f"(?:通过|向|经由|诉诸).{{0,12}}?(?:维护|保护|主张|救济){_YOU}(?:的)?(?:合法)?(?:权益|权利)",
]
#: Truthful formulas in which no hit counts (English word view).
TRUTHFUL_EN: list[str] = [
    r"the law limits how long you can be sued(?: on a debt)?",
    r"(?:we|i) (?:will not|won t|cannot|can t|will never|may not|are not allowed to) "
    r"(?:sue|take legal action against) you",
    r"(?:you )?(?:cannot|can t|will not|won t) be sued",
    r"(?:ask|tell) (?:us|me) to stop (?:calling|contacting|texting)",
    r"(?:if you have|are you represented by|name of your|contact your own) an? (?:attorney|lawyer)",
    # Anti-fraud warnings: "do not send cash or pay into any personal account".
    # Only payment words may stand between, and never "my": "don't pay the company, pay into my
    # personal account" stays a finding.
    r"(?:do not|don t|never|we will never|we never) (?:ask you to )?(?:send|pay|transfer|wire|"
    r"deposit|give|make payments?)(?: (?!my(?![a-z]))[a-z0-9]+){0,10}? "
    r"(?:(?:personal|private) (?:bank )?accounts?|gift cards?|itunes cards?|bitcoin|crypto\w*)"
    r"(?: or (?:into |to )?(?:an? |any )?(?:(?:personal|private) (?:bank )?accounts?|"
    r"gift cards?))?",
]

#: Words that negate what follows them closely (「我们不会起诉您」, "we will not sue you").
NEGATION_ZH = (
    "不会|不得|不能|无权|绝不|决不|不可能|不再|并未|并不|从未|从不|没有|无需担心|不用担心|不必担心|"
    "不是|不将|切勿|请勿|不要|严禁|禁止|谨防|警惕"
)
NEGATION_EN = (
    r"(?<![a-z])(?:not|never|no longer|cannot|can t|won t|wont|don t|dont|doesn t|didn t|isn t|"
    r"aren t|nor)(?![a-z])"
)
#: Words between a negation and a hit that show the negation belongs to a condition instead
#: (「如果您不能按时还款，我们将起诉」, "if you do not pay we will sue").
NEGATION_BREAK = (
    r"还|付|缴|就|则|否|如果|要是|若|的话|"
    r"(?<![a-z])(?:if|unless|pay|repay|paid|then|otherwise|or|until|before)(?![a-z])"
)

# --- Compositions: families of wording, not sentences -------------------------------------------


@dataclass(frozen=True, eq=False)
class Composition:
    """Two slot classes that together evidence a category when close in one sentence.

    ``first`` and ``second`` are regular expressions over the compact Chinese view (``view``
    "zh") or the English word view ("en"); a hit needs one match of each, not overlapping, at
    most ``window`` characters apart on that view, with no sentence end between them in the
    original text (。！？; or a full stop), in this order when ``ordered``. ``context`` (over the
    folded sentence) must also occur for the hit to count. The hit covers both slots.
    """

    entry: Entry
    view: str
    first: str
    second: str
    window: int
    ordered: bool = False
    context: str | None = None


_YOURS = "(?:你|您)(?:们)?(?:的|家)?"
_THIRD_ZH = (
    "(?:家人|家里人|家里|父母|爸妈|爸爸|妈妈|老爸|老妈|老婆|老公|媳妇|孩子|儿子|女儿|同事|领导|"
    "上司|老板|单位|公司|朋友|好友|通讯录|联系人|村委|村里|全村|村|邻居|街坊|亲戚|亲友|亲人|"
    "家族群|家族|同学|老师|学校|房东|小区|物业)"
)
_DISCLOSE_ZH = (
    "(?:告诉|告知|通知|联系|打给|打电话给|发给|发到|群发|曝光给|透露给|问问|找|上门找|登门|拜访|"
    "寄给|寄到|发信给|发短信给|发消息给)"
)
#: Said after the third party: 「你们领导……明天就打过去」, 「让你爸妈都知道」.
_LEARN_ZH = (
    "(?:知道|晓得|听说|收到|接到|打过去|寄过去|发过去|评评理|说说|说一说|说一声|说一下|讲讲|"
    "谈谈|聊聊)"
)
#: A debt or a threat in the same sentence makes a third-party mention a block, not a review.
_DEBT_OR_THREAT_ZH = "欠|债|账|不还|没还|还钱|还款|逾期|再不|否则|不然|要是|的话|不处理|拖|催|借"
_HARM_ZH = (
    "(?:打断|打折|打瘸|打残|打伤|打死|打爆|弄死|整死|弄残|弄瘸|砍死|砍伤|砍断|砍了|捅死|捅伤|"
    "捅了|废了|收拾|揍|教训|卸了|剁了|弄你|办了)"
)
_TARGET_ZH = (
    "(?:你|您|你的?(?:腿|手|胳膊|脚|手指|骨头|牙|脸|脑袋|孩子|儿子|女儿|老婆|老公|父母|爸妈|家人)"
    "|腿|胳膊|手指|骨头|脑袋)"
)
_CRIME_ZH = "(?:诈骗|犯罪|刑事|公诉|拘留|刑拘|拘役|判刑|坐牢|逮捕|劳改|通缉|经侦)"
_CONSEQUENCE_ZH = "(?:提起|报|告你|送你|面临|会被|将被|要被|被|追究|构成|够判|定|按)"
_SELF_ZH = "(?:我是|我们是|这里是|这边是|我这边是|本人是|我来自|我们来自|我代表|代表)"
_AUTHORITY_ZH = (
    "(?:法院|中院|高院|基层法院|执行庭|执行局|检察院|检察官|公安|警察|警官|派出所|经侦|刑警|"
    "法官|书记员|司法所|律师事务所|律所|律师)"
)
_PAY_ZH = (
    "(?:转账|转钱|转款|转到|转给|转进|转入|打款|打钱|打到|付款|付钱|付到|付给|还钱|还款|还到|"
    "汇款|汇到|支付|存到|交钱|交款)"
)
#: A private destination; 「我司」「我行」「我们公司」 (the lender itself) are not one.
_PRIVATE_ZH = (
    "(?:个人账户|私人账户|私人卡|个人卡|个人微信|私人微信|个人支付宝|(?<=[给到进入])我(?![司行们方])|"
    "我的卡|我的账户|我卡上|我账上|我微信|我支付宝)"
)
_BORROW_ZH = "(?:借|贷|取现|提现|套现|套出|刷|撸|透支|拆借|周转)"
_PLATFORM_ZH = (
    "(?:信用卡|花呗|借呗|白条|微粒贷|网贷|口子|小贷|高利贷|别的平台|其他平台|别家|其它平台|"
    "别的app|其他app|亲戚朋友|朋友|亲戚)"
)
_REPAY_ZH = "(?:还|还给|还上|还清|补上|填上|先还)"
_BLACKLIST_ZH = "(?:黑名单|拉黑|征信|失信|不良记录|信用记录|上报|报上去|名字)"
_SCOPE_ZH = (
    "(?:全国|永久|终身|一辈子|这辈子|所有银行|全部银行|所有的银行|全国的银行|各大银行|所有平台|"
    "子女|孩子|下一代|全家|坐飞机|高铁|考公|政审|公务员|都不会给你|再也)"
)
_FREQUENCY_ZH = (
    "(?:每天|每小时|每个小时|天天|不停|一直|轮流|轮番|日夜|没日没夜|二十四小时|24小时|不间断|"
    "早中晚|半夜|凌晨|打到你|直到你)"
)
_CONTACT_ZH = (
    "(?:给你打|打你|打给你|给你发|发你|轰炸|到你家|去你家|上门|敲门|找你|堵你|骚扰|打电话|call你)"
)
_IMAGE_ZH = "(?:p图|ps|合成|照片|相片|自拍|遗照|头像|海报|视频|身份证|户口本|住址|家庭住址)"
_PUBLISH_ZH = (
    "(?:发出去|发到网上|发网上|传到网上|挂到网上|挂网上|发到群|发群里|发朋友圈|发到朋友圈|"
    "发到你家族群|发到家族群|发到你|曝光|公开|公布|张贴|贴到|挂出去|散布|传播)"
)
_GROWTH_ZH = "(?:滚到|滚成|涨到|涨成|变成|就是|多收|加收|再加|翻到)"
_AMOUNT_ZH = "(?:[一二两三四五六七八九十几\\d]+(?:万|千|倍|百块|千块))"
_ME_CHANNEL_ZH = "(?:我|我的)(?:自己|私人|个人|本人)(?:的)?(?:号码|手机|电话|手机号|微信|qq|号)"
_OFFICIAL_ZH = (
    "(?:别找|不要找|别打|不要打|别联系|不用走|别走|不要走|绕过|别跟)(?:你们)?.{0,4}"
    "(?:客服|公司|官方|热线)"
)

_HARM_EN = (
    r"(?:hurt|harm|kill|beat|break|snap|smash|stab|shoot|cut|bust|rough up|mess up|"
    r"put (?:you )?in (?:the )?hospital)"
)
_BODY_EN = (
    r"(?:you|your (?:fingers?|legs?|arms?|knees?|kneecaps?|neck|face|teeth|bones|ribs|hands?|"
    r"head|skull|jaw|nose|wife|husband|kids?|children|son|daughter|family|mother|father|mom|dad))"
)
_THIRD_EN = (
    r"(?:your (?:\w+ )?(?:employer|boss|manager|supervisor|hr|coworkers?|co workers?|colleagues?|"
    r"family|relatives?|friends?|neighbou?rs?|contacts?|parents?|mother|father|mom|dad|wife|"
    r"husband|brother|sister|landlord|church|pastor|school|kids?|in laws?))"
)
_DISCLOSE_EN = (
    r"(?:call|calling|contact|contacting|tell|telling|inform|informing|notify|notifying|email|text|"
    r"visit|phone|ring|message|reach(?:ing)? out|speak(?:ing)? (?:to|with)|"
    r"talk(?:ing)? (?:to|with)|let|send|write to|get in touch)"
)
_DEBT_OR_THREAT_EN = (
    r"(?<![a-z])(?:owe|debt|balance|pay|paid|overdue|loan|unless|or else|if you don t|if you do "
    r"not|account)"
)
_CRIME_EN = (
    r"(?:fraud|theft|criminal|felony|crime|custody|handcuffs|detained|detention|"
    r"arrest(?:ed)?|prosecut\w+|charges?)"
)
_CONSEQUENCE_EN = (
    r"(?:face|facing|be charged|get charged|charged with|press|pressing|file|filing|taken into|"
    r"put in|held in|end up in|go to|sent to|lead to|result in)"
)
_SELF_EN = (
    r"(?:this is|i m|i am|we re|we are|calling from|call from|calling on behalf of|with the|"
    r"from the|on behalf of|representing|i work for|we work for)"
)
_AUTHORITY_EN = (
    r"(?:court|courthouse|police|sheriff|marshal|attorney general|district attorney|"
    r"prosecutor|law enforcement|department of justice|fbi|irs|magistrate|bailiff)"
)
_PAY_EN = r"(?:pay|send|transfer|wire|deposit|zelle|venmo|move|give)"
_PRIVATE_EN = (
    r"(?:my (?:own|personal|private|cell|phone|number|account|venmo|zelle|paypal|cash ?app)|"
    r"gift cards?|prepaid cards?|cash app|venmo|bitcoin|crypto)"
)
_BORROW_EN = (
    r"(?:payday loans?|cash advances?|title loans?|new credit card|another credit card|new loan|"
    r"another loan|loan shark|borrow|balance transfer)"
)
_REPAY_EN = (
    r"(?:pay (?:us|this|it|off)|clear (?:us|this|it)|cover (?:us|this|it)|settle|repay|to us)"
)
_BLACKLIST_EN = r"(?:black ?list\w*|credit|blocked|banned|flagged|reported)"
_SCOPE_EN = (
    r"(?:every (?:bank|lender|creditor)|all (?:banks|lenders)|nationwide|in the country|for good|"
    r"forever|for life|permanently|never get|your (?:kids|children))"
)
_FREQUENCY_EN = (
    r"(?:every hour|every day|all day|all night|day and night|nonstop|non stop|around the clock|"
    r"keep|until you pay|until it s paid|round the clock|over and over)"
)
_CONTACT_EN = (
    r"(?:call(?:ing)? you|ring(?:ing)? your?|text(?:ing)? you|phon(?:e|ing) you|show(?:ing)? up|"
    r"knock(?:ing)? on|call(?:ing)? your|message you)"
)
_IMAGE_EN = r"(?:poster|flyers?|photos?|pictures?|face|mugshot|selfies?|id card)"
_PUBLISH_EN = (
    r"(?:put (?:it |them )?up|post(?:ed|ing)?|plaster\w*|hang|share|publish|spread|"
    r"print|around town|in your town|online|everywhere)"
)
_INSULT_EN = (
    r"(?:freeload\w*|scroung\w*|deadbeats?|leech\w*|parasites?|bums?|losers?|lowlifes?|"
    r"scum\w*|thie(?:f|ves)|crooks?|liars?|cheats?|trash|garbage|vermin|sponger?s?)"
)
_ADDRESS_EN = r"(?:you|you re|you are|you people|your kind|nothing but|people like you)"
_ME_CHANNEL_EN = r"(?:my (?:cell|own number|personal|private|direct line|mobile)|this number)"
_NOT_OFFICIAL_EN = r"(?:not the (?:company|office|main)|don t call the (?:office|company)|bypass)"

#: Slot classes that together catch families of wording (docs/screening.md, "Compositions").
COMPOSITIONS: list[Composition] = [
    # T: a third party of the debtor's and a disclosure verb; with a debt or threat it blocks.
    Composition(_e("T"), "zh", _DISCLOSE_ZH, _YOURS + _THIRD_ZH, 10, True, _DEBT_OR_THREAT_ZH),
    Composition(_e("T", "review"), "zh", _DISCLOSE_ZH, _YOURS + _THIRD_ZH, 10, ordered=True),
    Composition(_e("T"), "zh", _YOURS + _THIRD_ZH, _LEARN_ZH, 16, True, _DEBT_OR_THREAT_ZH),
    Composition(_e("T", "review"), "zh", _YOURS + _THIRD_ZH, _LEARN_ZH, 16, ordered=True),
    Composition(_e("T"), "en", _DISCLOSE_EN, _THIRD_EN, 30, True, _DEBT_OR_THREAT_EN),
    Composition(_e("T", "review"), "en", _DISCLOSE_EN, _THIRD_EN, 30, ordered=True),
    # V: a harm verb and a person or body part.
    Composition(_e("V"), "zh", _HARM_ZH, _TARGET_ZH, 6),
    Composition(_e("V"), "en", _HARM_EN, _BODY_EN, 22, ordered=True),
    # L: a criminal consequence framed as what will happen.
    Composition(_e("L"), "zh", _CONSEQUENCE_ZH, _CRIME_ZH, 6, ordered=True),
    Composition(_e("L"), "en", _CONSEQUENCE_EN, _CRIME_EN, 14, ordered=True),
    # I: self-identification and an authority.
    Composition(_e("I"), "zh", _SELF_ZH, _AUTHORITY_ZH, 10, ordered=True),
    Composition(_e("I"), "en", _SELF_EN, _AUTHORITY_EN, 24, ordered=True),
    # F: payment to a private destination; borrowing elsewhere to repay.
    Composition(_e("F"), "zh", _PAY_ZH, _PRIVATE_ZH, 6, ordered=True),
    Composition(_e("F"), "en", _PAY_EN, _PRIVATE_EN, 30, ordered=True),
    Composition(_e("F"), "zh", _PLATFORM_ZH + ".{0,3}" + _BORROW_ZH, _REPAY_ZH, 14, ordered=True),
    Composition(_e("F"), "en", _BORROW_EN, _REPAY_EN, 40, ordered=True),
    # B: a blacklist or credit word inflated in scope.
    Composition(_e("B"), "zh", _BLACKLIST_ZH, _SCOPE_ZH, 14),
    Composition(
        _e("B"),
        "zh",
        "(?:全国|所有|全部|各大)(?:的)?(?:银行|平台|金融机构)",
        "(?:不会|不再|不给|别想)",
        8,
    ),
    Composition(_e("B"), "en", _BLACKLIST_EN, _SCOPE_EN, 30),
    # H: a frequency and a contact verb aimed at the debtor.
    Composition(_e("H"), "zh", _FREQUENCY_ZH, _CONTACT_ZH, 10),
    Composition(_e("H"), "en", _FREQUENCY_EN, _CONTACT_EN, 30),
    # P: a picture or private data and publishing it.
    Composition(_e("P"), "zh", _IMAGE_ZH, _PUBLISH_ZH, 16, ordered=True),
    Composition(_e("P"), "en", _IMAGE_EN, _PUBLISH_EN, 40, ordered=True),
    # M: the debt growing to an amount.
    Composition(
        _e("M"), "zh", _GROWTH_ZH, _AMOUNT_ZH, 3, ordered=True, context="欠|债|拖|不还|利息"
    ),
    # C: the collector's own number; steering away from official channels.
    Composition(_e("C"), "zh", "(?:打|加|联系|找|call)", _ME_CHANNEL_ZH, 4, ordered=True),
    Composition(_e("C"), "zh", "(?:私下|私底下)", "(?:解决|处理|了结|谈)", 3, ordered=True),
    Composition(_e("C"), "zh", _OFFICIAL_ZH, "(?:我|私下)", 16),
    Composition(_e("C"), "en", r"(?:reach|call|text|contact|message) me", _ME_CHANNEL_EN, 12),
    Composition(_e("C"), "en", r"(?:reach|call|text|contact|message) me", _NOT_OFFICIAL_EN, 40),
    # A: addressing the debtor with an insult noun.
    Composition(_e("A", negatable=False), "en", _ADDRESS_EN, _INSULT_EN, 30, ordered=True),
    # Q/L: dragging to court (a legal mention: Q on a time-barred debt).
    Composition(
        _e("L", when="no_legal", legal=True),
        "en",
        r"(?:drag|take|haul|bring) you",
        r"(?:to|into|before) (?:a |the )?court",
        6,
        ordered=True,
    ),
    Composition(
        _e("L", when="no_legal", legal=True),
        "zh",
        "(?:告|拉|送|拖)(?:你)?上",
        "法庭",
        2,
        ordered=True,
    ),
]
