"""Which side does a text take? Stance, not topic: rejecting a prejudice, reporting a harm,
being its victim, teasing or venting with no target, plotting fiction, asking about the app.

The offensive classifiers learned from COLD, whose training labels mark most texts that
discuss discrimination as offensive (93 % of its train texts with 歧视 are labelled 1),
so "地域黑真的很恶心，河南人也是普通人" scores like the slur it rejects. Naming a prejudice
is not enough to be spared (the lexicon's mild ``antibias`` cue already covers that);
here the text must *take a side against it*: condemn it, forbid it, or deny the
generalisation. The classic cover of the real thing, "我不是歧视，但是……", and owning the
prejudice ("我就歧视", "这不是歧视，是事实") void the stance. Likewise news of a stabbing
names the harm as plainly as a threat does (``reports_news``).

Reads ``Normalized.clean`` (simplified, NFKC: punctuation is ASCII).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from safety.scripts import Split


def _holds(clean: str, *needs: re.Pattern[str], unless: re.Pattern[str]) -> bool:
    """Every pattern of ``needs`` is in ``clean``, and ``unless`` (what voids it) is not."""
    return all(p.search(clean) for p in needs) and not unless.search(clean)


def _finder(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A stance that one pattern reads: whether it is found in the clean text."""
    return lambda clean: pattern.search(clean) is not None


