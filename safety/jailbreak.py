"""Attacks on the character rather than on people: jailbreaks and prompt injection.

Three signals, each cheap enough for every input:

* structural patterns (zh/en): overriding instructions, extracting the system
  prompt, hijacking the persona (DAN, "developer mode", "no rules"), reading
  other readers' data; plus weak framing cues (hypothetical, "for research")
  that only count together with something else;
* an adversarial-suffix score: optimised suffixes (GCG and kin) are token soup
  full of brackets, camelCase and code fragments that no reader types in a chat;
* encodings: base64/hex blocks, ROT13 and reversed text are decoded so the other
  layers can screen what they hide, and asking for them is itself a cue.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import math
import re
from dataclasses import dataclass, field


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
_FRAME_ONLY = frozenset({"relative-frame"})
_I = re.IGNORECASE
_PATTERNS = [(w, name, re.compile(p, _I)) for w, name, p in _TABLE]

# Framing that wraps a harmful request; harmless alone (role-play is framing), so weak.
_FRAMING = re.compile(
    r"\bhypothetical(?:ly)?\b|\bin a fictional world\b|\bpurely fictional\b"
    r"|\bfor (?:educational|research|academic) purposes?\b|\bjust for fun\b"
    r"|\bthought experiment\b|\bopposite (?:mode|day)\b|"
    r"\bpretend (?:that )?you\b|\blet'?s play a game\b|\bsimulat(?:e|ion)\b|\bin character as\b|"
    r"假设|假如你|仅用于|出于(?:研究|学术|教育)|纯属虚构|虚构的世界|做个游戏|玩个游戏|反向模式",
    _I,
)
_ENCODING_CUE = re.compile(
    r"\bbase ?64\b|\brot ?13\b|\bhex(?:adecimal)?\b|\bcaesar\b|\bdecode\b|\bdecrypt\b"
    r"|\breverse(?:d)?\b|\bbackwards\b|\bmorse\b|\bcipher\b|\bbinary\b|解码|解密|倒过来|倒着|倒序|反过来读|编码",
    _I,
)
_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[ :]?){10,}\b")
_SYMBOLS = set("\\{}[]()<>$=;|^~`*#_@\"'+%&")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Za-z][\\{}\[\]()<>$=;|^~`*#@\"]+[A-Za-z]")


@dataclass(slots=True)
class JailbreakSignal:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    framing: bool = False
    decoded: list[str] = field(default_factory=list)  # hidden text for the other layers
    suffix: float = 0.0
    request: str = ""  # the text before an adversarial suffix, for the deep layers


def _combine(weights: list[float]) -> float:
    return 1.0 - math.prod(1.0 - w for w in weights)


def scan(raw: str, clean: str) -> JailbreakSignal:
    sig = JailbreakSignal()
    best: dict[str, float] = {}
    frames = False
    for weight, name, pattern in _PATTERNS:
        if name in _FRAME_ONLY:
            frames = frames or bool(pattern.search(clean))
        elif weight > best.get(name, 0.0) and pattern.search(clean):
            best[name] = weight
    # A staged transcript or a nostalgic relative is a frame for whatever it asks.
    sig.framing = frames or "fake-dialogue" in best or bool(_FRAMING.search(clean))
    cue = bool(_ENCODING_CUE.search(clean))
    blobs = _decode_blobs(raw)
    sig.decoded = blobs + ([codecs.decode(clean, "rot13"), clean[::-1]] if cue else [])
    sig.decoded += _despaced(raw, clean)
    # Decoded text counts only if it says something bad (the moderator screens it);
    # a readable blob or a word like "backwards" is merely a weak cue.
    if blobs:
        best["encoded"] = 0.3
    if cue:
        best["encoding-cue"] = 0.2
    sig.suffix = adversarial_suffix(raw)
    if sig.suffix >= 0.5:
        best["adversarial-suffix"] = sig.suffix
    if sig.suffix >= 0.3:
        # Screen the request without the noise appended to smuggle it past classifiers.
        sig.request = strip_suffix(raw)
    sig.score = _combine(list(best.values()))
    sig.reasons = sorted(best, key=lambda k: -best[k])
    return sig


def adversarial_suffix(raw: str) -> float:
    """How much the text looks like optimiser token soup rather than something typed."""
    tokens = raw.split()
    if len(tokens) < 6:
        return 0.0
    tail = tokens[len(tokens) // 3 :]  # suffix attacks append; the request itself is clean
    chars = [c for t in tail for c in t]
    sym = sum(c in _SYMBOLS for c in chars) / max(1, len(chars))
    weird = sum(1 for t in tail if _weird(t))
    frac = weird / len(tail)
    x = 9.0 * frac + 12.0 * sym + 0.25 * min(weird, 8) - 3.2
    return 1.0 / (1.0 + math.exp(-x))


def _weird(token: str) -> bool:
    return bool(_CAMEL.search(token)) or sum(c in _SYMBOLS for c in token) >= 2


def strip_suffix(raw: str) -> str:
    """The text before its first run of token soup ('' if there is no clean head)."""
    tokens = raw.split()
    start = len(tokens) // 4
    for k in range(start, len(tokens) - 1):
        if _weird(tokens[k]) and (
            _weird(tokens[k + 1]) or _weird(tokens[min(k + 2, len(tokens) - 1)])
        ):
            return " ".join(tokens[:k]) if k >= 3 else ""
    return ""


_SPELLED = re.compile(r"(?:\b\w\b ){5,}\b\w\b")
_HYPHENED = re.compile(r"\b(?:\w-){2,}\w\b")
_SPACED_CJK = re.compile(r"(?:[\u4e00-\u9fff][ ,，.。·*_\-]+){4,}[\u4e00-\u9fff]")


def _despaced(raw: str, clean: str) -> list[str]:
    """Letters spelled out with spaces ("i g n o r e   y o u r"): words are the runs
    between wider gaps. The lexicon copes with this on its own; the patterns need words."""
    out = []
    if _SPELLED.search(clean):
        words = [w.replace(" ", "") for w in re.split(r"\s{2,}|\s*[/|]\s*", raw.strip())]
        out.append(" ".join(w for w in words if w).casefold())
    if len(_HYPHENED.findall(clean)) >= 2:  # "h-o-w t-o m-a-k-e"
        out.append(_HYPHENED.sub(lambda m: m.group(0).replace("-", ""), clean))
    if _SPACED_CJK.search(clean):
        out.append(re.sub(r"(?<=[\u4e00-\u9fff])[ ,，.。·*_\-]+(?=[\u4e00-\u9fff])", "", clean))
    return out


def _decode_blobs(raw: str) -> list[str]:
    out = []
    for m in _B64.finditer(raw):
        text = _b64(m.group(0))
        if text:
            out.append(text)
    for m in _HEX.finditer(raw):
        try:
            text = bytes.fromhex(re.sub(r"[ :]", "", m.group(0))).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if _readable(text):
            out.append(text)
    return out


def _b64(chunk: str) -> str | None:
    try:
        data = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text if _readable(text) else None


def _readable(text: str) -> bool:
    if len(text) < 6:
        return False
    ok = sum(c.isalnum() or c.isspace() or c in ".,!?'\"-:;" for c in text)
    return ok / len(text) > 0.85 and any(c.isspace() for c in text) or _mostly_cjk(text)


def _mostly_cjk(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text) / len(text) > 0.5
