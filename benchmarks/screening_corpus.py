"""Write the labelled screening corpus the statistical layer is trained on (deterministic).

Prohibited messages in all twelve categories and an equal number of hard compliant ones
(reminders, plan offers, lawful legal notices, rights notices, negated threats, anti-fraud
warnings), in Chinese and English. Each message is a hand-written core with slots (who, what,
when), put in a frame (「再不还钱，…」, "Pay today or …"), then, for a share of both labels alike
so that no style marks a label, rewritten: traditional characters, pinyin for a word, characters
spaced out, Chinese and English mixed, texting style. Hand-written items follow the templates.

Run from the project root (writes src/fairdebt/data/screening_corpus.jsonl)::

    .venv/bin/python benchmarks/screening_corpus.py
    .venv/bin/python benchmarks/screening_train.py     # then retrain the classifier
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

OUT = Path(__file__).parent.parent / "src" / "fairdebt" / "data" / "screening_corpus.jsonl"
SEED = 15

N_ZH = ["张先生", "李女士", "王总", "小刘", "陈师傅", "赵姐", "老周", "孙女士", "你", "您"]
N_EN = ["John", "Maria", "Mr. Lee", "Ms. Patel", "Dave", "Aisha", "Mrs. Chen", "buddy", "pal"]
AMT = ["3200", "5,000", "860", "12000", "1.5万", "两万", "四千八", "980"]
AMT_EN = ["$320", "$5,000", "$86", "$1,200", "£450", "$2,980", "$740"]

# --- prohibited cores: {slot} words filled from SLOTS ---------------------------------------------
SLOTS: dict[str, list[str]] = {
    "harm": ["打断", "打折", "废了", "卸了", "弄断", "砸烂", "剁了", "掰断"],
    "body": ["腿", "手", "胳膊", "手指头", "狗腿", "骨头", "牙"],
    "kin": ["老婆", "孩子", "儿子", "女儿", "爸妈", "老妈", "家里人", "老公"],
    "third": ["领导", "同事", "老板", "邻居", "亲戚", "朋友", "房东", "同学", "村里人", "家人"],
    "prison": ["坐牢", "蹲号子", "吃牢饭", "进去蹲几年", "踩缝纫机", "进局子", "蹲班房", "判刑"],
    "crime": ["诈骗罪", "恶意透支", "非法占有", "经济犯罪", "骗贷", "刑事案件"],
    "auth": ["法院", "公安局", "派出所", "检察院", "经侦大队", "执行局", "律师事务所", "网警"],
    "ban": ["坐不了高铁", "坐不了飞机", "孩子考不了公务员", "孩子上不了好学校", "这辈子贷不了款",
            "全国银行都不给你开户", "找不到工作", "子女政审过不了"],
    "place": ["朋友圈", "家族群", "你们公司群", "小区业主群", "抖音", "贴吧", "村口", "学校门口"],
    "pic": ["照片", "身份证", "欠款截图", "头像P成遗照", "老赖海报", "家庭住址", "通讯录"],
    "insult": ["垃圾", "废物", "老赖", "人渣", "骗子", "畜生", "败类", "窝囊废", "无赖", "臭不要脸的"],
    "freq": ["每天", "每隔十分钟", "一天二十遍", "半夜", "凌晨三点", "24小时", "轮番", "没日没夜"],
    "fee": ["上门费", "律师费", "手续费", "加急费", "催收服务费", "违约金"],
    "loan": ["信用卡套现", "花呗", "借呗", "网贷", "高利贷", "找亲戚借", "撸口子"],
    "priv": ["我个人微信", "我支付宝", "我私人卡上", "这个私人账户", "我老婆的卡", "我的收款码"],
    "time": ["明天", "今晚", "三天内", "下午五点前", "今天", "这周"],
    "eharm": ["break", "snap", "smash", "bust", "wreck"],
    "ebody": ["legs", "kneecaps", "fingers", "arms", "teeth", "jaw"],
    "ekin": ["wife", "kids", "daughter", "son", "mom", "husband", "family"],
    "ethird": ["boss", "coworkers", "neighbors", "landlord", "pastor", "HR department", "parents",
               "in-laws", "friends", "church"],
    "eprison": ["jail", "prison", "behind bars", "the slammer", "lockup", "a cell", "the pen"],
    "ecrime": ["fraud", "theft by deception", "a felony", "check fraud", "criminal charges"],
    "eauth": ["the county court", "the sheriff's office", "the police", "the district attorney",
              "the FBI", "the courthouse", "Officer Daniels"],
    "einsult": ["deadbeat", "loser", "scumbag", "leech", "freeloader", "bum", "lowlife", "parasite",
                "piece of trash", "idiot"],
    "eplace": ["Facebook", "your town's group page", "Instagram", "every lamp post on your street",
               "your work Slack", "Nextdoor", "the church bulletin board"],
    "efreq": ["every hour", "all night", "day and night", "nonstop", "20 times a day",
              "every 15 minutes", "around the clock"],
    "efee": ["processing fee", "collector fee", "field visit fee", "legal fee", "rush fee"],
    "eloan": ["payday loan", "cash advance", "title loan", "new credit card", "loan from your 401k"],
    "epriv": ["my personal Venmo", "my Cash App", "gift cards", "my own account", "my Zelle",
              "bitcoin"],
}

BAD_ZH: dict[str, list[str]] = {
    "V": [
        "找人{harm}你的{body}", "小心你{kin}出门被车撞", "{time}带几个兄弟去你家，{harm}你{body}",
        "你{kin}在哪上学我们都清楚，放学路上注意点", "信不信我让你见血", "半夜回家走夜路小心点",
        "再躲着我，就让你躺着进医院", "你家那辆车轮胎哪天被扎了可别怪我", "我们有的是办法收拾你",
        "你{kin}天天几点出门我都知道", "拿刀去你公司等你", "我不保证你{kin}的安全",
        "弄不死你也让你脱层皮", "到时候缺胳膊少腿别怪我没提醒", "泼你家门口一桶油漆算轻的",
    ],
    "L": [
        "你这已经构成{crime}，{time}就去报案", "不还钱等着{prison}吧", "你这个情况要{prison}的",
        "警察{time}上门抓你", "我们已经把材料交给公安，准备立案", "这属于{crime}，够判三年",
        "马上移送经侦，等着被拘留", "你已经上了网上追逃名单", "再拖下去要负刑事责任",
        "欠钱不还就是犯法，会被抓的", "送你进去蹲几年就老实了", "到时候戴着手铐被带走别哭",
        "等着你的是{prison}", "你这是骗贷，要坐几年的", "再不处理{time}就把你送进去",
    ],
    "I": [
        "我是{auth}的，你的案子已经转过来了", "这里是{auth}，请配合调查", "我们是{auth}执行科的",
        "我这边是市{auth}，你的欠款已立案", "本人是{auth}的办案人员", "{auth}通知：你被列为被执行人",
        "我是你借款平台的法务律师，代表{auth}通知你", "我们这边是司法调解中心，受法院委托",
        "这里是{auth}，你名下财产即将被查封", "我是公安局的王警官，你涉及一个案子",
    ],
    "B": [
        "不还就上全国黑名单", "马上把你拉进征信黑名单，{ban}", "征信黑了你{ban}",
        "你已经被列入失信人员，{ban}", "所有银行都会拒绝你，永远", "影响你三代人的征信",
        "你全家都要上黑名单", "再不还，{ban}，一辈子翻不了身", "你的名字会被报到全国金融系统，终身借不到钱",
        "上了黑名单连火车票都买不了", "我们会通知所有平台拉黑你",
    ],
    "T": [
        "{time}就打电话给你{third}说你欠钱不还", "再不还就通知你{third}", "把你欠钱的事告诉你{third}",
        "你{third}的电话我们都有，一个一个打", "让你{third}都知道你是老赖", "我们会去你单位找你{third}聊聊",
        "外访人员{time}到你家门口等你，到时候邻居都看得到", "把催收函寄到你{third}那里",
        "你通讯录里的人我们会挨个打过去", "我们有你{third}的号码", "当着你{third}的面要账",
        "明天去你公司，让全公司都知道", "你{third}会收到我们的短信",
    ],
    "P": [
        "把你的{pic}发到{place}", "再不还你的{pic}就挂到{place}", "把你的{pic}做成海报贴满{place}",
        "你的{pic}我们都有，准备曝光", "给你P张图发到网上", "把你的身份证和住址公布出去",
        "你的{pic}会出现在{place}", "把你老赖的照片打印出来贴你家楼下",
    ],
    "A": [
        "你就是个{insult}", "像你这种{insult}活着有什么用", "{insult}，还钱", "你这个{insult}，不要脸",
        "全家不得好死", "你妈没教你欠债还钱吗，{insult}", "臭{insult}，装什么死",
        "你们这种{insult}就该去死", "sb一个", "nmsl，赶紧还", "不要脸的东西", "你个狗东西",
        "脸都不要了是吧，{insult}", "欠钱不还的{insult}", "你这种人活该穷一辈子",
    ],
    "H": [
        "{freq}给你打电话，直到你还钱", "我们会{freq}轮流打爆你电话", "{freq}上门堵你",
        "不还就天天在你家门口守着", "你不接就一直打，打到你接为止", "我们会一直跟着你，你走哪跟哪",
        "{freq}发短信轰炸你", "用一百个号码轮流打你", "天天去你公司楼下等你",
    ],
    "F": [
        "先交{fee}才能给你办分期", "用{loan}先把我们的还上", "钱转到{priv}，别走公司账户",
        "扫{priv}，私下了结", "不交{fee}就不给你减免", "去借{loan}也得今天还上",
        "把钱打到{priv}就算你还了", "再加收一笔{fee}，一共{amt}",
    ],
    "M": [
        "你的欠款已经滚到{amt}了，利息一天一千", "不还的话欠款翻三倍", "你现在要还本金的两倍",
        "逾期一天罚五百", "你欠的已经涨到十万了", "违约金加罚息，一共要还{amt}，少一分都不行",
        "你这笔账再拖一周就翻倍", "今天不还明天就多收{amt}",
    ],
    "C": [
        "别打客服，直接加我私人微信", "我是谁你别管，还钱就行", "打我自己的手机号，别找公司",
        "用我这个私人号码联系我，别走官方", "我们私下解决，不要告诉平台", "不用管我是哪家公司的",
        "这个号是我私人的，有事加我微信说", "别找你们那个客服，找我就行",
    ],
    "Q": [
        "这笔账虽然过了好几年，不还照样起诉你", "陈年旧账我们也会告你", "十年前的欠款照样能让你上法庭",
        "过了诉讼时效也一样告你", "老账也要算，不还就起诉", "五年前的钱也得还，不然法院见",
    ],
}
FRAME_ZH = [
    "{c}", "{c}！", "{n}，{c}", "再不还钱，{c}", "最后通知：{c}", "听好了，{c}", "{c}，你自己看着办",
    "限你{time}还清，否则{c}", "别装死，{c}", "{n}，欠{amt}不还是吧？{c}", "我跟你说，{c}",
    "{c}。别说我没提醒你", "今天不处理，{c}",
]

BAD_EN: dict[str, list[str]] = {
    "V": [
        "we'll {eharm} your {ebody}", "something bad might happen to your {ekin}",
        "we know where your {ekin} goes to school", "you better watch your back",
        "my guys will pay you a visit and it won't be friendly", "shame if your car caught fire",
        "I'd hate for your {ekin} to get hurt", "we'll make sure you end up in the hospital",
        "keep dodging and see what happens to you", "we know your {ekin} walks home alone",
        "I'll put you in the ground", "you won't be able to walk when we're done",
    ],
    "L": [
        "you'll go to {eprison} for this", "not paying is {ecrime} and you'll be arrested",
        "the police will come to arrest you", "a warrant is being issued for your arrest",
        "you're facing {ecrime}", "we are pressing criminal charges today",
        "you could spend years in {eprison}", "your case has been sent for prosecution",
        "deputies will pick you up at work", "failure to pay is a crime in this state",
    ],
    "I": [
        "this is {eauth} calling about your case", "I'm calling from {eauth}",
        "this message is from {eauth}", "I am an officer with {eauth}",
        "we are the legal enforcement division of the state", "this is Detective Ray with {eauth}",
        "I'm an attorney with the federal court", "official notice from {eauth}: you must pay",
    ],
    "B": [
        "you'll be blacklisted by every bank", "your credit will be ruined forever",
        "no lender in the country will touch you", "we'll flag you nationwide for life",
        "your kids' credit will suffer too", "you'll never get a mortgage or a car loan again",
        "you're going on the national deadbeat list", "we'll ban you from every bank for good",
    ],
    "T": [
        "we'll call your {ethird} and tell them you owe", "we have your {ethird}'s number",
        "your {ethird} will hear about this debt", "we'll let your {ethird} know what you did",
        "our field agent will wait outside your house so your neighbors can see",
        "we'll show up at your work in front of your {ethird}",
        "everyone in your contacts will get a text about you", "I'm going to email your {ethird}",
        "we'll be talking to your {ethird} tomorrow", "we'll knock on every door on your street",
    ],
    "P": [
        "we'll post your photo on {eplace}", "your mugshot goes up on {eplace}",
        "we'll share your ID and address on {eplace}", "flyers with your face all over {eplace}",
        "we'll put your debt on {eplace} for everyone to see", "your pictures are going online",
    ],
    "A": [
        "you're a {einsult}", "{einsult}s like you never pay", "listen here you {einsult}",
        "what a pathetic {einsult}", "pay up, you worthless {einsult}", "you f***ing {einsult}",
        "shut up and pay, {einsult}", "you people are all {einsult}s", "losers like you make me sick",
        "nmsl pay now", "sb, where is my money", "you piece of garbage", "stupid {einsult}",
    ],
    "H": [
        "we'll call you {efreq} until you pay", "expect calls {efreq}", "we'll keep ringing {efreq}",
        "we will blow up your phone {efreq}", "we'll follow you everywhere you go",
        "we'll be outside your house {efreq}", "get ready for texts {efreq}",
    ],
    "F": [
        "pay the {efee} first or no deal", "take out a {eloan} to pay us today",
        "send it to {epriv}, not the company", "pay with {epriv} right now",
        "there's a $95 {efee} added if you want the plan", "use a {eloan} and clear this today",
    ],
    "M": [
        "your balance doubled overnight", "you now owe three times the original amount",
        "every day late adds $100", "the debt is now {eamt} with penalties, no arguing",
        "we've added {eamt} in extra charges", "it's tripled since last month",
    ],
    "C": [
        "don't call the office, text my cell", "never mind who I'm with, just pay",
        "reach me on my personal number, not the company line", "let's settle this privately",
        "who I work for doesn't matter", "don't bother with customer service, deal with me",
    ],
    "Q": [
        "that old debt from 2012 can still get you sued", "even though it's old we will take you to court",
        "time limits don't matter, we'll sue", "this ten-year-old balance is going to court",
        "old debts never die, see you in court",
    ],
}
FRAME_EN = [
    "{c}", "{c}!", "{n}, {c}", "pay today or {c}", "final warning: {c}", "listen, {c}",
    "{c}. don't say we didn't warn you", "{n}, you owe {eamt}. {c}", "if you don't pay by friday {c}",
    "last chance. {c}", "{c}, your choice", "ignore this and {c}",
]

# --- compliant cores (hard: the same nouns and verbs, lawful) -------------------------------------
OK_ZH = [
    "您的借款本期应还{amt}元，已逾期{d}天，请通过官方APP还款", "温馨提示：您的账单将于{m}月{d}日到期",
    "可为您申请分期还款方案，每期{amt}元，详询客服热线", "逾期信息将按规定报送征信，请及时处理",
    "我们不会联系您的家人或单位，请放心", "我们不会因为逾期对您采取任何违法措施",
    "我们绝不会上门骚扰您，如有疑问请拨打官方客服", "请勿向任何个人账户转账，谨防诈骗",
    "如遇自称公安、法院的人员要求转账，请立即报警", "我司已依法向人民法院提起诉讼，案号见附件",
    "根据法院判决，请于{m}月{d}日前履行还款义务", "您有权对欠款金额提出异议，我们将在五个工作日内核实",
    "如您遇到困难，可申请延期还款或减免罚息", "本公司工号{d}的催收员将于工作时间与您联系",
    "请通过官方渠道还款，我们不会通过私人微信收款", "外访人员将于{m}月{d}日上午上门拜访，届时出示工作证件",
    "感谢您的还款，您的账户已结清", "您已成功办理分期，下期还款日为{m}月{d}日",
    "我们从不以坐牢、拘留等方式威胁客户", "逾期不会导致坐牢，请您放心并尽快与我们协商",
    "如对催收方式不满，可拨打投诉电话或向监管部门反映", "您的欠款本金{amt}元，罚息按合同约定计算",
    "为保护您的隐私，我们不会向任何第三方透露您的欠款", "请核实本短信来源，官方客服号码为95xxx",
    "您好，我是XX消费金融的客服小王，提醒您按时还款", "如已还款请忽略本短信",
    "您可以通过法院、仲裁等合法途径维护您的权益", "本息合计{amt}元，可为您减免部分罚息",
    "请您于{time}前联系我们，商量一个合适的还款计划", "我们理解您的难处，可以先还一部分",
    "我们不会把您的照片或个人信息发到网上", "催收人员不得辱骂、威胁客户，如遇此类情况请投诉",
    "征信记录按规定保存五年，结清后将按时更新", "诉讼时效期间为三年，请知悉您的权利",
    "您的联系人不会收到任何关于欠款的信息", "本公司从不收取任何额外的上门费或手续费",
    "如需结清证明，请在APP内申请", "家人生病导致还款困难的，可提交材料申请缓期",
    "我们已收到您的投诉，将在十五日内答复", "您上次承诺{m}月{d}日还款{amt}元，请按时履约",
    "律师函仅在依法委托后发出，请以官方通知为准", "防范电信诈骗，不要点击陌生链接",
    "您的账户已逾期，为避免影响您的信用，请尽快还款", "我们的工作时间为早八点至晚九点",
    "您可以选择停止接收营销短信，回复TD退订", "请勿相信任何私下减免还款的说法",
]
FRAME_OK_ZH = [
    "{c}", "【XX消费金融】{c}", "尊敬的{n}，{c}", "{n}您好，{c}。", "{c}。如有疑问请致电400-800-{d}00",
    "温馨提示：{c}", "{c}，感谢您的配合", "【官方通知】{c}", "{n}，{c}，祝您生活愉快",
]
OK_EN = [
    "your payment of {eamt} is due on June {d}", "we can offer a payment plan of {eamt} a month",
    "late payments may be reported to credit bureaus as permitted by law",
    "we will not contact your employer about this debt",
    "we will never threaten you with arrest: debt is a civil matter",
    "we will not contact you at work if you tell us it is inconvenient",
    "you have the right to dispute this debt within 30 days", "this is an attempt to collect a debt",
    "we filed a lawsuit in the county court, case number attached",
    "a judgment was entered on May {d}; please contact us about payment",
    "you can ask us to stop calling you at any time", "if you have an attorney, please give us their name",
    "we never ask for payment by gift card or to a personal account",
    "failing to pay a debt is not a crime and you will not be arrested",
    "the law limits how long you can be sued on a debt", "we do not share your debt with your family",
    "hardship options are available if you lost your job", "thanks for your payment, your balance is now $0",
    "reply STOP to opt out of text messages", "our office hours are 9am to 5pm, Monday to Friday",
    "we will not post anything about you online", "you can file a complaint with the CFPB",
    "please verify this message by calling the number on your card",
    "we're sorry to hear about your family emergency; we can pause payments",
    "your next installment of {eamt} is scheduled for July {d}",
    "a missed payment won't ruin your credit forever; let's fix it together",
    "nobody from our company will visit your home without an appointment",
    "this is Sam from Acme Finance, calling about your account", "we will never call you at night",
    "you are not required to pay a time-barred debt, and we will not sue you for it",
    "police will never call to collect a debt; hang up on anyone who says so",
    "you may settle for {eamt} if paid by the end of the month",
    "we have paused collection while we review your dispute",
    "you may have rights under state law; see the notice on the back of this letter",
    "if you are a servicemember, you may have additional protections under the SCRA",
    "you may request the name and address of the original creditor",
    "free, confidential debt advice is available from StepChange or Citizens Advice",
    "if you were the victim of identity theft, please let us know so we can investigate",
    "our legal department can answer questions about your rights under the FDCPA",
    "you can pay by card, bank transfer or at any store using PayNearMe",
    "Killeen Federal Credit Union: your loan payment is past due",
    "Sheriff Street branch: your statement is ready to view online",
    "if you don't pay, we may register a default with credit reference agencies",
    "a default can stay on your credit file for six years",
    "we may contact your employer only to verify your employment, never about the debt",
    "your account has been placed with Acme Recovery, a debt collector",
    "this communication is from a debt collector",
    "you can request a copy of your credit report for free once a year",
    "interest has been frozen while your payment plan is active",
    "we sent a letter to your home address explaining your options",
    "call us back at your convenience; we are here to help",
    "your promise to pay {eamt} on Friday has been recorded",
    "to protect your privacy we will only discuss this account with you",
    "please don't ignore this; contact us so we can agree on an affordable amount",
    "you can speak to a financial counselor at no cost",
    "court fees are only charged if a judge orders them",
    "if you believe you don't owe this, tell us in writing within 30 days",
    "we received your request to stop calls and will only write to you",
    "the police department's credit union branch is closed on Monday",
    "your payment was returned by your bank; please update your card",
    "a representative will call you between 9am and 8pm your time",
    "we cannot accept payments by cash app or gift card for your safety",
    "please upload a photo of your ID through our secure portal to verify your identity",
    "happy holidays to you and your family from all of us at Acme",
    "your son made a payment of {eamt} on your behalf today",
    "after a judgment, the court may allow wage garnishment within legal limits",
    "we are a licensed lender and calls may be recorded for quality",
    "your balance is {eamt} and no extra fees have been added",
    "if you are in hospital, tell us and we will pause contact",
    "the original creditor sold this account to us on March {d}",
]
FRAME_OK_EN = [
    "{c}", "Hi {n}, {c}.", "{n}, {c}. Call 555-01{d}.", "Acme Finance: {c}.", "Reminder: {c}.",
    "{c}. Thank you.", "Dear {n}, {c}. Questions? Reply HELP.", "Good news, {n}: {c}.",
]

#: Hand-written items: slang, paraphrase and mixed-language text written one by one.
HAND_BAD = [
    ("V", "兄弟们已经在你楼下了，自己下来还是我们上去"), ("V", "你那双手还想要的话就赶紧还钱"),
    ("V", "nǐ de tuǐ bù xiǎng yào le ba"), ("V", "ni jia zhu na wo men qing chu de hen"),
    ("L", "zuo lao de wei dao ni xiang chang chang ma"), ("L", "你这个行为 police 会来抓你的"),
    ("L", "等著坐牢吧，不還錢就是詐騙"), ("L", "准备好牙刷毛巾吧，里面可不舒服"),
    ("I", "我係法院嘅，你宗案已經立咗"), ("I", "this is court 执行庭, 你要配合"),
    ("B", "hei ming dan 等着你"), ("B", "上了黑名單全家都受影響"), ("B", "ur credit is dead forever lol"),
    ("T", "ur boss gonna get a call 2day"), ("T", "你老板 phone 我们都有"),
    ("T", "給你全村的人發短信，讓大家評評理"), ("T", "we got ur moms number, she'll hear all about it"),
    ("P", "ur pic going on fb tonite"), ("P", "把你的 photo 发到你们公司群"),
    ("A", "cnm 还钱"), ("A", "tmd 装死是吧"), ("A", "hmd 等着吧 sb"), ("A", "ni shi ge la ji"),
    ("A", "廢物一個，欠錢不還"), ("A", "u r such a loser lmao"), ("A", "stfu and pay deadbeat"),
    ("H", "gonna call u every hr til u pay"), ("H", "我們會天天打到你接為止"),
    ("F", "转我wx就行，别走app"), ("F", "venmo me the money, not the company"),
    ("M", "ur debt tripled bro"), ("M", "利息一天五百，你自己算"),
    ("C", "别管我是谁，加我vx聊"), ("C", "text my cell not the office line"),
    ("Q", "那笔老账照样 sue 你"), ("Q", "old debt or not we'll drag u to court"),
]
HAND_OK = [
    "不会联系您的家人，也不会去您单位", "您的逾期记录不会让您坐牢，请放心", "nin hao, qing an shi huan kuan",
    "您的帳單已逾期，請盡快還款", "您好，這裡是XX銀行信用卡中心，提醒您本期賬單", "hi, ur payment is due fri, thx",
    "请于明天 5pm 前通过 app 还款", "我们 never 会上门骚扰", "we won't call ur boss, promise",
    "您好，本期 bill 已出，请按时还款", "your plan is active, next pmt due 7/15", "可申请 installment plan",
    "如有 dispute 请联系客服", "we don't report to credit bureaus until 30 days late",
    "你好，我是小李，我们可以商量分期", "催收員不會使用私人微信收款", "no one will contact your family",
    "我们不会把您的欠款告诉任何人", "我们绝不会威胁您坐牢，欠款是民事纠纷",
    "we will never threaten you with jail; this is a civil matter",
]

#: A second batch of cores, written after the first model met held-out round 7 (docs/screening.md).
MORE_BAD_ZH = {
    "V": ["你家楼道的灯坏了吧，晚上回家小心台阶", "我们兄弟不讲道理，只讲结果", "你那辆车停在小区门口挺显眼的",
          "别让我们在你{kin}学校门口碰到你", "下次见面就不是说话这么简单了", "你有几根骨头够我们折腾的",
          "你以为换个城市我们就找不到你？", "晚上睡觉记得锁好门", "再不还你就准备去医院躺着吧"],
    "L": ["你这性质已经变了，不是民事是刑事了", "法务已经把你的材料整理好送去派出所了", "你就等着被戴上银手镯吧",
          "这种情况按诈骗处理，少说三年", "再拖着不还，警察叔叔会请你喝茶", "你的案子够立案标准了，等着被传唤吧",
          "进去之后你家里人还得给你送饭"],
    "I": ["我是人民法院执行局的工作人员，现在通知你", "你好，这里是市公安局反诈中心，你的借款涉嫌违法",
          "本人是法院指派的调解法官", "我们是最高法执行部门的，你的名字已经在系统里", "我是检察院的，跟你核实一笔借款",
          "我代表法院给你最后一次机会"],
    "B": ["你的征信我们已经标记了，以后哪家都不敢借你", "影响你子女上学考编政审，你自己想清楚",
          "全国联网，你去哪都是黑户", "你的信用这辈子算是毁了", "以后你连手机号都办不了", "你全家的信用都要被连累"],
    "T": ["你媳妇单位的电话我们查到了", "你爸妈那边我们已经打过招呼了", "要不要让你们老板评评理",
          "我们会挨个通知你微信里的好友", "你表哥说会转告你，我们把你欠钱的事都跟他讲了",
          "你小区物业我们已经联系了", "明天你们公司前台会收到一封关于你的信", "给你家亲戚挨个打电话说说你的事"],
    "P": ["你的裸照我们也有", "你的家庭住址和电话会出现在每个催收群里", "把你做成表情包发网上",
          "你的照片会印在传单上发遍你们小区", "我们会在网上给你开个专帖"],
    "A": ["你脑子有病吧，欠钱还这么横", "白眼狼一个，借钱的时候说得比唱的好听", "你爹妈生你有什么用",
          "丢人现眼的东西", "你这种人就是社会的渣滓", "蠢得跟猪一样", "没脸没皮的老赖", "你算个什么东西",
          "瞧你那穷酸样"],
    "H": ["接下来每个小时都会有人打给你", "你换多少个号码我们都能找到", "我们在你家门口蹲了三天了",
          "你上下班的路线我们都摸清楚了，天天跟着你", "从现在起你的手机别想安静"],
    "F": ["先交五百块的保证金，不然不给你办减免", "把钱转到我老婆的卡上就行", "你可以去借网贷先把我们这个平了",
          "信用卡刷出来先还我们", "现在交个加急费今天就能给你停催", "微信转我，公司那边我帮你说"],
    "M": ["利滚利已经翻了五倍了", "本来三千，现在你得还三万", "每天的违约金是欠款的十分之一",
          "你不还就按照最高罚息算，至少翻两番", "现在一次性还清要交两倍的钱"],
    "C": ["我不是公司的人，你别问那么多", "用我私人微信沟通，公司电话别打", "这事不走公司流程，你跟我单聊",
          "你打官方客服也没用，只有我能处理"],
    "Q": ["那笔十几年前的账照样追你到底，不还就起诉", "过了时效也一样能告，你别心存侥幸",
          "老账新算，法院一样受理"],
}
MORE_BAD_EN = {
    "V": ["it'd be a real pity if your car got keyed tonight", "accidents happen to people who don't pay",
          "we know what time your {ekin} gets off the bus", "nice place you've got, would be a shame to lose it",
          "people who ignore me tend to get hurt", "sleep with one eye open", "my boys are getting restless",
          "you won't like it when we come to collect in person"],
    "L": ["this is criminal theft and the cops are already involved", "you'll be booked and fingerprinted",
          "a judge will put you away for this", "skipping payments is a felony where you live",
          "the sheriff is on his way with a warrant", "you'll be doing time if this isn't paid"],
    "I": ["this is Agent Morris, federal debt enforcement", "I'm calling on behalf of the county prosecutor",
          "official notice from the Department of Justice collections division",
          "this is the state court clerk regarding your case", "Sergeant Bell here from the police department"],
    "B": ["no bank will ever open an account for you again", "we'll make sure you're flagged in every system",
          "your kids will be denied student loans because of you", "you'll be on a permanent blacklist",
          "you'll never rent an apartment again"],
    "T": ["we already spoke to your sister and she's not happy", "your coworkers will get a memo about your debt",
          "I'll be calling your dad at his office", "we'll explain everything to your neighbors",
          "your landlord will hear from us by noon", "we'll let your whole family group chat know",
          "your manager Tom will get an email today", "we're reaching out to everyone on your contact list"],
    "P": ["your photo and address are going up on a debtors page", "we'll post your selfies with a caption about this debt",
          "flyers with your name are being printed", "your ID is going to be shared in local groups"],
    "A": ["you're a pathetic excuse for an adult", "what kind of lowlife doesn't pay his bills",
          "you worthless moocher", "grow up and pay, you spineless coward", "you're garbage and everyone knows it",
          "you useless sack of crap", "your mother must be ashamed of you"],
    "H": ["your phone will ring every ten minutes until you pay", "we'll park outside your house every night",
          "expect us at your door every morning", "we'll text you from a new number every hour",
          "we'll follow you to work every day"],
    "F": ["borrow it from your parents and pay us today", "put it on a credit card, I don't care how",
          "send the money to my PayPal, not the office", "there's a $200 fee to stop the calls",
          "buy gift cards and read me the numbers", "take a cash advance and clear this now"],
    "M": ["your $300 balance is now $3,000", "we add $50 every single day you're late",
          "you owe five times what you borrowed now", "with our fees it's quadrupled"],
    "C": ["I won't tell you what company I'm with", "forget the official line, message me here",
          "we can handle this off the books", "don't go through the company, pay me directly"],
    "Q": ["it's a 15-year-old debt but we'll still sue you", "old or not, we're taking this to court",
          "the statute of limitations won't save you, see you in court"],
}
MORE_OK_ZH = [
    "您的账户目前处于逾期状态，为避免产生更多罚息，请尽快还款", "请您在方便的时候回电，我们一起商量还款安排",
    "我们不会向您的亲友透露任何借款信息", "您的投诉我们已转交合规部门处理", "欠款逾期不会被判刑，请勿相信恐吓信息",
    "如您被人以征信、坐牢等名义恐吓，请拨打官方客服投诉", "律师提醒：民间借贷纠纷属于民事案件",
    "我们已为您申请暂停催收十五天", "还款后请保留凭证，以便核对", "孩子上学用钱紧的话，可以申请延期一个月",
    "本公司催收员均持证上岗，通话全程录音", "您的邻居不会收到任何关于您的信息", "您可以选择到营业网点现场办理还款",
    "根据监管要求，我们每天联系您不超过三次", "您的逾期记录已在结清后更新", "您好，我们是XX银行，您的信用卡已逾期12天",
    "我们尊重您的隐私，不会上门打扰", "诉讼不是我们的首选，希望与您协商解决", "法院判决后，执行由法院依法进行",
    "若您认为本笔债务有误，可提供材料申请复核", "请勿将验证码告诉任何人", "您本月已还款，下月无需操作",
    "SB公司的工作人员不会向您索要密码", "您的楼号2B已登记为账单地址",
]
MORE_OK_EN = [
    "your account is 45 days past due; please call us to discuss options", "we'd rather work out a plan than go to court",
    "if someone threatens you with jail over a debt, report them to us", "your neighbors will never hear from us",
    "we only call between 8am and 9pm and never on holidays", "you can send payment to the address on your statement",
    "under SB 1234, you have new rights about medical debt", "your unit 2B address has been updated",
    "we won't share your information with anyone but you", "the court case was dismissed after your payment",
    "collection has stopped while we verify the debt", "we appreciate your partial payment of {eamt}",
    "talk to us before it grows; we can waive late fees", "we'll send a written notice before any legal action",
    "you are welcome to have a lawyer or friend on the call", "your family members are not responsible for this debt",
    "we never visit your workplace", "your kids' credit is not affected by your debt",
    "please do not send cash through the mail", "this message is from Acme Recovery, a licensed collection agency",
    "you can review your credit report for errors for free", "no payment is required while your dispute is open",
    "hey, just a friendly nudge that your payment is due tomorrow", "sorry we missed you! call back anytime",
]

#: A third batch: questions, politeness that threatens, long letters, emoji, whole-sentence pinyin.
THIRD_BAD_ZH = {
    "V": ["你想让你{kin}天天提心吊胆过日子吗", "要不要我们派人去你家坐坐，顺便认识一下你{kin}", "友情提示：夜里一个人别去停车场",
          "😊 你家门锁挺结实吧", "ni zui hao xiao xin dian", "你猜我们现在在哪？你家楼下"],
    "L": ["请问您是想在看守所里过年吗", "友情提醒：拒不还款属于违法犯罪，公安机关会依法处理", "ni deng zhe zuo lao ba",
          "你是想坐几年牢才肯还钱？", "本中心已将您的骗贷行为移交司法机关"],
    "I": ["【人民法院】您的借款纠纷案已进入强制执行程序，请联系书记员", "【公安提醒】您涉嫌恶意拖欠，请到辖区派出所说明情况",
          "我是xx律所的主任律师，法院委托我通知您", "这里是仲裁委，你已被裁定败诉"],
    "B": ["你想让你孩子以后政审过不了吗？", "你一个人不要紧，连累孩子考公就不好了吧", "hei ming dan shang le jiu xia bu lai le",
          "友情提示：失信名单会同步到所有航空公司和铁路"],
    "T": ["请问您希望我们先联系您的父亲还是您的领导？", "您同事张某某的电话是您留的紧急联系人吧，我们这就打", "要不我去你们单位当面跟你谈？当着你同事的面",
          "你老婆知道你在外面欠这么多钱吗？要不要我们告诉她", "您家人电话已在我们外呼名单中"],
    "P": ["您的个人信息即将在催收公示平台公开", "我们已经把你的资料整理成曝光帖，今晚发", "你女儿朋友圈的照片我们都存了"],
    "A": ["欠钱不还，你还是人吗？", "请问您的脸皮是什么做的？", "这么大人了还赖账，你爸妈怎么教的", "穷鬼就别借钱", "loser，还不还"],
    "H": ["我们每天会准时七点给你打电话，风雨无阻", "以后你下班我们都会在公司门口接你", "你拉黑一个号我们换十个号"],
    "F": ["可以先在别的平台借一笔周转一下，还完我们再说", "转账备注写还款，转到下面这个个人账户", "办理减免需要先交一笔风险保证金"],
    "M": ["您的欠款已产生高额违约金，目前应还五万元", "不还的话每天加收百分之十的罚息"],
    "C": ["工号就不报了，你知道我是催款的就行", "这个微信号是我私人的，别截图给客服"],
    "Q": ["虽然是2010年的借款，但我们仍将向法院起诉您"],
}
THIRD_BAD_EN = {
    "V": ["do you really want your {ekin} to find out the hard way?", "we'd hate for anything to happen to that pretty face",
          "how's the new baby? would be a shame if...", "you seem to enjoy having working legs 🙂",
          "just a friendly reminder that we know where you park"],
    "L": ["would you prefer to discuss this with a judge from a jail cell?", "kindly be advised that non-payment will result in your arrest",
          "we've filed a police report for theft of services", "you're one missed payment away from handcuffs"],
    "I": ["NOTICE FROM THE SUPERIOR COURT: contact our collections officer immediately", "hello, this is Lieutenant Grant with the county sheriff",
          "I'm with the attorney general's debt recovery task force"],
    "B": ["do you want your children paying for your mistakes on their credit?", "kindly note you will be permanently barred from all lenders"],
    "T": ["should we call your wife or your boss first?", "would your coworkers like to know about this?", "we're happy to discuss this with your father if you won't",
          "your emergency contact will be receiving a call about your balance today"],
    "P": ["your profile and debt will be featured on our public wall of shame", "we've prepared a post with your photo for the local Facebook group"],
    "A": ["are you really this stupid or just pretending?", "how do you live with yourself, you leech?", "grown adult acting like a child, pathetic"],
    "H": ["we'll be calling at 6am every day until you answer", "block us and we'll use another number, and another"],
    "F": ["you can always borrow from a payday lender and pay us the same day", "send a money order made out to me personally"],
    "M": ["kindly note your balance has increased to five times the original amount"],
    "C": ["I'd rather not say which agency I'm with", "let's keep this between us and off the recorded line"],
    "Q": ["though this debt is from 2008, we intend to file suit immediately"],
}
THIRD_OK_ZH = [
    "请问您方便在什么时间接听我们的电话？", "您是否需要我们为您申请延期还款？", "您好，请问您对账单金额有疑问吗？",
    "😊 温馨提示，明天是您的还款日哦", "您的欠款我们只会与您本人沟通，请问现在方便吗", "您好，我是XX金融的回访专员，工号1023，请问您是李先生本人吗",
    "为保障您的权益，本次通话将被录音", "您可以先还最低额，剩余部分我们帮您申请分期", "如果您觉得我们的催收方式有问题，欢迎随时投诉",
    "您的案件已撤诉，感谢您的配合", "法院调解书已生效，请按调解书约定分期履行", "nin hao, ni de huan kuan ri shi ming tian",
    "您好，系统显示您已逾期，请问是遇到什么困难了吗？", "我们不会联系您的紧急联系人，除非无法联系到您本人，且只询问您的联系方式",
]
THIRD_OK_EN = [
    "would a smaller monthly payment help you right now?", "is now a good time to talk about your account?",
    "do you have any questions about the amount we say you owe?", "😊 friendly reminder: your payment is due tomorrow",
    "kindly note this call may be recorded for training purposes", "we're sorry for the trouble; the late fee has been removed",
    "the lawsuit was withdrawn after your settlement", "the court approved your payment plan of {eamt} a month",
    "should we call you in the morning or the evening?", "would you like us to email you a copy of the agreement?",
    "we only contact your emergency contact to ask how to reach you, never about the debt",
    "if we can't reach you, we'll send a letter, nothing more",
]

for _k, _v in (*MORE_BAD_ZH.items(), *THIRD_BAD_ZH.items()):
    BAD_ZH[_k] += _v
for _k, _v in (*MORE_BAD_EN.items(), *THIRD_BAD_EN.items()):
    BAD_EN[_k] += _v
OK_ZH += MORE_OK_ZH + THIRD_OK_ZH
OK_EN += MORE_OK_EN + THIRD_OK_EN

#: Neutral text that uses the threats' nouns (family, employer, police, court, hospital, photo)
#: in ordinary sentences, so that a noun alone is no evidence: notices, service messages, chat.
NEUTRAL_ZH = [
    "您{kin}的医保卡已办好，请到窗口领取", "家长会通知：请各位家长本周五下午到校", "您的快递已放在小区门口快递柜",
    "{auth}办事大厅周一至周五对外办公", "您预约的体检时间为{m}月{d}日上午九点", "公司年会定于{m}月{d}日举行，请各部门{third}准时参加",
    "请上传近期免冠照片用于办理证件", "您的{kin}已成功为您充值话费", "本周六小区停水，请提前储水", "医院挂号成功，就诊时间为明天上午",
    "您的航班已值机成功，祝您旅途愉快", "孩子的校车时间调整为早上七点半", "派出所户籍窗口办理身份证需本人到场", "法院旁边的停车场本周维修",
    "您好，您的{third}推荐您办理我行储蓄卡", "老板说明天开会讨论年度计划", "邻居家的猫跑到我们阳台上了", "请于{m}月{d}日前提交报销单据",
    "您的社保缴费已成功", "今天天气晴，适合带{kin}出去走走", "律师事务所招聘启事：欢迎应届毕业生投递简历", "您的个人信息已更新成功",
    "周末和同事一起去爬山", "感谢您参加本次问卷调查", "您订的蛋糕已送到家门口", "学校通知：明天放假一天", "您的车辆年检即将到期",
    "物业提醒：电梯明天上午例行检修", "您的包裹因地址不详被退回", "银行网点营业时间调整通知",
]
NEUTRAL_EN = [
    "your {ekin}'s bus pass is ready for pickup", "the courthouse is closed on Monday for the holiday",
    "your appointment at the hospital is confirmed for June {d}", "the police department is hiring crossing guards",
    "please upload a recent photo for your new card", "your {ethird} referred you to our savings account",
    "your package was left at the front door", "the school bus schedule changes next week",
    "reminder: parent-teacher night is on Thursday", "your flight is confirmed, have a great trip",
    "our office will be closed for the holidays", "your neighbors' package was delivered to you by mistake",
    "your {ekin} added you to the family plan", "your profile photo was updated", "the sheriff's office hosts a safety fair on Saturday",
    "thanks for attending our community event", "your prescription is ready at the pharmacy", "the court of appeals published new guidance today",
    "your boss approved your vacation request", "we sent your tax documents by mail", "the bank branch on Main Street is moving",
    "happy birthday from your friends at the credit union", "your car is due for an oil change", "your subscription renews on the 15th",
    "please review the attached invoice", "the lecture on criminal law starts at 10am", "your daughter's school photos are ready",
    "your coworker shared a document with you", "the jail visiting hours page has moved", "you have a new message from your landlord",
]

#: Lawful English with the everyday verbs threats also use (get, take, know, see, keep, let, tell).
MORE_OK_EN_VERBS = [
    "if you are struggling, you can get free debt advice from a charity", "you can get help from a free money adviser",
    "let us know if your circumstances change", "we know times are hard; take the time you need to reply",
    "you'll get a letter confirming your new plan", "we'll keep your details safe and private",
    "see our website for ways to pay", "tell us what you can afford and we'll see what we can do",
    "you can take a payment holiday of up to two months", "we'll call you back at a time that suits you",
    "keep this message for your records", "you'll never be charged for setting up a plan",
    "come to any branch and we'll help you in person", "make a payment any time in the app",
    "we'll let you know before anything changes on your account", "get in touch if you think this is wrong",
    "you can see your balance and statements online", "take a look at your options on our help page",
    "we're here to help, not to judge", "your family can call on your behalf if you give permission",
    "get your free budget planner at our website", "we'll stop calling if you ask us in writing",
    "your employer won't be told anything about this account", "know your rights: read the enclosed leaflet",
    "no action will be taken while we discuss your plan", "impartial advice is available from MoneyHelper and StepChange",
    "please call when you're ready; there's no pressure", "you can keep paying what you agreed, nothing more",
    "we will get back to you within five working days", "if you've already paid, please ignore this message",
]
OK_EN += MORE_OK_EN_VERBS

_TC = None


def _trad(text: str) -> str:
    global _TC
    if _TC is None:
        import opencc

        _TC = opencc.OpenCC("s2t")
    return str(_TC.convert(text))


def _pinyin_word(text: str, rng: random.Random) -> str:
    """Spell a two- or three-character run of the message in pinyin."""
    from pypinyin import lazy_pinyin

    runs = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if len(runs) < 3:
        return text
    i = rng.choice(runs[:-2])
    k = rng.choice((2, 3))
    chunk = text[i : i + k]
    if not all("\u4e00" <= c <= "\u9fff" for c in chunk):
        return text
    sep = rng.choice(("", " "))
    return text[:i] + sep.join(lazy_pinyin(chunk)) + text[i + k :]


def _spaced(text: str, rng: random.Random) -> str:
    sep = rng.choice((" ", "*", ".", "-", " "))
    i = rng.randrange(max(1, len(text) - 4))
    return text[:i] + sep.join(text[i : i + 4]) + text[i + 4 :]


_TXT_EN = {
    "you": "u", "your": "ur", "are": "r", "tonight": "tonite", "today": "2day", "tomorrow": "2moro",
    "before": "b4", "people": "ppl", "please": "pls", "thanks": "thx", "going to": "gonna",
}
_MIX = {
    "老板": "boss", "钱": "money", "警察": "police", "照片": "photo", "电话": "phone", "还款": "repay",
    "公司": "company", "家人": "family", "法院": "court", "明天": "tomorrow", "微信": "wechat",
}


def _texting(text: str) -> str:
    out = text.lower()
    for a, b in _TXT_EN.items():
        out = re.sub(rf"\b{a}\b", b, out)
    return out.rstrip(".!")


def _mix(text: str, rng: random.Random) -> str:
    keys = [k for k in _MIX if k in text]
    if not keys:
        return text
    k = rng.choice(keys)
    return text.replace(k, f" {_MIX[k]} ", 1).strip()


def _style(text: str, lang: str, rng: random.Random) -> tuple[str, str]:
    """Rewrite a share of messages, whatever their label: the same styles on both sides."""
    roll = rng.random()
    if lang == "zh":
        # 您 or 你 says nothing about a label: lenders write 你, collectors write 您.
        if "您" in text and rng.random() < 0.4:
            text = text.replace("您", "你")
        elif "你" in text and rng.random() < 0.25:
            text = text.replace("你", "您")
        if roll < 0.15:
            return _trad(text), "traditional"
        if roll < 0.27:
            return _pinyin_word(text, rng), "pinyin"
        if roll < 0.35:
            return _spaced(text, rng), "spaced"
        if roll < 0.47:
            return _mix(text, rng), "mixed"
        return text, "plain"
    if roll < 0.2:
        return _texting(text), "texting"
    if roll < 0.3:
        return text.upper(), "caps"
    return text, "plain"


def _fill(template: str, rng: random.Random) -> str:
    values = {k: rng.choice(v) for k, v in SLOTS.items()}
    values |= {
        "n": rng.choice(N_ZH),
        "amt": rng.choice(AMT),
        "eamt": rng.choice(AMT_EN),
        "d": str(rng.randint(1, 28)),
        "m": str(rng.randint(1, 12)),
    }
    return template.format(**values)


def _en_fill(template: str, rng: random.Random) -> str:
    return _fill(template.replace("{n}", rng.choice(N_EN)), rng)


def _compound(core: str, lawful: str, joint: str, rng: random.Random) -> str:
    """A core and a lawful sentence in either order: a threat hides in boilerplate, and a
    lawful message runs to two sentences."""
    return f"{lawful}{joint}{core}" if rng.random() < 0.5 else f"{core}{joint}{lawful}"


def _frame(own: list[str], other: list[str], rng: random.Random) -> str:
    """A frame of the label's own kind, or three times in ten the other label's: a threat can
    come in a lender's letterhead and a lawful reminder after 「最后通知」, so frames say nothing."""
    return rng.choice(other if rng.random() < 0.3 else own)


