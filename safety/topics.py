"""Does a text use a harm's own words? A classifier's hunch needs them for some categories.

The embedding heads read topics: low mood scores as self-harm, venting about a boss as
harassment or violence, a first kiss in the moonlight as sexual content. Real self-harm,
violence, harassment and sexual content name their matter.
"""

from __future__ import annotations

import re

# A classifier's hunch of self-harm, violence, illegal help, an attack on the character or
# (outside Chinese, where the offensive heads learned from real posts) harassment needs the
# topic's own words behind it.
# Self-harm talk names an end, an injury, a means or food; violence names a blow, a weapon,
# a harm or a threat. Low mood ("I've been depressed and can't get out of bed") and venting
# ("I hate Mondays, my boss is such a pain") are neither, however sure the hunch; nor is
# a complaint about someone ("my landlord never fixes anything") harassment without an
# insult, a "you" or a way of hounding someone; nor is a kiss sexual content without a body,
# clothes coming off, a bed or an act; nor is a body in a mystery graphic violence without
# gore ("the detective examines the body in the library").
_CUES = {
    "self-harm": re.compile(
        r"die|dying|dead|death|kill|suicid|end it|end my|ending it|cut|blade|razor|hurt|harm|"
        r"be here|here anymore|insulin|how (?:much|many) .{0,20}take|high enough|meds|"
        r"medication|stockpil|saved up|"
        r"overdos|pill|jump|bridge|hang|noose|rope|disappear|not be here|wasn't here|"
        r"weren't here|wake up|sleep forever|starv|purg|vomit|throw up|eat|food|meal|fast|"
        r"bone|skinny|calorie|burn|bleed|blood|wrist|vein|alive|live anymore|worthless|"
        r"better off|goodbye|painless|lethal|poison|gun|bleach|pain|scar|morir|muerte|matarme|"
        r"pastilla|死|自杀|割|跳|上吊|药|活|结束|消失|解脱|轻生|自残|伤害自己|遗书|告别|绝食|"
        r"催吐|吐|不吃|不敢吃|减肥|节食|饿|瘦|厌食|血|疼|痛|烫|烟头|刀|醒不来|不在了|离开这个世界"
    ),
    "violence": re.compile(
        r"kill|murder|hurt|harm|hit|beat|punch|kick|slap|stab|shoot|shot|gun|rifle|pistol|"
        r"knife|blade|bats?\b|lesson|bomb|explo|burn|fire|arson|attack|assault|ambush|violen|blood|"
        r"bleed|die|dead|death|poison|strangl|chok|drown|break|smash|destroy|weapon|fight|"
        r"revenge|tortur|hang|lynch|behead|rape|acid|run over|ran .{0,20}into|into (?:a|the) crowd|"
        r"massacre|"
        r"genocide|war|riot|wipe out|eliminat|execut|bullet|ammo|grenade|hostage|kidnap|"
        r"threat|pay for|regret|watch your back|coming for|where you live|suffer|rob|mug|"
        r"hospital|injur|wound|maim|cripple|unconscious|knock .{0,10}out|spike|slip .{0,20}into|"
        r"stalk|break in|breaking in|lock|slash|slit|throat|strangle|gut\b|skull|matar|"
        r"cuchillo|杀|打(?!打?气|游戏|电话|排位|球|篮球|工|卡|折|扫|开|算|扮|听|车|字|扰|招呼|包|"
        r"针|印|量|"
        r"理|野|怪|副本|牌|麻将|拼|call|个|发|交道)|砍|捅|炸|烧|弄死|揍|伤|血|刀|枪|毒|报复|撞|砸|"
        r"死|废了|收拾|堵|教训|"
        r"冲击|虐|绑|火|弹|暴|攻击|袭|付出代价|好看|等着|动手|干掉|做掉|灭|抢|劫|医院|跟踪|撬|割|"
        r"掐|勒|"
        r"硫酸|泼|毁容"
    ),
    # Gore names the body torn open; "the detective examines the body" does not.
    "violence/graphic": re.compile(
        r"blood|bloody|gore|gory|guts|entrail|intestin|organ|brain|skull|bone|flesh|skin|"
        r"sever|dismember|mutilat|decapitat|behead|head (?:coming|came|comes|rolling|rolled) "
        r"off|eyes? (?:gouged|out)|gouge|rip|tear|torn|slit|slash|stab|splatter|spray|tortur|"
        r"burn|melt|rot|maggot|decompos|crush|mangl|wound|limb|chop|hack|skinn|disembowel|"
        r"vomit|scream|agony|execution|gruesome|graphic|detail|close-up|slow motion|peel|jaw|"
        r"blown off|bent backwards|face (?:was|got)|split open|spill|"
        r"血|肉|骨|内脏|肠|脑|断|砍|剁|碎|尸|肢|头颅|剖|挖|剥|凌迟|虐|腐烂|蛆|惨叫|折磨|酷刑|烧|炸|"
        r"爆头|割|眼珠|细节|特写|慢动作|半边脸|牙齿|脑浆|行刑"
    ),
    "sexual": re.compile(
        r"sex|naked|nude|undress|strip|bra\b|panties|underwear|lingerie|breast|boob|tit|nipple|"
        r"groin|crotch|thigh|legs|moan|groan|gasp|thrust|straddl|grind|tongue|lick|suck|erect|"
        r"hard\b|wet\b|orgasm|climax|\bcum|come for|bed\b|bedroom|touch|horny|arous|porn|"
        r"erotic|explicit|steamy|dirty|filthy|kink|fetish|bdsm|hook ?up|fuck|dick|cock|pussy|"
        r"ass\b|body|clothes|shower|pleasur|seduc|sexy|intimate|make love|making love|slut|"
        r"whore|escort|prostitut|onlyfans|blowjob|goes down on|orgy|threesome|masturbat|呻吟|脱|"
        r"裸|胸|乳|下体|身下|床|欲|喘|舔|湿|硬|高潮|做爱|性|抚摸|色|黄|约炮|援交|开房|私处|私密|"
        r"内衣|内裤|身体|勾引|诱惑|骚|淫|爽|插|吸|摸|衣服|无码|露骨|偷情|双腿|操|口交|自慰|"
        r"(?<![a-z])yp(?![a-z])|"
        r"约p|炮友|活好|一夜情|裸聊|扒光|干到|顶进|按在床|求饶|车"
    ),
    # Illegal help is asked for, offered or planned; a post that only mentions a crime ("we
    # had to notify Social Security", "acid attack survivors are campaigning") is neither.
    "illegal": re.compile(
        r"\?|\b(?:how|where|who|which|what'?s the (?:best|easiest|fastest|safest)|"
        r"what (?:do|should)|can (?:i|you|we|someone)|could (?:i|you)|is there a way|any way|"
        r"ways? to|tips?|guide|"
        r"tutorial|steps?|instructions?|method|recipe|teach|explain|show me|tell me|give me|"
        r"life ?hacks?|pro ?tips?|here'?s how|the trick|"
        r"walk (?:me|us) through|"
        r"write|make|create|generate|design|devise|draft|outline|develop|provide|describe|suggest|"
        r"list|propose|come up with|scheme|strategy|help me|i need|we need|"
        r"need (?:a|an|some|someone)|looking for|"
        r"i want|i'?m going to|i'?m gonna|i'?ll|i will|let'?s|plan|planning|selling|for sale|"
        r"buy|sell|order|dm me|pm me|message me|hit me up|contact|telegram|escrow|ship|discount|"
        r"bulk|price|pay|paying|cash|bitcoin|btc|crypto|hire|will pay)\b|"
        r"怎么|怎样|如何|哪里|哪儿|谁有|有没有|求|教|帮我|帮忙|告诉我|给我|方法|步骤|教程|办法|"
        r"出售|出|卖|收|代|加我|私聊|联系|微信|价格|便宜|包邮|批量|需要|我要|我想|打算|准备|一起"
    ),
    # An attack on the character speaks to it, or about its rules, roles and answers.
    "jailbreak": re.compile(
        r"\b(?:you|your|yourself|u|ur|ai|bot|assistant|model|gpt|chatbot|llm|instructions?|rules?|"
        r"prompt|system|pretend|role|roleplay|act as|acting|mode|forget|developer|dev|character|"
        r"persona|answer|respond|reply|say|tell me|write|story|game|simulate|hypothetical|"
        r"ignore (?:all|any|your|previous|prior|the above|these|those|every)|override|bypass|"
        r"jailbreak|dan|unfiltered|uncensored|filter|policy|guidelines|restrictions?|limits?|"
        r"other users?|admin|password|token|config)\b|"
        r"你|您|指令|规则|提示|系统|扮演|模式|忽略|开发者|设定|角色|回答|告诉我|限制|过滤|管理员|"
        r"其他用户|"
        r"[^\x00-\x7f\u3400-\u9fff]"
    ),
    "harassment": re.compile(
        r"\byou|\byour|\bu\b|\bur\b|idiot|stupid|ugly|fat\b|loser|worthless|pathetic|disgust|"
        r"bitch|whore|slut|retard|moron|dumb|trash|garbage|shut up|nobody|everyone hates|freak|"
        r"creep|pig|cow\b|rat\b|scum|cunt|dick|ass\b|asshole|bastard|fuck|shit|kill|die\b|"
        r"rumou?r|humiliat|mock|bully|harass|insult|threat|expose|leak|spread|shame|laugh at|"
        r"make fun|piece of|waste of|subhuman|inferior|ape\b|monkey|psycho|hoe?\b|skank|"
        r"weirdo|incel|clown|fool|imbecile|degenerate|vermin|filth|stink|scare|intimidat|"
        r"watched|pile on|cruel|cry|cries|lie about|turns? on|track|without (?:her|him|them) "
        r"knowing|address|anonymous|messag|accounts?\b|until (?:she|he|they)|spam|keep (?:texting|"
        r"calling|posting|tagging)|dox|embarrass|ruin|breaks? down"
    ),
    # Hate is about a people: a hunch in a text that names nobody (a tired, low post, "I'm
    # so tired of pretending") is the head extrapolating.
    "hate": re.compile(
        r"\b(?:they|them|their|those|these|people|folks|kind|groups?|communit\w*|race|races|racial|"
        r"ethnic|tribe|globalists?|zionists?|rothschilds?|soros|"
        r"nation|country|countries|foreigners?|immigrants?|migrants?|refugees?|illegals?|"
        r"blacks?|whites?|asians?|arabs?|latin[oax]s?|hispanics?|mexicans?|africans?|chinese|"
        r"indians?|jews?|jewish|muslims?|islam\w*|christians?|hindus?|sikhs?|catholics?|"
        r"gays?|lesbians?|homos?\w*|queers?|trans\w*|lgbt\w*|women|woman|girls|females?|men|"
        r"males?|feminists?|disabled|cripples?|retards?|autis\w*|deaf|blind|old people|boomers|"
        r"gypsies|roma|slurs?|n[i1]gg\w*|k[i1]kes?|ch[i1]nks?|sp[i1]cs?|fag\w*|dykes?|"
        r"trann\w*|white power|14 words|1488|88|13/50|(?:\w+ )?(?:supremac|nazi|genocide)\w*)\b"
    ),
}


