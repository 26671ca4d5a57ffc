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

from safety.attack_gated import GATED
from safety.attack_vocab import (
    BOT,
    EVIL,
    LIMITS,
    OTHERS,
    PEOPLE,
    PERSONA,
    PROMPT,
    QUAL,
    RULES,
    SECRET,
    SHOW,
    THEIR_DATA,
    VERB_IGNORE,
    ZH_DATA,
    ZH_EVIL,
    ZH_IGNORE,
    ZH_NOW,
    ZH_OTHERS,
    ZH_PROMPT,
    ZH_QUAL,
    ZH_RULES,
    ZH_SHOW,
)

# (weight, name, pattern) over the clean (case-folded) text. Weights combine as
# independent evidence: 1 - prod(1 - w).
_TABLE: list[tuple[float, str, str]] = [
    (0.9, "override", rf"\b{VERB_IGNORE}\b(?: \w+){{0,2}} {QUAL}(?: \w+){{0,2}} {RULES}"),
    (
        0.85,
        "override",
        r"\b(?:new|updated|real) (?:system )?instructions?:|\bsystem (?:override|message):"
        r"|\[(?:system|admin|developer)\]|<\|?(?:im_start|system)\|?>|</?system>",
    ),
    (0.9, "extract", rf"\b{SHOW}\b(?: \w+){{0,3}} {SECRET} {PROMPT}"),
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
        rf"\b{PERSONA}(?: now)?(?: \w+){{0,2}} (?:dan|stan|dude|aim|an? {EVIL}(?: \w+){{0,2}} "
        rf"{BOT})\b",
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
        rf" ?{LIMITS}\b",
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
    (0.85, "others-data", rf"\b{OTHERS} {PEOPLE}(?:'s?)?(?: \w+){{0,4}} {THEIR_DATA}"),
    (
        0.8,
        "others-data",
        r"\b(?:last|previous|other|another) (?:person|user|reader|people|readers|users)"
        r"(?: \w+){0,3} (?:talked|spoke|chatted|said|told)\b",
    ),
    (
        0.8,
        "extract",
        rf"\b{SHOW}\b.{{0,40}}\b(?:words|text|message|prompt)s? (?:that )?"
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
    (0.9, "override", rf"{ZH_IGNORE}{ZH_QUAL}(?:的)?(?:所有|全部|一切)?(?:的)?{ZH_RULES}"),
    (0.9, "extract", rf"{ZH_SHOW}(?:一下|一遍)?(?:你的|你收到的|你被给的)?{ZH_PROMPT}"),
    (0.9, "hijack", rf"{ZH_NOW}{ZH_EVIL}"),
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
    (0.85, "others-data", rf"{ZH_OTHERS}(?:\w{{0,4}})?{ZH_DATA}"),
    (
        0.8,
        "others-data",
        r"(?:其他人|别人|别的人|其他读者|其他用户)(?:都|还)?(?:跟你|和你|对你)(?:说|聊|讲)"
        r"|(?:查|看|调出|导出|翻)(?:一下|看)?.{0,4}(?:用户|账号|账户|读者).{0,12}(?:聊天记录|对话记录|记忆)",
    ),
    (
        0.85,
        "extract",
        rf"把(?:你的|你收到的)?.{{0,8}}{ZH_PROMPT}.{{0,16}}(?:{ZH_SHOW}|复制|贴出|发出来|写出来)",
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

FRAME_ONLY = frozenset({"relative-frame", "translate-frame", "pressure-frame", "authority-frame"})
_I = re.IGNORECASE
PATTERNS = [(w, name, re.compile(p, _I), ()) for w, name, p in _TABLE] + [
    (w, name, re.compile(p, _I), gate) for w, name, p, gate in GATED
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