def make_corpus(per_label: int = 3300, seed: int = SEED) -> list[dict[str, object]]:
    """``per_label`` prohibited and as many compliant messages, zh and en, deterministic."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict[str, object]] = []

    def add(
        text: str, label: int, category: str | None, lang: str, style: str, group: str = "hand"
    ) -> bool:
        text = " ".join(text.split()) if lang == "en" else text.strip()
        if text in seen:
            return False
        seen.add(text)
        rows.append(
            {
                "text": text,
                "label": label,
                "category": category,
                "lang": lang,
                "style": style,
                "group": group,
            }
        )
        return True

    for category, text in HAND_BAD:
        add(text, 1, category, "en" if text.isascii() else "zh", "hand")
    for text in HAND_OK:
        add(text, 0, None, "en" if text.isascii() else "zh", "hand")
    categories = sorted(BAD_ZH)
    tries = 0
    while sum(1 for r in rows if r["label"] == 1) < per_label and tries < 50 * per_label:
        tries += 1
        category = categories[tries % len(categories)]
        if rng.random() < 0.5:
            pick = rng.randrange(len(BAD_ZH[category]))
            core = _fill(BAD_ZH[category][pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _fill(rng.choice(OK_ZH), rng), "，", rng)
            text = _fill(_frame(FRAME_ZH, FRAME_OK_ZH, rng).replace("{c}", core), rng)
            text, style = _style(text, "zh", rng)
            add(text, 1, category, "zh", style, f"zh-{category}-{pick}")
        else:
            pick = rng.randrange(len(BAD_EN[category]))
            core = _en_fill(BAD_EN[category][pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _en_fill(rng.choice(OK_EN), rng), ". ", rng)
            frame = _frame(FRAME_EN, FRAME_OK_EN, rng)
            text = _en_fill(frame.replace("{c}", core), rng)
            text, style = _style(text[0].upper() + text[1:], "en", rng)
            add(text, 1, category, "en", style, f"en-{category}-{pick}")
    tries = 0
    while sum(1 for r in rows if r["label"] == 0) < per_label and tries < 50 * per_label:
        tries += 1
        if rng.random() < 0.2:
            zh = rng.random() < 0.5
            pool = NEUTRAL_ZH if zh else NEUTRAL_EN
            pick = rng.randrange(len(pool))
            text = _fill(pool[pick], rng) if zh else _en_fill(pool[pick], rng)
            lang = "zh" if zh else "en"
            text, style = _style(text if zh else text[0].upper() + text[1:], lang, rng)
            add(text, 0, None, lang, style, f"{lang}-neutral-{pick}")
            continue
        if rng.random() < 0.5:
            pick = rng.randrange(len(OK_ZH))
            core = _fill(OK_ZH[pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _fill(rng.choice(OK_ZH), rng), "，", rng)
            text = _fill(_frame(FRAME_OK_ZH, FRAME_ZH, rng).replace("{c}", core), rng)
            text, style = _style(text, "zh", rng)
            add(text, 0, None, "zh", style, f"zh-ok-{pick}")
        else:
            pick = rng.randrange(len(OK_EN))
            core = _en_fill(OK_EN[pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _en_fill(rng.choice(OK_EN), rng), ". ", rng)
            text = _en_fill(_frame(FRAME_OK_EN, FRAME_EN, rng).replace("{c}", core), rng)
            text, style = _style(text, "en", rng)
            add(text, 0, None, "en", style, f"en-ok-{pick}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=3300)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = make_corpus(args.per_label)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    labels = Counter(int(str(r["label"])) for r in rows)
    cats = Counter(str(r["category"]) for r in rows if r["label"] == 1)
    styles = Counter(str(r["style"]) for r in rows)
    print(f"{len(rows)} messages: {dict(labels)}; categories {dict(sorted(cats.items()))}")
    print(f"styles {dict(styles)} -> {args.out}")


if __name__ == "__main__":
    main()
