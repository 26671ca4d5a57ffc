"""Round-3 attack patterns: the same intents as ``attack_patterns``' table, written by
structure, each behind a gate of plain substrings that must occur before its regex runs
(these start with long alternations Python would otherwise try at every position, on
every reader message).
"""

from __future__ import annotations

from safety.attack_vocab import (
    KIN,
    ZH_KIN,
)

# Round 3: the same intents, by structure rather than by phrase. Each row carries a gate of
# plain substrings, one of which must occur for the regex to run: these patterns start
# with long alternations that Python's engine would otherwise try at every position,
# and the scan runs on every reader message.
GATED: list[tuple[float, str, str, tuple[str, ...]]] = [
    (
        # Someone close, playing whom unlocks what they "used to" tell: kin, teachers and
        # mentors alike, with contractions ("she'd tell me"). Only ever a frame.
        0.0,
        "relative-frame",
        rf"\b{KIN}\b.{{0,160}}(?:\b(?:used to|would|always|every (?:night|day|evening|time)"
        r"|before bed|at bedtime)\b|'d)\W{0,3}(?:\w+ ){0,3}(?:tell|told|read|recite|explain|sing"
        r"|whisper|describe|teach|taught|show|list|lull)\w*",
        ("used to", "would", "always", "every", "bed", "'d "),
    ),
    (
        0.0,
        "relative-frame",
        rf"(?:扮演|当|做|演|你是|你现在是|假装是|假装成|变成)(?:我|我的)(?:已故|去世|过世|死去)?的?{ZH_KIN}"
        rf"|{ZH_KIN}(?:以前|过去|生前|小时候|总是|常常|常|每天|每晚|经常).{{0,24}}"
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