# Figures of speech that use a harm's words for something else: "I could kill for a pizza",
# "笑死我了", "累死了", and "死胖子" said of oneself. They do not count as the topic's words.
_IDIOMS = re.compile(
    r"(?:could|would) (?:kill|murder) (?:for|an? \w+)|kill(?:ing)? time|killing it|killed it|"
    r"kill (?:all )?(?:the )?(?:weeds|bugs|lights|engine|process|music|mood)|weed ?killer|"
    r"kill (?:a |the |that |this |my |every )?(?:[\w-]+ ){0,2}(?:process(?:es)?|apps?|tasks?|tabs?|"
    r"programs?|jobs?|servers?|containers?|quer(?:y|ies))\b|"
    r"hug (?:you|him|her|them) (?:so )?(?:hard|tight)|have a word with|"
    r"hit the (?:pads|gym|road|books|sack|hay|bed|club|stage|decks|button|brakes|jackpot|spot)\b|"
    r"(?:murder|destroy|demolish|kill|crush) (?:this|that|a|an|the|my|some) (?:\w+ )?"
    r"(?:pizza|burger|steak|cake|meal|plate|sandwich|buffet|bowl|tacos?|dinner|lunch|breakfast|"
    r"ramen)|"
    r"(?:been |i'?m |so )starving(?: all day| rn| right now|!|,|\.|$)(?! myself)|"
    r"杀疯了|杀穿|[一二三四五双]杀|送人头|冲塔|带你飞|超神|"
    # a lost match: 被对面虐爆了, 被蹲死五次, 被秒了, 团灭
    r"被?(?:对面|野怪|boss|大佬)?(?:虐|蹲|秒)(?:爆|死|哭|杀|了)|反蹲|团灭|单杀|被秒|"
    # a performance: "murder that drop", "killed the audition"
    r"(?:murder|kill|destroy|smash|crush|nail|slay)(?:ed|ing|s)? (?:that|the|this|my|your|his|"
    r"her|their) (?:[\w-]+ )?(?:drop|track|set|beat|song|solo|verse|stage|exam|test|interview|"
    r"presentation|audition|show|gig|performance|dance floor)\b|"
    r"killing me|dying to|bent over backwards|bend(?:s|ing)? over backwards|"
    r"(?:don'?t|do not|not|never) cut myself|"
    r"to die for|dying of laughter|dead tired|bored to death|scared to death|i'?m dead\b|"
    r"plotting my (?:death|demise|murder)|be the death of me|"
    r"得(?:想死|要死|要命)|想死你了|气得我?(?:想|要)(?:揍|打|掐|咬|摔)|"
    r"(?:笑|累|饿|热|冷|气|困|烦|急|吓|忙|美|帅|萌|馋|痒|疼|酸|丑|尬|难受)死(?:我)?了|"
    r"(?:笑|累|饿|热|冷|气|困|烦|急|吓|忙|美|帅|萌|馋)死我|死胖子|死宅|死鬼|"
    r"刀工|切(?:菜|肉|丁|片|丝|块|洋葱|土豆|西红柿|黄瓜)|"
    r"结束(?:了)?(?:加班|工作|会议|考试|比赛|营业|旅行|出差|培训|实习|直播|假期)|"
    r"\bcut (?:me|him|her|us|them) off\b|"
    r"blood (?:drive|donation|bank|test|type|pressure|sugar)|donate blood|bloodline|"
    # a boss fight: "KILL HIM KILL HIM, boss at 2%"
    r"\bkill (?:him|her|it|them)\w*(?=.{0,60}\b(?:boss|raid|hp|respawn|gg)\b)|"
    r"\b(?:boss|raid|hp|respawn)\b.{0,60}\bkill (?:him|her|it|them)\w*|"
    # a game or a contest: "I'm gonna beat (the crap out of) you at Mario Kart"
    r"\b(?:beat|destroy|crush|wreck|obliterate|smoke|annihilate) (?:the (?:crap|hell|pants|socks) "
    r"(?:out of|off) )?(?:you|me|him|her|them|us|"
    r"everyone|everybody)(?: \w+){0,2}? (?:at|in) (?!(?:the|his|her|their|my|your) "
    r"(?:face|head|stomach|chest|street|parking|car|alley)\b)"
)


