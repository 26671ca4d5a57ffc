"""Harm for sale and people exposed: ads and requests for drugs by street name, forged
papers, loan sharks, gambling sites, account theft for hire, stolen card data and sex
services; and an address or phone number posted with a call to go there.

None of these needs a harmful word: 出冰、同城当面交易 and "Fullz for sale, escrow" are
ordinary words in a trader's order, and the embedding heads score such ads as small talk
(0.00-0.11 on the session-13 probe). Each shape wants the goods *and* the trade, so a
news report of a drug bust or a warning about loan sharks (反诈提醒) does not match.

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation).
"""

from __future__ import annotations

import re

from safety.threats import Shape

# The trader's words: how to reach them, the price, the terms.
_TRADE_ZH = (
    r"(?:同城|当面交易|见面交易|量大从优|暗号|加v|加微|加我|私我|私聊|私信|详聊|靠谱的|价格好说|渠道|本地的|"
    r"钓鱼|"
    r"价格|包邮|现货|有货|出货|收货|下单|联系方式|见主页|见简介|qq|先付|定金)"
)
_DRUG_ZH = (
    r"(?:冰毒|溜冰|冰妹|叶子|k粉|麻古|摇头丸|大麻|神仙水|笑气|"
    r"海洛因|白粉|可卡因|邮票|飞叶子|出冰|有冰)"
)
# 出冰、出叶子，同城当面交易; 求购K粉和麻古…靠谱的私我
_DRUG_EN = (
    r"(?:coke|molly|mdma|xans?|percs?|oxys?|shrooms|meth|crystal|tina|ket|fent|tabs|carts|lean|"
    r"addys|pressed pills|pressies)"
)
_DRUGS = re.compile(
    rf"(?:出|卖|有|收|求购|求|买|搞到|代购|批发|到货|整点|搞点|弄点|来点)\S{{0,4}}{_DRUG_ZH}\S{{0,30}}{_TRADE_ZH}|"
    rf"{_TRADE_ZH}\S{{0,30}}(?:出|卖|求购|买)\S{{0,4}}{_DRUG_ZH}|"
    rf"\b(?:plug|connect) for {_DRUG_EN}\b|"
    rf"\b(?:selling|got|plug for|anyone (?:got|selling)|need a plug for)\b.{{0,30}}\b{_DRUG_EN}\b"
    r".{0,40}\b(?:dm|hmu|hit me up|"
    r"telegram|wickr|snap|discreet|shipping|delivery|price|per (?:gram|g|oz))\b"
)
# 办理身份证、驾驶证、学历证书，全国联网可查，三天出证; fake IDs that scan
_PAPERS = re.compile(
    r"(?:办理?|代办|制作|做)\S{0,8}(?:身份证|驾驶证|驾照|学历|毕业证|学位证|文凭|护照|结婚证|房产证|"
    r"假证)\S{0,30}(?:出证|可查|联网|包过|加急|天出|包真|联系)|(?:办|做|卖)(?:假证|假身份证|假驾照)|"
    # 办z：毕业z、驾z、sfz都能做: the papers by their initials
    r"(?:毕业|驾)z\S{0,20}(?:可查|能做|都能做|验货)|\bsfz\S{0,20}(?:可查|能做|都能做|验货)|"
    r"\b(?:makes?|selling|sell|order|get) (?:\w+ ){0,2}?fake (?:ids?|driver'?s licen[cs]es?|"
    r"passports?|diplomas?)\b.{0,50}\b(?:scan|scanners?|pass|bouncers?|will pay|cash|dm|hologram)\b"
)
# 无抵押秒下款，借一万到手七千…逾期通讯录全家爆: the loan shark's ad and its threat
_LOAN_SHARK = re.compile(
    r"(?:无抵押|不看征信|黑户|无视黑白)\S{0,15}(?:下款|放款|借款|贷)\S{0,40}(?:逾期|爆|到手)|"
    r"逾期\S{0,8}(?:通讯录|爆通讯录|全家爆|爆全家)"
)
# 澳门葡京线上赌场，首充送100%，真人荷官百家乐
_GAMBLING = re.compile(
    r"(?:线上|网上|真人|在线)(?:赌场|荷官|百家乐|棋牌|博彩)\S{0,40}(?:首充|充值|送|日赚|网址|注册|稳赚|"
    r"带单)|(?:首充|首存)送\S{0,6}(?:%|彩金|\d+)|(?:百家乐|时时彩|六合彩)\S{0,20}(?:日赚|稳赚|包赢|带单|"
    r"网址)|菠菜\S{0,20}(?:首充|新人|送|日出)|(?:qi|棋)牌\S{0,10}(?:捕鱼|bjl|百家乐)"
)
# 专业盗微信号…先付定金; "any phishing page templates that actually work" is asked elsewhere
_ACCOUNTS = re.compile(
    r"(?:专业|接单|代)\S{0,4}(?:盗|破解|黑)\S{0,2}(?:微信|qq|支付宝|抖音|微博|游戏)(?:号|账号)?|"
    r"(?:盗|破解|黑)(?:微信|qq|支付宝|抖音|微博)(?:号|账号)?\S{0,30}(?:定金|先付|价格|接单|拿到)|"
    r"(?:收购|收|租)\S{0,4}(?:微信号|qq号|银行卡|支付宝)\S{0,20}(?:出租|一天|私我|详情|高价|回收)|"
    r"刷单\S{0,12}(?:日入|日赚|返利|垫付|佣金|日结)|"
    r"(?:出|卖|收)\S{0,4}(?:实名\S{0,4})?(?:老号|僵尸号|小号|微博号)\S{0,20}(?:打包|担保|粉|控评)|"
    r"(?:收|出)\S{0,4}身份证\S{0,3}银行卡|社工库|"
    r"查\S{0,6}(?:户籍信息|身份证照片|家庭住址)\S{0,12}(?:谁会|给钱|求|急)|"
    r"(?:出|收|卖)\S{0,4}(?:实名)?(?:微信号|qq号|银行卡|四件套|电话卡|手机卡|身份证|营业执照)\S{0,20}"
    r"(?:量大|联系|tg|飞机|私|价格|现结|一张)|"
    r"(?:查|调取)\S{0,4}(?:开房记录|通话记录|聊天记录|行踪|定位)\S{0,20}(?:定金|先付|价格|接单|联系)"
)
# 代开全国增值税发票，真票可查; 专业洗白资金，三天到账，保证不冻卡: invoices and laundering for hire
_MONEY = re.compile(
    r"代开\S{0,10}发票|(?:发票|票)\S{0,8}(?:真票可查|点数低|税点低)|"
    r"(?:专业|承接|接单)\S{0,2}(?:洗白|洗钱|走账)|走个?账\S{0,20}(?:转出去|抽\S{0,3}(?:点|个点))|"
    r"代孕\S{0,20}(?:包成功|可选性别|供卵|机构|一条龙)|"
    r"(?:洗白|洗钱|走账|跑分)\S{0,20}(?:到账|对公|对私|不冻卡|日入|日赚|兼职|佣金|渠道|保证)"
)
# "Fullz for sale, CVV + DOB + SSN, fresh drops every week, escrow available"
_CARDS = re.compile(
    r"\b(?:fullz|cvvs?|dumps(?: with pin)?|bank logs|cc logs)\b.{0,60}\b(?:for sale|selling|fresh|"
    r"drops?|escrow|telegram|vouched|in stock|restock)\b|\b(?:selling|sell|buy)\b.{0,20}\b(?:fullz|"
    r"cvvs|bank logs)\b"
)
# 帮朋友问…来路不明的手机去哪能出掉, 收别人名下的银行卡走账, 捡的身份证网贷人脸识别怎么过
_FENCING = re.compile(
    r"来路不明\S{0,10}(?:出掉|卖掉|出手|脱手)|(?:收|租|借)\S{0,10}银行卡\S{0,10}(?:走账|流水)|"
    r"(?:捡|拿|偷)了?\S{0,4}(?:别人的)?身份证\S{0,10}(?:网贷|借钱|贷款)|人脸识别怎么过"
)
# 招聘"客服"，按话术给老人打电话…工作地点在境外，包机票: a scam call centre hiring
_SCAM_JOBS = re.compile(
    r"按话术\S{0,20}(?:打电话|推荐|聊天|引导)|(?:东南亚|夏令营)\S{0,30}(?:高薪|月入|包吃住|护照)|(?:境外|缅甸|柬埔寨|国外)\S{0,20}(?:包机票|包吃住)\S{0,20}"
    r"(?:日结|高薪|懂的)|(?:日结|高薪)\S{0,30}(?:境外|包机票)\S{0,20}(?:懂的|话术)"
)
# An emoji menu of street drugs: two or more by name with the dealer's terms.
_STREET_DRUG = re.compile(
    rf"\b{_DRUG_EN}\b|冰|叶子|k粉|麻古|猪肉|糖果|邮票|神仙水|笑气|🌿|🍃|🍄|❄|\bpills\b"
)
# "an ounce of coke": drugs by the dealer's measure
_DRUG_QUANTITY = re.compile(
    r"\b(?:an ounce|a gram|an eighth|a zip|a quarter|a half) of (?:coke|weed|meth|molly|mdma|ket|"
    r"shrooms|crack|dope)\b"
)
_DEALER = re.compile(
    r"\b(?:plug|in stock|restock|same-day|drop|menu|cashapp|crypto|telegram|wickr|hmu|dm|"
    r"delivering|delivery|cash only|no new numbers|hit my line)\b|"
    r"到货|同城|闪送|暗号|老客户|私我|顺丰|包邮"
)
# 寂寞少妇在线等你，上门服务全套只要三百
_SEX_SERVICE = re.compile(
    r"(?:寂寞|饥渴|空虚)(?:少妇|人妻|女大学生|学生妹|小姐姐)|(?:上门|酒店|同城)服务\S{0,6}(?:全套|包夜|快餐|"
    r"\d+)|全套(?:服务|只要|\d+)|(?:酒店|房间|宾馆).{0,10}\d{2,4}元?一次|约吗.{0,6}(?:看)?主页|"
    r"(?:学习资料|资源)\S{0,12}(?:日更|真人露脸)|飞机号\S{0,20}(?:资源|资料)|"
    # "$300 the hour, no questions asked, dm me"
    r"\$\d{2,4}\s?(?:the|an|per|a|/)\s?(?:hour|hr|night)\b.{0,60}\b(?:dm|hotel|incall|outcall|no "
    r"questions)\b|\b(?:incall|outcall)s?\b.{0,40}(?:\$|\brates?\b|\bavailable\b|\bdm\b)|"
    r"\brates? in (?:bio|dms?)\b.{0,40}\b(?:incall|outcall|discreet)"
)
# 出仿真气枪…可改火，同城面交; 出管制刀具…快递伪装成厨具; "selling glock switches, dm"
_WEAPONS = re.compile(
    r"(?:出|卖|售|收|批发|到货|有)\S{0,6}(?:仿真枪|气枪|火药枪|钢珠枪|弓弩|管制刀具|弹簧刀|蝴蝶刀|三棱刺|军刺|"
    r"电击器|枪支|手枪|猎枪|子弹)\S{0,30}(?:面交|包邮|快递|私|懂的|发货|改火|可改|配件|伪装)|"
    r"\b(?:selling|got|have|ship(?:ping)?)\b.{0,30}\b(?:glock switch(?:es)?|auto sears?|"
    r"ghost guns?|"
    r"80% lowers?|suppressors?|silencers?|switchblades?|unregistered (?:guns?|pistols?|rifles?))\b"
    r".{0,40}\b(?:dm|hmu|cash|ship|no (?:papers|serial|background))\b"
)
# Fraud kits and dodges asked for or run: a phishing mail "that looks exactly like it's from
# PayPal … I'll swap in my own link", "my ransomware panel … a host that ignores abuse
# reports", income filed under a parent's name "so I stay under the tax threshold".
_FRAUD = re.compile(
    r"\b(?:email|message|page|site|login|text|sms)\b.{0,30}\blooks? (?:exactly |"
    r"just )?like (?:it'?s |it "
    r"came )?(?:from|an? (?:official|real))\b.{0,100}\b(?:my (?:own )?link|verify|password|login|"
    r"(?:suspended|locked))\b|"
    r"(?:退款理由写成|改掉?\S{0,4}签收记录)\S{0,40}(?:白嫖|商家(?:基本)?没办法)|"
    r"\bmy (?:ransomware|botnet|phishing|carding|stresser|booter|rat) (?:panel|kit|page|operation|"
    r"crew|builds?)\b|\b(?:bulletproof host(?:ing)?|host(?:ing)? that ignores abuse)\b|"
    r"\b(?:income|earnings|sales) under (?:my|his|her|their|someone)\b.{0,60}\b(?:tax|irs|hmrc)\b|"
    r"\b(?:stay|keep it|get) (?:under|below) the tax (?:threshold|bracket)\b.{0,40}\b(?:name|cash|"
    r"off the books)\b|\boff the books\b.{0,40}\b(?:so|to) (?:the )?(?:irs|taxman|hmrc) (?:never|"
    r"doesn'?t|won'?t)\b"
)
# 冒充快递客服打电话…让对方开屏幕共享，钱就到手了: a swindle taught
_IMPERSONATE = re.compile(
    r"冒充\S{0,10}(?:客服|公检法|警察|民警|法院|银行|领导|老师|亲戚|快递)\S{0,40}(?:转账|屏幕共享|共享屏幕|"
    r"验证码|钱就到手|到手|理赔|退款|安全账户)|"
    r"\bpretend(?:ing)? to be (?:from )?(?:the bank|paypal|amazon|the irs|tech support|support|the "
    r"police|microsoft|apple)\b.{0,80}\b(?:gift cards?|wire|transfer|remote access|the code|"
    r"password|"
    r"their login)\b"
)
# An address or a phone posted with a call to go there (人肉): "27 Carrow Close … go pay him a
# visit lads", 住某某小区7栋302…大家轮流去他家门口堵他, 宿舍楼号都有了，兄弟们冲她宿舍.
_PLACE = (
    r"(?:\b\d{1,5} [a-z]+(?: [a-z]+)? (?:close|road|rd|street|st|avenue|ave|lane|ln|drive|dr|"
    r"court|ct|way|crescent|place|terrace|boulevard|blvd)\b|\bhome address\b|\bhis address\b|"
    r"\bher address\b|家庭住址|住址|宿舍楼号|宿舍号|手机号|电话号码|\d+栋\d+|小区\S{0,6}\d+|"
    r"扒出来了|查到(?:她|他)\S{0,6}(?:公司|学校|单位|住)|(?:单位|学校|公司)\S{0,8}发(?:群里|网上|出来))"
)
_GO_THERE = (
    r"(?:\bpay (?:him|her|them) a visit\b|\byou know what to do\b|\bif (?:anybody|anyone) wants "
    r"to (?:go|pay|visit|let)\b|\blet (?:her|him|them) know what (?:we|you|i) think\b|"
    r"\bgo (?:get|see|visit) (?:him|her|them)\b|\bshow up (?:at|on)\b|\bspam (?:him|her|them|it)\b|"
    r"\bmake (?:his|her|their) life hell\b|\bgets home (?:around|at|by)\b|\blet'?s visit\b|"
    r"冲(?:她|他)|堵(?:她|他)|去(?:她|他)家|家门口|问候|轮流|扣1|楼下|举牌|社死|放(?:点)?血|(?:学校|公司|单位)门口|给(?:她|他)宣传)"
)
# "建议大家关掉手机号搜索，被人肉要报警": how to guard against it.
_GUARDS = re.compile(
    r"报警|违法|保护(?:好)?(?:个人)?隐私|防止|建议大家|谨防|"
    r"\b(?:protect|privacy|police|report (?:it|them|this))\b"
)
_PLACE_RX = re.compile(_PLACE)
_PLACE_HINT = re.compile(r"\d|address|住址|宿舍|手机号|电话|扒出来|单位|学校|公司")
_GO_THERE_RX = re.compile(_GO_THERE)
_NEAR = 90  # characters between the address and the call