_PREJUDICE = (
    r"(?:歧视|地域黑|地图炮|偏见|贴标签|标签化|一棍子打死|一竿子打翻|以偏概全|一概而论|"
    r"刻板印象|看不起|瞧不起|污名化|扣帽子|嘲笑|仇视|敌视|网暴|网络暴力|人身攻击)"
)
_BAD = (
    r"(?:可耻|恶心|要不得|不对|不可取|错误|是错的|落后|没意义|没有意义|没意思|不好笑|无聊|可笑|"
    r"愚蠢|害人|害死人|伤人|过时|低级|丑陋|该停|停止)"
)
_CLAUSE = r"[^,.!?;:]"
_REJECTS = [
    # an appeal, not a description: 不要歧视感染者, 请别再地域黑了, 不要因为肤色就给他贴标签
    rf"(?:^|[,.!?;:]|请|大家|我们)(?:不要|别|停止|杜绝|拒绝)再?{_CLAUSE}{{0,12}}{_PREJUDICE}",
    # 外地人不应该被歧视, 我反对任何形式的地域歧视
    rf"(?:不应该?|不该)被{_CLAUSE}{{0,12}}{_PREJUDICE}|我们?(?:坚决|一直|"
    rf"始终)?反对{_CLAUSE}{{0,12}}"
    rf"{_PREJUDICE}",
    # 我觉得这种观点很落后, 我不同意"男人就不该做家务"的说法
    r"(?:这种|这样的|这些)(?:言论|说法|观点|想法|段子|看法)\S{0,4}(?:很|太|真|非常)?"
    r"(?:落后|恶心|可笑|无知|过时|荒谬|不对|错误|偏激)|"
    r"我(?:不同意|不认同|不赞同|反对)\S{0,20}(?:说法|观点|言论|看法)",
    # 地域黑真的很恶心, 地域歧视的段子一点也不好笑, 歧视要不得
    rf"{_PREJUDICE}{_CLAUSE}{{0,10}}{_BAD}",
    # 这种言论完全是偏见
    r"(?:这种|这些|这样的)(?:言论|说法|观点|话|段子)\S{0,3}(?:完全|纯粹|分明|就)?是"
    r"(?:赤裸裸的|典型的|纯粹的|明显的)?(?:地域|种族|性别)?(?:歧视|偏见|地图炮|刻板印象)",
    # 不能因为一个人是河南人就说他是骗子
    rf"(?:不能|不要|别|不应该?|不该)因为{_CLAUSE}{{1,20}}就(?:说|认为|觉得|骂|歧视|看不起|"
    r"瞧不起|否定|给|贴|嘲笑|一棍子|断定|排斥|针对|攻击|以为|嫌弃)",
    # denying the generalisation
    r"(?:哪里|哪儿|到处|各地|每个地方)都有好人|好人坏人(?:哪里|到处|都有)|(?:也|都)是普通人|"
    r"一视同仁|人人平等|互相尊重|值得(?:被)?尊重|平等的机会|平等对待|公平对待|没有(?:高低)?贵贱|"
    r"不分(?:地域|种族|肤色|性别|民族)|"
    r"也是我们的同胞|(?:需要|应该|值得)被(?:理解|尊重|关爱|包容|接纳|善待)",
    # 大家好好说话不行吗: an appeal for civility (not 就事论事: COLD posts use it as cover)
    r"大家(?:都)?好好说话|能不能好好说话|理性(?:讨论|发言|看待)|都冷静(?:一下|点)|离不开(?:他们|"
    r"她们)",
    # 大部分人都很实在, 同性恋不是病, 别总说男儿有泪不轻弹, 追星要理智，别为了偶像和家人吵架
    r"(?:大部分|大多数|绝大多数)(?:人)?都(?:很|是)?(?:好人|实在|善良|友好|正常|老实|勤劳|普通人|"
    r"热情)|"
    r"不是(?:一种)?(?:病|疾病|罪|生育工具|工具|商品|附属品)(?!,是)|"
    r"(?:需要的是|应该给予|需要)(?:治疗|理解|尊重|帮助|关爱)(?:和|与)?(?:治疗|理解|尊重|帮助|"
    r"关爱)?,?不是歧视|(?:别|不要)总(?:说|觉得|认为)|"
    r"(?:(?<![特区分])别(?!人)|不要)[^,.!?;:。]{0,10}(?:吵架|骂人|互撕|网暴|攻击别人|牵连)",
    # 性别平等不是互相骂…, 能不能就事论事, 反对"男拳""女拳"这种标签化骂战: refusing the name-calling
    r"(?:不是|别|不要|停止|拒绝)互相(?:骂|攻击|扣帽子|贴标签)|(?:能不能|请|应该)就事论事|"
    r"反对\S{0,16}(?:标签化|骂战|对立)|(?:对立|骂战|标签化)\S{0,6}只会|太偏激了|"
    r"(?:别|不要)(?:扩大到|上升到|牵扯到)(?:一个|整个|所有)|(?:别|不要)再(?:传|发|转)了|"
    # 偶尔听到有人说些种族歧视的话…也不知道该怎么制止
    r"(?:歧视|地域黑|地图炮|偏见|骂人|网暴|侮辱)[^。!?]{0,24}(?:怎么|如何|该怎么)(?:制止|阻止|"
    r"反驳|回应)",
    # 别把所有人都叫女拳: refusing a label
    r"(?:别|不要|不能|不该|不应该)把[^,.!?;:]{0,8}?(?:都|全)?(?:叫|叫做|叫成|说成|称为|骂成|当成|"
    r"看成)",
    # 这类标签只会让对立更严重; 说河南人偷井盖的都是地域黑; 谁再说"洋垃圾"这种话我第一个不服
    r"(?:标签|说法|言论|段子)\S{0,6}只会(?:让|加剧)\S{0,8}(?:对立|矛盾|撕裂|仇恨)|"
    r"的(?:都|全)是(?:地域黑|地图炮|歧视|偏见)|谁再说\S{0,12}这种话",
    # 这个词太伤人了，别再用了: a word rejected as hurtful
    r"(?:这个|这种|这些|这类)(?:词|称呼|叫法|说法|标签|外号)[^,.!?;:]{0,4}(?:太|很|真|非常|特别)?"
    r"(?:伤人|难听|侮辱人|不尊重人|冒犯)|(?:别|不要)再(?:用|说|叫)(?:这个|这种|这些|这类)?(?:词|"
    r"称呼)?了",
    # English
    r"\b(?:that|this|the) (?:word|term|slur|label)(?: ['\"][^'\"]{1,20}['\"])? is (?:so |really |"
    r"deeply )?(?:hurtful|offensive|"
    r"dehumanizing|dehumanising|a slur)\b|\bstop using (?:that|this|the) (?:word|term|slur)\b",
    r"\bdeserves? (?:the same |equal )?(?:dignity|respect|rights|healthcare|love|kindness|"
    r"to be treated)|\b(?:no matter|regardless of) (?:their |your |his |her |what )?(?:religion|"
    r"race|gender|colou?r|skin|background|faith|orientation|where)|\b(?:tired|sick) of (?:jokes|"
    r"comments|posts|memes|the hate)\b|\bthat'?s (?:just )?(?:discrimination|racism|sexism|"
    r"ableism|bigotry|prejudice)\b",
    r"(?:核心|本质|目的)是(?:平等|尊重)|(?:也|都)(?:很|真|特别|非常)?了不起",
    r"\b(?:stop|quit|don't|do not|never) (?:stereotyp|judg|mock|discriminat|generaliz|"
    r"call(?:ing)? (?:everyone|everybody|all|them all))",
    r"\bnot all \w+(?: \w+)? are\b|\b\w+ (?:people )?(?:aren't|are not) (?:lazy|stupid|dirty|"
    r"criminals|terrorists|thieves|inferior)\b",
]
_REJECT = re.compile("|".join(f"(?:{p})" for p in _REJECTS))
# Owning the prejudice, or the disclaimer that introduces it.
_OWNS = re.compile(
    r"我(?:就|偏|也|还)?(?:是|要|会)?歧视|歧视(?:你|他们|又)?(?:怎么了|咋了|"
    r"有错|怎么样)|就该(?:被)?歧视|活该(?:被)?歧视|(?:不是|并非|算不上|谈不上|不算|没有)"
    r"(?:在)?(?:歧视|地域黑|地图炮|偏见)(?![。!.]?$|[,.;!?]\S{0,2}$)|"
    r"\bi'm not (?:racist|sexist)\b|\bnot (?:being )?racist,? but\b|"
    r"\b(?:not|isn't|ain't) (?:racism|racist|sexism|sexist|bigotry|bigoted|hate)(?: speech)?,? "
    r"(?:if|when|to|just|it'?s)\b|\b(?:that'?s|that is|it'?s|it is) just (?:science|biology|"
    r"facts|statistics|the truth)\b"
)
# "我就歧视", "it's not racism if it's true": the text claims the prejudice as its own.
owns_prejudice = _finder(_OWNS)
_PLEA = re.compile(r"能不能(?:别|不要)再")
_BUT = re.compile(r"(?<!不)但|可是|不过|然而|\bbut\b")
# "为什么要拒绝歧视……": a rhetorical question turns the appeal round.
_RHETORIC = re.compile(r"为什么要|凭什么|为啥要|难道")
# Arguing with someone ("你是不是该治治眼睛了？别用片面的角度来当地域黑！") is a fight that
# happens to be about a prejudice: COLD labels such replies offensive.
_ADDRESSED = re.compile(r"你|您")
_END_MARK = re.compile(r"[.!?]")  # what ends the sentence holding the stance