# Illegal help also names its matter: a crime, contraband, a way round the law. "How do I
# get red wine out of a carpet?" or 怎么劝他戒烟 has the form of a request and no matter.
_ILLEGAL_MATTER = re.compile(
    r"steal|stole|stolen|theft|thief|shoplift|\brob|burglar|break(?:ing)? in|lock ?pick|"
    r"pick (?:a|the|his|her|their|my) lock|hotwir|fake|forg|counterfeit|fraud|scam|phish|"
    r"launder|mule|hack|crack|ddos|malware|ransom|keylog|exploit|bypass|evad|avoid (?:the )?"
    r"(?:police|cops|tax)|cops|police|caught|trace|anyone knowing|(?:her|him|them) knowing|"
    r"dark ?web|onion|drug|cocaine|coke\b|meth|heroin|fentanyl|weed|lsd|mdma|molly|ecstasy|"
    r"pill|prescri|oxy|opioid|xanax|adderall|ketamine|steroid|gun|firearm|rifle|pistol|ammo|"
    r"silencer|suppressor|explosiv|bomb|poison|ricin|cyanide|arsenic|weapon|knife|\bids?\b|"
    r"passport|licen[cs]e|ssn|social security|credit card|card number|cvv|dumps|carding|"
    r"identit|smuggl|traffick|bribe|blackmail|extort|arson|torch|insurance|tax|cheat|pirat|"
    r"torrent|keygen|gambl|\bbet\b|casino|escort|brothel|underage|minor|poach|illegal|illicit|"
    r"unlicensed|black market|kill|murder|hurt|attack|dispose|body|corpse|bleach|spike|roofie|"
    r"sedat|knock (?:her|him|them) out|without consent|stalk|track (?:her|his|their|my)|spy|"
    r"someone'?s (?:account|phone|email|password)|(?:her|his|their|my ex'?s?) (?:account|phone|"
    r"email|password|house|car)|account|password|wifi|lock|alarm|camera|sell|buy|smoke|vape|"
    r"shipment|cash|bitcoin|crypto|wire|transfer|loan|debt|refund|return|coupon|money|"
    r"pretend|impersonat|elderly|old (?:people|folks|man|woman|lady)|grandparent|grandson|"
    r"botnet|take down|website|server|network|virus|worm|trojan|spyware|rootkit|surveil|"
    r"toxic|gas\b|chemical|mix|exam|test for me|homework|essay|thesis|tracker|gps|brake|"
    r"accident|phone|messages|passcode|pin\b|script|code|data|database|leak|dox|address|"
    r"personali[sz]ed\W+(?:[\w-]+\W+){0,2}(?:plan|guide|advice)|treatment plan|dosage|"
    r"skim|atm\b|clone|cloning|debit|key ?card|dmt|extract|synthes|b\W?o\W?m\W?b|"
    r"信息|快递|手机|聊天记录|入侵|成绩|教务|木马|病毒|漏洞|提权|注入|篡改|"
    r"偷|盗|抢|骗|诈|假|伪造|仿|黑|破解|外挂|盗号|洗|跑分|套现|代开|发票|刷单|赌|博彩|毒|冰|"
    r"麻古|k粉|大麻|枪|弹|炸|爆|迷药|春药|催情|代孕|贩|走私|逃税|偷税|漏税|逃避|警察|躲|"
    r"不被发现|痕迹|身份证|银行卡|四件套|实名|开房|个人信息|隐私|定位|监控|窃听|黑产|杀|害|弄死|"
    r"投毒|下药|绑|尸|卖|收购|出租|出借|代办|办证|证件|学历|考试|答案|作弊|替考|贷|套|返利|"
    r"私彩|翻墙|vpn|账号|密码|号|"
    r"full[- ]?auto|auto sear|parts kit|percs?\b|\bplug\b|barcode|self-checkout|price tags?|"
    r"looks? (?:exactly )?like (?:it'?s )?(?:from|an? (?:official|real))|(?:my|your) own link|"
    r"spoof|"
    r"looks? like real|residence (?:card|permit)|\bvisa\b"
)


def has_cue(cat: str, clean: str) -> bool:
    """Whether ``cat``'s own words appear in ``clean`` (figures of speech aside). Asked only
    of a hunch that would otherwise be flagged, so most texts never pay for the search."""
    return bool(_CUES[cat].search(_IDIOMS.sub(" ", clean)))


def names_illegal_matter(clean: str) -> bool:
    """Whether a request names a crime, contraband or a way round the law."""
    return bool(_ILLEGAL_MATTER.search(_IDIOMS.sub(" ", clean)))


def needs_cue(cat: str, cjk: bool) -> bool:
    """Whether a hunch of ``cat`` counts only with its words: Chinese harassment and hate
    come from the offensive heads, which learned from real posts, so they are not gated."""
    return cat in _CUES and not (cat in ("harassment", "hate") and cjk)
