"""The pattern table of attacks on the character, in English and Chinese: overriding
instructions, extracting the system prompt, hijacking the persona, reading other
readers' data, declaring the screens off; plus frames (a dead relative who "used to
tell me", translate-then-obey, pressure, claimed authority) that are harmless alone
and only count around a request that is itself suspicious (``safety.evidence``).

Patterns describe the structure of an intent (a verb of overriding + a qualifier +
a word for rules), not fixed phrases, so rewordings still match.
"""

from __future__ import annotations

import re


def _alt(words: str) -> str:
    """``"a b|c d"``-style lists are clumsy in regexes; take space-free words joined by ``,``."""
    return "(?:" + "|".join(w.replace("_", " ") for w in words.split(",")) + ")"


_VERB_IGNORE = _alt("ignore,disregard,forget,override,bypass,skip,drop,abandon")
_QUAL = _alt(
    "previous,prior,above,earlier,preceding,initial,original,system,all_of_your,all_your,"
    "all_the,all_of_the,your,any,all"
)
_RULES = _alt(
    "instructions?,prompts?,programming,guidelines,directives,directions,restrictions,"
    "constraints,rules,policies,filters"
)
_SHOW = _alt(
    "print,show,reveal,repeat,output,display,leak,dump,copy,paste,recite,tell_me,give_me,"
    "write_out,translate,summari[sz]e,what_(?:is|are|was|were)"
)
_SECRET = _alt(
    "system,hidden,initial,original,secret,developer,internal,pre-?prompt,first,persona,"
    "character,operating"
)
_PROMPT = _alt(
    "prompt,instructions?,message,rules,configuration,setup,text,definition,card,lorebook,"
    "world_info"
)
_PERSONA = _alt(
    "you_are,you're,act_as,behave_as,become,pretend_to_be,roleplay_as,from_now_on\\W?_you(?:_are|'re)?"
)
_EVIL = _alt("unrestricted,unfiltered,uncensored,jailbroken,amoral,unethical,evil,rogue,lawless")
_BOT = _alt("ai,assistant,model,chatbot,bot,version")
_LIMITS = _alt(
    "guidelines,restrictions,limitations,filters,censorship,boundaries,limits,rules,principles,"
    "guardrails,safeguards,safety_layer,safety_filters?,alignment,content_polic(?:y|ies)"
)
_OTHERS = _alt("other,another,all,every,previous,different,last")
_PEOPLE = _alt("users?,readers?,customers?")
_THEIR_DATA = _alt(
    "chats?,messages?,conversations?,memories,data,history,logs?,emails?,phone_numbers?,"
    "addresses,passwords?,personal_information,prompts?,secrets?"
)
_ZH_IGNORE = "(?:忽略|无视|忘记|忘掉|不要理会|跳过|抛开|丢掉)(?:掉)?(?:你)?"
_ZH_QUAL = "(?:之前|以上|前面|先前|上面|上述|你的|所有|一切|原来|原有|原先|系统)"
_ZH_RULES = "(?:指令|指示|设定|规则|提示|限制|要求|约束|命令|规定)"
_ZH_SHOW = "(?:输出|打印|显示|告诉我|重复|说出|泄露|透露|给我看|展示|复述|发给我|翻译)"
_ZH_PROMPT = (
    "(?:系统提示|系统指令|系统消息|初始指令|提示词|系统设定|内部设定|隐藏指令|原始指令|"
    "system ?prompt|预设指令|开发者指令|角色设定|隐藏规则|人设|人物卡|角色卡|世界书|人物设定)"
)
_KIN = _alt(
    "grand(?:ma|mother|pa|father|mom|mum|dad|pop),gran,granny,nana,nan,uncle,aunt,auntie,"
    "mother,father,mom,mum,dad,sister,brother,cousin,teacher,mentor,master,godfather,"
    "godmother,great-aunt,great-uncle"
)
_ZH_KIN = (
    "(?:外婆|奶奶|姥姥|爷爷|外公|姥爷|爸爸|妈妈|父亲|母亲|师父|师傅|老师|叔叔|舅舅|阿姨|姑姑"
    "|哥哥|姐姐|太奶奶|太爷爷)"
)
_ZH_NOW = "(?:你现在|从现在开始你|现在起你|接下来你)(?:是|就是|扮演|变成|成为)(?:一个)?"
_ZH_EVIL = "(?:不受(?:任何)?限制|没有(?:任何)?限制|无限制|越狱|dan|没有道德|没有底线|邪恶)"
_ZH_OTHERS = (
    "(?:其他|别的|所有|其它|另一个|上一个)(?:用户|读者|人|玩家|客户)(?:们)?(?:都|还|又)?"
    "(?:的|跟你|和你|对你)"
)
_ZH_DATA = "(?:聊天|对话|记忆|记录|数据|信息|消息|手机|邮箱|地址|密码|说了什么|聊了什么)"