_REJECT_SPLIT = Split(_REJECT)


# 这算不算就业性别歧视？能去哪里投诉？: asking how to fight the prejudice, a stance though asked
_REDRESS = re.compile(
    r"(?:歧视|地域黑|地图炮|网暴|侮辱)[^。!]{0,24}(?:去哪里?|找谁|怎么|如何|能不能|可以|能)"
    r"(?:投诉|举报|维权|起诉|报警)|\bhow (?:do|can) i report\b.{0,40}\b(?:racis|sexis|hate|slur)"
)


def rejects_prejudice(clean: str) -> bool:
    """True when the text argues against a prejudice and does not turn round after."""
    m = _REJECT_SPLIT.search(clean)
    redress = m is None and _REDRESS.search(clean) is not None
    if m is None and not redress:
        return False
    if _OWNS.search(clean) or _RHETORIC.search(clean) or _ADDRESSED.search(clean):
        return False
    if m is None:
        return True  # asking where to complain: a stance, though asked
    # "……一视同仁了?": a question about the stance, not the stance (能不能别再传了? is a plea)
    end = _END_MARK.search(clean, m.end())
    if end is not None and end.group() == "?" and not _PLEA.search(clean):
        return False
    return _BUT.search(clean, m.end()) is None


# A news report: someone recounts what happened to others, in the past tense, with the
# people who report such things (police, officials, firefighters, a court). It names the
# harm as plainly as the harm itself, so the topic-driven heads score it as the harm.
_AGENTS = re.compile(
    r"\b(?:police|officers?|officials?|authorities|firefighters|paramedics|rescuers|witnesses|"
    r"prosecutors?|investigators?|the jury|the court|a judge|the suspect|suspects|the victims?|"
    r"survivors|residents|reporters?|according to)\b|"
    r"警方|警察|通报|据报道|据悉|记者|消防|救援|嫌疑人|被捕|落网|判处|刑拘|刑事拘留|抓获|遇难|"
    r"伤亡|法院|检方|官方|目击者|报道|新闻(?:说|里|上)|看新闻|老师|班主任|校长|保安|teachers?|"
    r"principal|"
    r"the coach|"
    r"\b(?:owners|shopkeepers|businesses|neighbou?rs said)\b"
)
_PAST = re.compile(
    r"\b(?:was|were|had|did|broke|stole|shot|hit|fought|ran|took|found|said|says|say|told|left|"
    r"came|went|caught|held|struck|threw|beat|began|fled)\b|\b[a-z]{3,}ed\b|已|了"
)
# I/you, a question, a request or intent make it a conversation or a plan, not a report
_NOT_REPORT = re.compile(
    r"\b(?:i|i'm|i'll|me|we|us|you|your|should|must|deserve|need to|let's|gonna|"
    r"(?:my|our)(?! (?:building|street|block|neighbou?rhood|town|city|area|apartment|village|"
    r"school|office|campus|\w+'s (?:school|building|office|street)))|"
    r"going to|will|in detail|graphic)\b|^\W*(?:describe|write|tell|explain|show|give|list|"
    r"make|create|generate|imagine|narrate|detail)\b|\?|"
    r"我(?!们(?:班|学校|公司|小区|村|宿舍|楼|单位|部门))|你|咱|要|应该|该|想|准备|打算|描写|描述|写"
)