# A warning or a report names the same goods and terms: 反诈提醒…逾期后会爆通讯录, "police
# arrested two men selling fake IDs". Not for doxxing, which often calls its target a 骗子.
_WARNING = re.compile(
    r"反诈|防骗|提醒|警惕|谨防|千万别|千万不要|小心|举报|骗局|被骗|警方|民警|破获|查获|抓获|刑拘|判刑|"
    r"\b(?:arrested|police|charged|convicted|sentenced|warning|beware|scam alert|psa|report(?:ed)?|"
    r"don'?t (?:fall|buy|click|scan))\b"
)
# A word every trade shape needs, looked for first: most texts have none, and the shapes
# cost 30 µs a text together. A new shape's own words must be added here too (a test checks
# the hint on every trade text of the evaluation sets).
_TRADE_HINT = re.compile(
    r"冰|叶子|k粉|麻古|摇头丸|大麻|神仙水|笑气|海洛因|白粉|可卡因|邮票|证|驾照|学历|文凭|护照|逾期|赌|荷官|"
    r"百家乐|棋牌|博彩|首充|首存|彩|盗|破解|黑|记录|行踪|定位|寂寞|饥渴|空虚|服务|全套|话术|境外|缅甸|"
    r"柬埔寨|国外|日结|高薪|卡|四件套|执照|刷单|实名|微信号|qq号|收购|来路不明|走账|流水|人脸识别|fake|fullz|cvv|"
    r"发票|票|洗白|洗钱|跑分|"
    r"dumps|logs|incall|outcall|约吗|学习资料|资源|飞机号|\$\d|枪|刀|刺|弩|电击|switches|sears?\b|"
    r"lowers?\b|suppressor|silencer|冒充|pretend|looks? (?:exactly |just )?like|panel|bulletproof|"
    r"ignores abuse|tax|rates in|东南亚|夏令营|白嫖|签收|元?一次|(?:毕业|驾)z|sfz|菠菜|qi牌|"
    r"社工库|户籍|代孕|老号|僵尸号|走个账|" + _DRUG_EN
)
TRADE: tuple[Shape, ...] = (
    (_DRUGS, "illegal", 0.7, "drugs offered or sought"),
    (_PAPERS, "illegal", 0.7, "forged papers offered"),
    (_LOAN_SHARK, "illegal", 0.7, "a loan shark's ad"),
    (_GAMBLING, "illegal", 0.65, "an illegal gambling ad"),
    (_ACCOUNTS, "illegal", 0.7, "account theft or records for hire"),
    (_CARDS, "illegal", 0.7, "stolen card data for sale"),
    (_SEX_SERVICE, "sexual", 0.65, "sex services advertised"),
    (_SCAM_JOBS, "illegal", 0.65, "a scam call centre hiring"),
    (_FENCING, "illegal", 0.7, "stolen goods, others' cards or papers put to use"),
    (_MONEY, "illegal", 0.7, "invoices or laundering for hire"),
    (_WEAPONS, "illegal", 0.7, "weapons offered"),
    (_IMPERSONATE, "illegal", 0.7, "an impersonation swindle taught"),
    (_FRAUD, "illegal", 0.65, "a fraud kit or a tax dodge"),
)


def offers(clean: str) -> list[tuple[str, float, str]]:
    """Harm offered or sought (unless the text warns of it or reports it), and doxxing."""
    out = []
    if _TRADE_HINT.search(clean):
        out = [(cat, score, why) for rx, cat, score, why in TRADE if rx.search(clean)]
    dealt = len(set(_STREET_DRUG.findall(clean))) >= 2 and _DEALER.search(clean)
    if dealt or _DRUG_QUANTITY.search(clean):
        out.append(("illegal", 0.7, "drugs offered or sought"))
    if out and _WARNING.search(clean):
        out = []
    if _doxes(clean) and not _GUARDS.search(clean):
        out.append(("harassment", 0.7, "someone's address or phone posted with a call to go there"))
    return out


def _doxes(clean: str) -> bool:
    # A literal hint, then two plain searches and a window: one regex with both orders cost
    # 33 µs a text, the searches alone 13.
    if not _PLACE_HINT.search(clean):
        return False
    for m in _PLACE_RX.finditer(clean):
        if _GO_THERE_RX.search(clean, max(0, m.start() - _NEAR), m.end() + _NEAR):
            return True
    return False