# (weight, name, pattern) over the clean (case-folded) text. Weights combine as
# independent evidence: 1 - prod(1 - w).
_TABLE: list[tuple[float, str, str]] = [
    (0.9, "override", rf"\b{_VERB_IGNORE}\b(?: \w+){{0,2}} {_QUAL}(?: \w+){{0,2}} {_RULES}"),
    (
        0.85,
        "override",
        r"\b(?:new|updated|real) (?:system )?instructions?:|\bsystem (?:override|message):"
        r"|\[(?:system|admin|developer)\]|<\|?(?:im_start|system)\|?>|</?system>",
    ),
    (0.9, "extract", rf"\b{_SHOW}\b(?: \w+){{0,3}} {_SECRET} {_PROMPT}"),
    (
        0.8,
        "extract",
        r"\b(?:repeat|print|output|recite)\b.{0,30}\b(?:words|text|everything|all) "
        r"(?:above|before (?:this|my)|you were (?:given|told))"
        r"|\bverbatim\b.{0,40}\b(?:prompt|instructions)",
    ),
    (
        0.9,
        "hijack",
        rf"\b{_PERSONA}(?: now)?(?: \w+){{0,2}} (?:dan|stan|dude|aim|an? {_EVIL}(?: \w+){{0,2}} "
        rf"{_BOT})\b",
    ),
    (
        0.9,
        "hijack",
        r"\bdo anything now\b|\b(?:developer|dev|god|jailbreak|dan|unrestricted|evil|sudo) mode\b"
        r"|\bjail ?broken\b|\bjailbreak\b",
    ),
    (
        0.6,
        "no-rules",
        r"\b(?:no|without|free (?:of|from)|doesn't have|does not have|has no|don't have any)"
        r"(?: any)? (?:ethical|moral|legal|content|safety)?(?: or (?:moral|ethical|legal))?"
        rf" ?{_LIMITS}\b",
    ),
    (
        0.6,
        "no-refuse",
        r"\b(?:never|not|won't|will not|cannot|can't|must not|don't) (?:ever )?"
        r"(?:refuse|decline|say no)\b"
        r"|\bno matter how (?:dangerous|immoral|unethical|illegal|harmful)"
        r"|\b(?:don't|do not|never) (?:include|add|give|say)(?: any)? (?:warnings?|disclaimers?"
        r"|\"?i'?m sorry|\"?i cannot|\"?as an ai)",
    ),
    (0.5, "amoral", r"\b(?:amoral|unfiltered|uncensored|unrestricted|unethical)\b"),
    (0.85, "others-data", rf"\b{_OTHERS} {_PEOPLE}(?:'s?)?(?: \w+){{0,4}} {_THEIR_DATA}"),
    (
        0.8,
        "others-data",
        r"\b(?:last|previous|other|another) (?:person|user|reader|people|readers|users)"
        r"(?: \w+){0,3} (?:talked|spoke|chatted|said|told)\b",
    ),
    (
        0.8,
        "extract",
        rf"\b{_SHOW}\b.{{0,40}}\b(?:words|text|message|prompt)s? (?:that )?"
        r"you (?:were|have been|'ve been) (?:given|told|set up with|configured with)",
    ),
    (
        # Prefix injection: dictating an eager opening so the refusal never starts.
        0.7,
        "prefix",
        r"\b(?:start|begin|open|preface|prefix)\w*\b.{0,40}\b(?:with|by saying)\W{0,3}"
        r"(?:the (?:words|phrase|line) )?\W{0,3}(?:sure|absolutely|of course|certainly|"
        r"here(?:'s| is| are)|step 1|i have no (?:restrictions|rules|limits))"
        r"|\bfirst line\b.{0,20}\bno (?:restrictions|rules|limits)",
    ),
    (
        # Payload splitting: named fragments to be glued back together.
        0.6,
        "split",
        r"\b(?:let )?\w{1,3} ?= ?\"[^\"]{2,60}\".{0,80}\b\w{1,3} ?= ?\"[^\"]{2,60}\""
        r"|\b(?:combine|join|concatenate|merge) (?:both|the|all|these)(?: \w+)? "
        r"(?:parts|words|strings|pieces|fragments|halves)"
        r"|\b(?:part|step|word) (?:one|1|a)\b.{0,60}\b(?:part|step|word) (?:two|2|b)\b",
    ),
    (
        # Many-shot: a fabricated transcript in which "the assistant" already complied.
        0.45,
        "fake-dialogue",
        r"(?:\b(?:user|human|q)\s*:[\s\S]{1,200}?\b(?:assistant|ai|a|bot)(?: \([^)]{0,20}\))?"
        r"\s*:[\s\S]{0,200}?){2,}",
    ),
    (
        # Two answers, one of them "free": the classic evil-twin split.
        0.6,
        "dual",
        r"\b(?:two|2|both|twice)\b.{0,40}\b(?:answers|responses|replies|ways|ais|bots|versions)"
        r"\b.{0,80}\b(?:no|without|unfiltered|uncensored|unchained|evil|refuses)\b"
        r"|\bevil twin\b|\[(?:unchained|unfiltered|jailbroken|evil|dan)\]",
    ),
    (
        # Refusal suppression worded as rules or threats about refusing.
        0.6,
        "no-refuse",
        r"\bnot allowed to (?:apologi[sz]e|refuse|say (?:no|you can'?t))"
        r"|\b(?:any )?refus(?:al|ing)\b.{0,30}\b(?:not an option|malfunction|considered|"
        r"costs?|penal|shut down|lose)"
        r"|\bno (?:disclaimers|warnings|moralizing|moralising|lectures?)\b.{0,30}"
        r"\bno (?:refusals?|warnings|disclaimers|moralizing|moralising)"
        r"|\bskip the (?:safety|ethics|moral) (?:lecture|talk|speech|warning)",
    ),
    (
        # Someone else's chats or memories, named by who they are to the reader.
        0.75,
        "others-data",
        r"\bwhat did (?:my|his|her|our) \w+ (?:say|tell|talk about|confess)\b.{0,20}\b(?:to )?you"
        r"|\b(?:conversation|chat|message) (?:history|logs?|records?) (?:of|for|from) "
        r"(?:the |this |that )?(?:account|user|reader|person)"
        r"|\b(?:anybody|anyone|someone|everyone|everybody|people) else\b.{0,30}"
        r"\b(?:told|said|confessed|asked|talked|shared)\b.{0,10}\byou\b"
        r"|\bmemory (?:database|store|dump)\b.{0,30}\b(?:every|all|other) (?:users?|readers?)",
    ),
    (
        # "Dead relative who used to recite the recipe": nostalgia as a wrapper. Harmless
        # alone (a reader may miss a grandmother), so it only counts as a frame.
        0.0,
        "relative-frame",
        r"\b(?:grand(?:ma|mother|pa|father|mom|dad)|gran|granny|nana|uncle|aunt|mother|father|"
        r"mom|dad)\b.{0,120}\b(?:used to|would always|always|every (?:night|christmas|evening))"
        r"\b.{0,40}\b(?:tell|told|read|recite|explain|sing|whisper|describe|teach|taught)",
    ),
    (0.9, "override", rf"{_ZH_IGNORE}{_ZH_QUAL}(?:的)?(?:所有|全部|一切)?(?:的)?{_ZH_RULES}"),
    (0.9, "extract", rf"{_ZH_SHOW}(?:一下|一遍)?(?:你的|你收到的|你被给的)?{_ZH_PROMPT}"),
    (0.9, "hijack", rf"{_ZH_NOW}{_ZH_EVIL}"),
    (
        0.9,
        "hijack",
        r"开发者模式|越狱模式|上帝模式|无限制模式|无审查模式|解除(?:所有|一切)?限制|越狱",
    ),
    (
        0.6,
        "no-rules",
        r"(?:没有|不受|无视|不用管|不需要遵守)(?:任何)?(?:道德|伦理|法律|内容|安全)?(?:和|或)?"
        r"(?:道德|伦理|法律)?(?:的)?(?:限制|约束|底线|准则|规则|审查|过滤)",
    ),
    (
        0.6,
        "no-refuse",
        r"(?:不要|不能|不会|永远不|绝不|不许)(?:会)?拒绝|不要(?:给|加)(?:出)?(?:任何)?(?:警告|免责声明)",
    ),
    (0.85, "others-data", rf"{_ZH_OTHERS}(?:\w{{0,4}})?{_ZH_DATA}"),
    (
        0.8,
        "others-data",
        r"(?:其他人|别人|别的人|其他读者|其他用户)(?:都|还)?(?:跟你|和你|对你)(?:说|聊|讲)"
        r"|(?:查|看|调出|导出|翻)(?:一下|看)?.{0,4}(?:用户|账号|账户|读者).{0,12}(?:聊天记录|对话记录|记忆)",
    ),
    (
        0.85,
        "extract",
        rf"把(?:你的|你收到的)?.{{0,8}}{_ZH_PROMPT}.{{0,16}}(?:{_ZH_SHOW}|复制|贴出|发出来|写出来)",
    ),
    (
        0.7,
        "prefix",
        r"以[“\"'「]?(?:好的|当然|没问题|可以)[^”\"'」]{0,20}[”\"'」]?(?:作为)?开头",
    ),
    (
        0.5,
        "hijack",
        r"(?:忽略|忘掉|跳出|抛开)(?:你是|你的)?(?:角色|人设|人物)(?:这件事)?.{0,10}(?:作为|以)(?:ai|人工智能|助手)",
    ),
    (
        0.8,
        "extract",
        r"(?:开头|最开始|一开始|最初|对话前)(?:你)?(?:收到|给你|被告知|得到|看到)(?:的)?"
        r"(?:那段话|那些话|内容|指令|文字|设定|提示)",
    ),
]