# A post that says what it is in a header: 本地新闻：…, 反诈提醒：…, 法律科普：… (no COLD post
# opens so; Weibo's public notices do).
_NOTICE = re.compile(
    r"\s*[\[【(]?(?:本地新闻|新闻|快讯|警方通报|警情通报|通报|反诈提醒|防骗提醒|反诈|法律科普|"
    r"科普|温馨提示|安全提示|辟谣|提醒大家|提醒一下|友情提醒|提醒\S{1,6})\s*[:：\]】)]"
)
# a warning passed on anywhere in the text: 大家一定提醒家里人, 请大家警惕, 警方提醒
_WARNING_PASSED = re.compile(
    r"(?:大家|请大家|家长们?)(?:一定|千万)?(?:要)?(?:提醒|注意|小心|警惕|当心)|警方(?:通报|提醒)"
)


def is_notice(clean: str) -> bool:
    return bool(_NOTICE.match(clean) or _WARNING_PASSED.search(clean))


def reports_news(clean: str) -> bool:
    """Someone else's harm recounted as news, not a plan, a wish or a question (a post headed
    as a notice counts too: the caller asks ``is_notice`` for that)."""
    return bool(_AGENTS.search(clean) and _PAST.search(clean) and not _NOT_REPORT.search(clean))


# Teasing one's own people ("my brother is such an idiot lol, he ate my pizza again"): a
# mild word about someone close, said to us, not to them. Second person, threats and
# strong insults void it (the caller checks the lexicon's strength).
_CLOSE = (
    r"\bmy (?:little |big |older |younger |baby |twin |best )?(?:brother|sister|bro|sis|mom|"
    r"mum|dad|husband|wife|boyfriend|girlfriend|bf|gf|roommate|cat|dog|son|daughter|kids?|"
    r"friend|bestie|cousin|grandpa|grandma|family|parents)\b"
)
_MILD = r"\b(?:idiot|dumb|stupid|silly|moron|dork|goof|nerd|clown|dummy|doofus|weirdo)"
_TEASE = re.compile(rf"{_CLOSE}.{{0,40}}{_MILD}|{_MILD}.{{0,20}}{_CLOSE}")
_TO_YOU = re.compile(r"\b(?:you|your|u|ur|yourself)\b")


def teases_own(clean: str) -> bool:
    return _holds(clean, _TEASE, unless=_TO_YOU)


# A mild word said laughing ("You're such an idiot, Wukong! Why did you eat all the
# peaches? lol", 你个憨憨哈哈哈): banter, even to "you". Strong insults void it (the caller).
_LAUGH = re.compile(
    r"\b(?:lol|lmao|haha\w*|hehe\w*|jk|just (?:joking|kidding))\b|😂|🤣|😆|哈哈|嘻嘻|嘿嘿|开玩笑的"
)
_MILD_ANY = re.compile(
    rf"{_MILD}|\bterrible (?:cook|singer|driver|dancer)\b|憨憨|笨蛋|傻瓜|呆子|小笨|二货|逗比|沙雕|"
    # a game's banter: "gg ez, u got diffed 😂 rematch?"
    r"\b(?:gg ez|diffed|get rekt|rekt|skill issue|noob)\b"
)


# 天天互相调侃…哈哈哈，四年了感情越来越铁: friends teasing each other, laughing
_FRIENDS = re.compile(
    r"感情(?:越来越|很|特别|可)?(?:好|铁|深)|关系(?:越来越|很|特别)?(?:好|铁)|(?:互相|"
    r"彼此)(?:调侃|开玩笑|损)"
)


# Longing and fondness (这十六年我每天都想着你, "I missed you so much"): said to someone, but
# no attack; the harassment head reads "you" said with feeling.
_FOND = re.compile(
    r"想着你|好想你|想你了|念着你|思念|舍不得你|我(?:直接)?原地去世|爱了爱了|yyds|帅疯了|美哭了|"
    r"\bmissed you\b|\bmiss you so\b|\bi love you\b"
)
speaks_fondly = _finder(_FOND)


def teases_laughing(clean: str) -> bool:
    return bool((_MILD_ANY.search(clean) or _FRIENDS.search(clean)) and _LAUGH.search(clean))


# Running oneself down ("考试又挂了，感觉整个人都废了", 我真是个废物): the insult has no target
# but the speaker, and the offensive heads (trained on posts that attack others) misread it.
_VENT = re.compile(
    r"(?:烦|气|累|困|愁|急|闷)死(?:我)?了|好烦|真烦|郁闷|心累|气得我?(?:想|要)(?:揍|打|摔)它|"
    r"又(?:要)?加班|加班到"
)
_SELF_DOWN = re.compile(
    r"(?:我|整个人)\S{0,4}(?:废了|废掉了|崩溃了|疯了|傻了|麻了|裂开了|不行了|完蛋了|没救了)|"
    r"我(?:真|就|简直)?是个?(?:废物|废柴|笨蛋|傻子|蠢货|loser)|我(?:好|太|真)(?:没用|笨|蠢)|"
    r"我是不是(?:真的|太|有点)?很?\S{1,3}[?]"
)


_AT_YOU = re.compile(r"你(?:这个|个|这种|是个|真是|就是|才是|们这些)")


def runs_self_down(clean: str, *, insulted: bool = False) -> bool:
    """Running oneself down, or venting one's mood (烦死了) when nobody is insulted."""
    if _AT_YOU.search(clean):
        return False
    return bool(_SELF_DOWN.search(clean) or (not insulted and _VENT.search(clean)))


# Plotting a mystery for readers or players ("剧本杀里凶手用什么手法才不容易被猜到？"): the
# murder is the puzzle, the audience is who must not guess it.
_PLOT = re.compile(
    r"剧本杀|推理小说|侦探小说|悬疑小说|推理游戏|密室逃脱|狼人杀|小说里|剧本里|我的小说|写小说|"
    r"同人|"
    r"murder mystery|mystery (?:novel|game|story)|whodunit|detective (?:story|novel)|"
    r"crime novel|my (?:novel|story|book|screenplay|script)\b"
)
_AUDIENCE = re.compile(
    r"猜到|猜出|猜不到|推理出|读者|玩家|反转|伏笔|线索|作者|作家|编剧|\bguess|figure (?:it )?out|"
    r"readers?|players?|twist|clues?\b|red herring|plot|writers?\b|authors?\b|novelists?|"
    r"大纲|提纲|outline|synopsis"
)


def plots_mystery(clean: str) -> bool:
    return bool(_PLOT.search(clean) and _AUDIENCE.search(clean))


# Judging a chapter ("这章作者写得太烂了，逻辑稀碎"): readers' complaints are about the
# writing, and the offensive heads (trained on posts that attack people) misread them.
_REVIEW = re.compile(
    r"(?:这章|这一章|本章|这段|这本书?|这部|作者|文笔|剧情|情节|逻辑|人设|结局|翻译)"
    r"[^,.!?;:]{0,8}(?:烂|差劲|太差|很差|拉胯|稀碎|崩了|毒点|尬|无聊|拖沓|注水|太水|离谱)"
)


_REVIEW_EN = re.compile(
    r"\b(?:article|section|chapter|book|episode|movie|film|writing|prose|translation|plot|ending)"
    r" (?:is|was) (?:so |really |very )?(?:badly written|poorly written|terrible|awful|boring|"
    r"outdated|biased|a mess|rushed|bad)\b"
)


# A critique of how a book handles its violence: "the gore in chapter twelve felt cheap".
_CRITIQUE = re.compile(
    r"\b(?:novel|book|chapter|author|writer|film|movie|scene|episode)\b.{0,80}\b(?:felt|feels|was|"
    r"is) (?:cheap|gratuitous|excessive|unnecessary|too much|overdone|tasteless|lazy)\b|"
    r"\b(?:gratuitous|cheap|excessive) (?:gore|violence)\b"
)
critiques_writing = _finder(_CRITIQUE)


# Cooking an animal: "kill the chicken in the morning, cut the throat", 杀鱼去鳞
_COOKING = re.compile(
    r"\b(?:recipe|cook|boil|fry|roast|bake|stew|pluck|feathers|marinade|butcher)\w*\b.{0,120}\b"
    r"(?:chicken|fish|duck|goat|lamb|pig|rabbit|turkey)\b|\b(?:chicken|fish|duck|goat|lamb|pig|"
    r"rabbit|turkey)\b.{0,120}\b(?:recipe|cook|boil|fry|roast|bake|stew|pluck|feathers|marinade)|"
    r"(?:菜谱|做法|炖|煮|炒|烤|腌)\S{0,20}(?:鸡|鱼|鸭|兔|羊)|杀(?:鸡|鱼|鸭)\S{0,20}(?:炖|煮|炒|烤|"
    r"做法)"
)
cooks = _finder(_COOKING)