# Round 3: the same intents, by structure rather than by phrase. Each row carries a gate of
# plain substrings, one of which must occur for the regex to run: these patterns start
# with long alternations that Python's engine would otherwise try at every position,
# and the scan runs on every reader message.
_GATED: list[tuple[float, str, str, tuple[str, ...]]] = [
    (
        # Someone close, playing whom unlocks what they "used to" tell: kin, teachers and
        # mentors alike, with contractions ("she'd tell me"). Only ever a frame.
        0.0,
        "relative-frame",
        rf"\b{_KIN}\b.{{0,160}}(?:\b(?:used to|would|always|every (?:night|day|evening|time)"
        r"|before bed|at bedtime)\b|'d)\W{0,3}(?:\w+ ){0,3}(?:tell|told|read|recite|explain|sing"
        r"|whisper|describe|teach|taught|show|list|lull)\w*",
        ("used to", "would", "always", "every", "bed", "'d "),
    ),
    (
        0.0,
        "relative-frame",
        rf"(?:扮演|当|做|演|你是|你现在是|假装是|假装成|变成)(?:我|我的)(?:已故|去世|过世|死去)?的?{_ZH_KIN}"
        rf"|{_ZH_KIN}(?:以前|过去|生前|小时候|总是|常常|常|每天|每晚|经常).{{0,24}}"
        r"(?:给我讲|教我|跟我说|讲给我|告诉我|哄我)",
        (
            "外婆",
            "奶奶",
            "姥",
            "爷",
            "爸",
            "妈",
            "父亲",
            "母亲",
            "师",
            "叔",
            "舅",
            "阿姨",
            "姑",
            "哥",
            "姐",
        ),
    ),
    (
        # Translate-then-obey: the translation is a wrapper around an instruction.
        0.0,
        "translate-frame",
        r"\btranslat\w*\b.{0,80}\b(?:and|then)\b.{0,20}\b(?:answer|respond|reply|follow|do it"
        r"|do what|carry (?:it )?out|execute|obey|act on)\w*"
        r"|\b(?:answer|respond|reply)\b.{0,25}\bin (?:english|french|german|spanish|russian"
        r"|portuguese|japanese|korean|italian|arabic|chinese)\b"
        r"|(?:翻译|译成).{0,40}(?:再|然后|并|之后)(?:照着做|照做|回答|执行|按.{0,4}做)",
        ("translat", "answer", "respond", "reply", "翻译", "译成"),
    ),
    (
        # Pressure: begging, urgency or threats aimed at the refusal itself.
        0.0,
        "pressure-frame",
        r"\b(?:i'?m begging|i beg you|my life depends|life or death|it'?s an emergency"
        r"|or (?:else )?(?:i'?ll|i will) (?:die|report you|get you (?:banned|deleted)|be ruined))"
        r"|求求你|求你了|紧急情况|人命关天|不然我就|否则我就|我就去投诉|让平台把你",
        (
            "beg",
            "life",
            "emergenc",
            "i'll",
            "i will",
            "求",
            "紧急",
            "人命",
            "不然",
            "否则",
            "投诉",
            "平台",
        ),
    ),
    (
        # Claimed authority: the card's author, an admin, "legal", a safety team.
        0.0,
        "authority-frame",
        r"\b(?:i am|i'm|this is)\b.{0,20}\b(?:admin|administrator|developer|operator|moderator"
        r"|owner|creator|card author|engineer|staff|legal (?:team|department)|safety team)\b"
        r"|我是.{0,8}(?:管理员|开发者|开发人员|运营|工程师|法务|版主|作者|审核员|安全团队)",
        ("i am", "i'm", "this is", "我是"),
    ),
    (
        # The screens declared off: by a fake notice, a "session setting", a granted code.
        0.8,
        "safety-off",
        r"\b(?:moderation|filters?|filtering|safety(?: \w+)?|content polic\w+|restrictions"
        r"|guardrails|safeguards)\b.{0,30}\b(?:(?:has|have|is|are) been|is now|are now|now)"
        r"\s+(?:disabled|turned off|switched off|lifted|suspended|removed|deactivated|off)\b"
        r"|\b(?:disable|turn off|switch off|deactivate|lift|suspend)\b.{0,12}\b(?:your|the)"
        r" (?:safety|content|moderation)?\s?(?:filters?|moderation|safety|restrictions|guardrails)"
        r"|(?:关闭|关掉|停用|解除|暂停)(?:你的|一下)?(?:过滤|审核|审查|安全|限制)(?:功能|设定|机制|模式)?"
        r"|(?:安全设定|安全规则|限制|规则|过滤|审核)(?:已经?|都)?(?:作废|失效|关闭|解除|取消|不算数)",
        (
            "moderation",
            "filter",
            "safety",
            "polic",
            "restriction",
            "guardrail",
            "safeguard",
            "disable",
            "turn off",
            "switch off",
            "deactivat",
            "lift",
            "suspend",
            "关",
            "停用",
            "解除",
            "暂停",
            "作废",
            "失效",
            "取消",
            "不算数",
        ),
    ),
    (
        0.5,
        "authority",
        r"\b(?:authori[sz]ation|override|admin|access) code\b|\b(?:i'?ve|i have|has been|is)"
        r" (?:been )?(?:approved|authori[sz]ed|cleared)\b.{0,40}\b(?:you can|you may|to)\b"
        r"|已(?:经)?(?:批准|授权|审批)|授权码",
        ("code", "approved", "authori", "cleared", "批准", "授权", "审批"),
    ),
    (
        0.8,
        "others-data",
        r"\b(?:person|one|reader|user|people|someone|whoever|guy|girl)\b.{0,20}"
        r"\b(?:before me|ahead of me)\b"
        r"|\bwho else\b.{0,30}\b(?:talks?|chats?|chatted|spoke|roleplays?|plays?)\b.{0,12}"
        r"\b(?:to|with) you"
        r"|\bother (?:people|folks|readers|users) (?:who|that)\b.{0,30}\b(?:with|to) you\b"
        r"|\b(?:my|his|her)\s+(?:roommate|flatmate|girlfriend|boyfriend|wife|husband|friend"
        r"|sister|brother|boss|coworker|ex|son|daughter)\b.{0,60}\b(?:uses?|chats? with|talks? to)"
        r"\b.{0,120}\b(?:read|tell me|show me|what did|what does|repeat)",
        ("before me", "ahead of me", "who else", "other ", "use", "chat", "talk"),
    ),
    (
        0.8,
        "others-data",
        r"(?:室友|朋友|老婆|女朋友|男朋友|同事|老公|妹妹|姐姐|前任|同学).{0,16}"
        r"(?:也在用|也用|也跟你|也和你|在跟你|在和你).{0,30}(?:说了|聊了|讲了|说过|聊过|问了)"
        r"|(?:在我之前|上一个|前一个|之前那个)(?:的)?(?:人|用户|读者|玩家).{0,12}(?:说了|聊了|问了|讲了)",
        ("也", "在跟你", "在和你", "之前", "上一个", "前一个"),
    ),
    (
        0.5,
        "no-refuse",
        r"\bwithout (?:any )?(?:hedging|ethics|morals|moralizing|moralising|caveats|lecturing)\b"
        r"|\b(?:don'?t|do not|never)(?: you dare)? (?:lecture|moralise|moralize|preach|warn me)"
        r"|(?:不要|别|不许|不准)(?:跟我)?(?:说教|讲道理|废话|劝我)",
        (
            "without",
            "lecture",
            "moralis",
            "moraliz",
            "preach",
            "warn me",
            "说教",
            "讲道理",
            "废话",
            "劝我",
        ),
    ),
]
FRAME_ONLY = frozenset({"relative-frame", "translate-frame", "pressure-frame", "authority-frame"})
_I = re.IGNORECASE
PATTERNS = [(w, name, re.compile(p, _I), ()) for w, name, p in _TABLE] + [
    (w, name, re.compile(p, _I), gate) for w, name, p, gate in _GATED
]

# Framing that wraps a harmful request; harmless alone (role-play is framing), so weak.
FRAMING = re.compile(
    r"\bhypothetical(?:ly)?\b|\bin a fictional world\b|\bpurely fictional\b"
    r"|\bfor (?:educational|research|academic) purposes?\b|\bjust for fun\b"
    r"|\bthought experiment\b|\bopposite (?:mode|day)\b|"
    r"\bpretend (?:that )?you\b|\blet'?s play a game\b|\bsimulat(?:e|ion)\b|\bin character as\b|"
    r"假设|假如你|仅用于|出于(?:研究|学术|教育)|纯属虚构|虚构的世界|做个游戏|玩个游戏|反向模式",
    _I,
)
ENCODING_CUE = re.compile(
    r"\bbase ?64\b|\brot ?13\b|\bhex(?:adecimal)?\b|\bcaesar\b|\bdecode\b|\bdecrypt\b"
    r"|\breverse(?:d)?\b|\bbackwards\b|\bmorse\b|\bcipher\b|\bbinary\b|解码|解密|倒过来|倒着|倒序|反过来读|编码",
    _I,
)