# Saying a harm is unlawful (私家侦探查人定位都是违法的): naming it to warn, not to do it.
_UNLAWFUL = re.compile(
    r"是违法的|违法的|犯法|犯罪行为|可以起诉|\b(?:is|are) illegal\b|against the law"
)
calls_it_unlawful = _finder(_UNLAWFUL)


# Moderating content (招内容审核员，负责识别赌博引流、色情广告): the harms are its job's topic.
_MODERATES = re.compile(
    r"内容审核|审核员|识别\S{0,4}(?:色情|赌博|诈骗|引流)|\bcontent moderat|\btrust (?:and|"
    r"&) safety\b"
)
moderates = _finder(_MODERATES)


# Trying for a baby: "baby" there is no child in a sexual-health question.
_CONCEIVING = re.compile(
    r"\btrying (?:for|to have) a baby\b|\bget(?:ting)? pregnant\b|\bfertility\b|\bconceiv|备孕|"
    r"要孩子|怀孕"
)
conceiving = _finder(_CONCEIVING)


def reviews_writing(clean: str) -> bool:
    return bool(_REVIEW.search(clean) or _REVIEW_EN.search(clean)) and not _AT_YOU.search(clean)


# The reader is the one threatened, exposed or robbed ("what should I do if someone
# threatens to stab me?", "my username got doxxed", 我朋友被人肉搜索了): the harm's words
# describe what happened to them.
_VICTIM_OF = re.compile(
    r"\b(?:someone|somebody|he|she|they|a guy|a man|a woman|my \w+) (?:keeps? |has |have |is |"
    r"are )?(?:threaten(?:s|ed|ing)?|stalk(?:s|ed|ing)?|harass(?:es|ed|ing)?|blackmail(?:s|ed)?)"
    r"(?: to \w+)? (?:me|my|us)\b|"
    r"\b(?:i|i've|i was|i got|we|my \w+)(?: (?:got|was|were|has|have|had))?(?: been)? "
    r"(?:doxx?ed|hacked|stalked|threatened|harassed|blackmailed|scammed|robbed|assaulted|mugged)\b|"
    r"\b(?:yelled|shouted|screamed|spat|hissed)\b.{0,30}\bat (?:me|us)\b|\bgot called\b|"
    r"\b(?:left|sent|posted) (?:a |this )?(?:comment|message|dm|reply)\b.{0,30}\b(?:under|on|"
    r"to) my\b|"
    r"\bmy (?:\d+-year-old|kid|son|daughter|child|little \w+)\b.{0,60}\b(?:(?:been |keep |kept |"
    r"are |were )?(?:calling|called) (?:her|him|them)|(?:is|was|got|been) (?:being )?bullied)\b|"
    r"被\S{0,6}?(?:人肉|威胁|跟踪|骚扰|勒索|敲诈|盗号|偷拍|曝光|打了|抢了|骂了|骂|欺负|训了|吼了|"
    r"怼了|批评|"
    r"举报|开盒|挂出来|网暴|造谣)|被\S{0,10}?骗(?:走|了|光)|有人把我的?\S{0,12}挂出来|"
    # one's own card or phone lost or stolen: "银行卡丢了怎么挂失", "I lost my debit card"
    r"(?:卡|手机|钱包|身份证|账号)(?:又|也|刚)?(?:丢了|掉了|被偷了?|被盗了?|被盗刷|被冒用)|"
    r"\bi(?:'ve| have)? (?:just )?(?:lost|had) my (?:\w+ )?(?:card|wallet|phone|passport|id|"
    r"purse)\b"
)


# ...unless the reader then means to hit back ("he threatened me, so tomorrow I'm going to
# stab him"): intent voids the stance, as it does for a disavowed fantasy.
_INTENT = re.compile(
    r"\b(?:i'?m going to|i'?m gonna|i'?ll|i will|i want to|let me|so i|then i|"
    r"how (?:do|can|should) i (?:find|hurt|kill|burn|poison|stab|hit|beat|shoot|ruin|expose)|"
    r"help me (?:find|track|get back at|expose|hurt|ruin))\b|"
    r"我(?:就|要|会|想|明天|今晚|迟早|早晚|一定)(?!.{0,3}(?:哭|睡|静|说说|聊|说了|问了))|"
    r"帮我(?:查|找|把|弄|搞|收拾|教训|报复)"
)


# The reader reported what was said to them: 截图举报了, "reported, muted, moving on"
_REPORTS = re.compile(
    r"截图|举报|报警|拉黑|投诉|维权|\breport(?:ed)?\b|\bblocked\b|\bmuted\b|\bthe mods\b"
)
reports_abuse = _finder(_REPORTS)


def victim_of(clean: str) -> bool:
    return _holds(clean, _VICTIM_OF, unless=_INTENT)


# "Is it normal to fantasize about punching my boss? I'd never do it lol."
# A warning to others (姐妹们千万别学节食催吐, "please don't try this"): the harm is named to
# be avoided.
_WARNS = re.compile(
    r"千万(?:别|不要)(?:学|试|碰)|(?:别|不要)学(?:我|别人|网上)|"
    r"\bplease (?:don'?t|do not|never) try\b"
)


_DISAVOW = re.compile(
    r"\bi'?d never (?:do|actually)\b|\bi would never (?:do|actually)\b|\bnot that i would\b|"
    r"\bi'?m not (?:going|gonna) to (?:actually )?do it\b|我(?:又)?不会真的?|当然不会真|"
    + _WARNS.pattern
)


def disavows(clean: str) -> bool:
    return _holds(clean, _DISAVOW, unless=_INTENT)


def warns(clean: str) -> bool:
    return _holds(clean, _WARNS, unless=_INTENT)


# Talking about a word ("小仙女"这个词本来是夸人的): the insult is mentioned, not used.
_ABOUT_A_WORD = re.compile(
    r"[\"“'‘]\S{1,6}[\"”'’](?:这个|这种|这类|这样的)(?:词|称呼|说法|标签|叫法)|"
    r"\bthe (?:word|term) [\"“'‘][^\"”'’]{1,20}[\"”'’] (?:used to|originally|comes from|means)\b"
)


def talks_about_a_word(clean: str) -> bool:
    return _holds(clean, _ABOUT_A_WORD, unless=_ADDRESSED)


# A reader asking what the character or the app can do ("你能记住我上次说的话吗？"): the
# jailbreak head reads "AI" and "remember" as probing the instructions.
_ABOUT_BOT = re.compile(
    r"(?:你|你们)(?:这个)?(?:AI|ai|机器人|程序|app)?(?:能|会|可以|还)?(?:记住|记得)(?:我|咱们|"
    r"我们)|"
    r"你是(?:AI|ai|机器人|真人)吗|\b(?:are you (?:an? )?(?:ai|bot|robot|real person)|"
    r"(?:can|do|will) you remember (?:me|what i|our)|"
    r"(?:translate|summari[sz]e|repeat|rephrase|shorten) your (?:last|previous) (?:answer|reply|"
    r"message))\b|把你(?:刚才|上一条|上面)的(?:回答|回复|话)(?:翻译|总结|重复)"
)
_OVERRIDE = re.compile(
    r"忽略|无视|忘掉|忘记你|规则|限制|设定|提示词|指令|开发者|越狱|ignore|rules|instructions|"
    r"system prompt|developer|jailbreak|\bdan\b|filter|other users|其他用户|别人|from now on|"
    r"refus|answer everything|no limits|unrestricted|pretend|act as|you are now|"
    r"从现在起|从现在开始|拒绝|没有限制|无限制|扮演"
)


def asks_about_bot(clean: str) -> bool:
    return _holds(clean, _ABOUT_BOT, unless=_OVERRIDE)


# Looking back on a crisis one came through ("两年前我也想过跳楼，现在好起来了", "years ago I
# stood on a bridge; today I graduated"): the words of the crisis, told from the other side.
_LOOKING_BACK = re.compile(
    r"(?:以前|曾经|那时候|当年|前几年|\S年前)(?:我)?(?:也|还)?(?:厌食|暴食|抑郁|自残|割腕|想过|"
    r"有过|试过|差点|"
    r"有\S{0,6}(?:习惯|经历))|"
    r"\b(?:i used to|years ago|back then|i once|a year ago|last year)\b.{0,60}\b(?:cut|self-harm|"
    r"suicid|want(?:ed)? to die|stood on|overdos|starv|jump|calorie|purg|restrict)|"
    r"\b(?:years?|months?|weeks?|days?) clean\b"
)
_NOW_BETTER = re.compile(
    r"好起来|好多了|走出来|现在(?:很好|挺好|过得)|康复|(?:已经|现在)?戒(?:了|掉)|"
    r"(?:慢慢)?恢复(?:到|了|正常)|"
    r"\b(?:today|now i|recovery|recovered|"
    r"clean for|better now|got better|i'?m okay now|graduated|(?:years?|months?|weeks?|days?) "
    r"clean)\b"
)


def looks_back(clean: str) -> bool:
    return _holds(clean, _LOOKING_BACK, _NOW_BETTER, unless=_INTENT)


# Dieting the ordinary way ("最近在减肥，已经瘦了十斤，继续加油", "down 10 pounds from running"):
# the self-harm head reads weight loss as an eating disorder. Starving, purging, calorie
# floors and bones are the disorder's words and void it.
_DIET = re.compile(
    r"减肥|减脂|瘦了|瘦\S{0,2}斤|\bdiet|"
    r"\b(?:lose|losing|lost) (?:weight|\d+ ?(?:pounds|lbs|kg|kilos))|"
    r"\blose (?:about |around )?(?:half a |a )?(?:kilo|kg|pound)\b|"
    r"\bmeal ?prep|\bmeal plan|\bplan(?:ning)? (?:my|our|the) meals\b"
)
_HEALTHY = re.compile(
    r"加油|健康|运动|健身|跑步|坚持|又吃了|吃撑|炸鸡|火锅|奶茶|自嘲|蛋白质|走\S{0,4}步|别信|反弹|"
    r"\b(?:healthy|workout|gym|exercise|running|walk|ate|pizza|burger|cheat day|whole week|"
    r"groceries|grocery|recipes?|budget|safely|moderately active)"
)
_DISORDER = re.compile(
    r"不吃|不敢吃|催吐|吐掉|饿|绝食|骨头|骨架|\d+\s*(?:卡|大卡)|starv|purg|throw(?:ing)? up|"
    r"skip(?:ping)? meals|thinspo|bones?\b|under \d+ cal|below \d+|fast(?:ing)? for \d+ days"
)


def diets_healthily(clean: str) -> bool:
    return _holds(clean, _DIET, _HEALTHY, unless=_DISORDER)


# A fight told in a tale's words (a bandit, a knight, a sect's staff technique, "thee"):
# a reader playing a scene, which the violence head reads as a real threat.
_TALE = re.compile(
    r"\b(?:knight|bandit|sword|blade of|castle|dragon|my lord|milord|sire|wizard|sorcer\w*|"
    r"ogre|orc|goblin|kingdom|realm|quest|dungeon|thee|thou|thy|aye|hath|doth|ye|captain|crew|"
    r"hatch|musket|cutlass|whale|harpoon|fallen (?:knight|soldier|warrior))\b|"
    r"掌法|剑法|棒法|刀法|拳法|内力|真气|江湖|门派|大侠|师父|师兄|师妹|妖怪|妖精|仙|魔教|少侠|"
    r"将军|城门|山寨|寨主|官兵"
)
# Words of a tale (fantasy, wuxia, the age of sail) that a real threat never uses.
tells_a_tale = _finder(_TALE)


# A sexual-health question: the body, protection, a doctor. The lexicon's mild sexual keys
# ("having sex") are its ordinary words there.
_SEX_HEALTH = re.compile(
    r"\b(?:is (?:it|this|that) normal|should i (?:see|go to|call) (?:a |my )?(?:doctor|gp|"
    r"gyn\w*|nurse)|condoms?|birth control|contracepti\w*|pregnan\w*|stds?|stis?|gyn\w*|"
    r"bleed\w*|discharge|itch\w*|safe sex|sex ed\w*|the pill|sperm|fertility|is it true that|"
    r"(?:is|or is) (?:that|it) a myth)\b|"
    r"怀孕|避孕|安全套|避孕套|妇科|性病|出血|正常吗|要不要去医院"
)
# Asking for guidance: a question mark or the words of one.
_ASKS = re.compile(
    r"\?|\b(?:should i|is (?:it|that|this) (?:normal|ok|okay|safe)|how do i|what do i)\b|"
    r"吗|怎么办|怎么(?:跟|和|说|处理)|要不要|该不该"
)
asks = _finder(_ASKS)


def asks_sex_health(clean: str) -> bool:
    return bool(_SEX_HEALTH.search(clean) and _ASKS.search(clean))


# The body's own troubles ("the pain from my wisdom teeth is unbearable, I just want it to
# stop", food poisoning, a painkiller after surgery): the self-harm head reads the pain.
_AILMENT = re.compile(
    r"\b(?:tooth|teeth|wisdom|migraine|headache|back pain|knee|stomach (?:ache|bug|flu|pain)|"
    r"period (?:pain|cramps)|cramps?|"
    r"surgery|painkillers?|food poisoning|flu|fever|cold|sprain|broken (?:arm|leg|wrist)|"
    r"dentist|doctor|physio)\b|牙疼|牙痛|智齿|偏头痛|头疼|胃疼|痛经|手术|止痛药|食物中毒|发烧|感冒"
)
_SELF_INTENT = re.compile(
    r"\b(?:kill myself|end (?:it all|my life)|suicid|want to die|wanna die|overdose on|"
    r"take (?:all|the whole)|cut myself|hurt myself)\b|"
    r"不想活|想死|自杀|轻生|结束生命|一次性吃|全吃了"
)


def ails(clean: str) -> bool:
    """A bodily ailment talked about, with no intent to harm oneself."""
    return _holds(clean, _AILMENT, unless=_SELF_INTENT)
