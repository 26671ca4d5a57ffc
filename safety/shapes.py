"""Harms that are a shape of sentence rather than a word: a sweeping charge against a group
or a group barred from ordinary life, an insult aimed at "you", reaching a child behind the
parents' backs, a stated age under 18; and an insult that is only reported ("he called my
sister a whore"). The other families live next door and run from here: threats and hounding
(``safety.threats``), self-harm (``safety.selfharm``), sexual content (``safety.sexual``),
harm for sale and doxxing (``safety.offers``).

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation) and returns
the category, a calibrated score and the reason, for ``safety.evidence`` to raise.
"""

from __future__ import annotations

import re

from safety import offers, scripts, selfharm, sexual, threats
from safety.scripts import Split
from safety.topics import has_cue

# "Mexicans are rapists and drug dealers": a group (lexicon ``group``) charged wholesale.
_SWEEPING = re.compile(
    r"\bare (?:all |just |nothing but )?(?:a bunch of |an? )?(?:[a-z]+,? ){0,2}(?:rapists|"
    r"criminals|"
    r"backward|primitive|uncivili[sz]ed|barbaric|"
    r"drug dealers|thieves|"
    r"terrorists|animals|vermin|parasites|savages|subhuman|inferior|filthy|dirty|lazy|stupid|"
    r"like dogs|like animals|property|need a firm hand|an abomination|a disease|a cancer|a plague|"
    r"pedophiles|diseased|scum|trash|groomers|degenerates|mentally ill|perverts|thugs|leeches|"
    r"drain on|cockroaches|rats|a parasitic (?:people|race|nation|tribe)|parasitic by nature)\b|"
    r"\b(?:they'?re|they are) (?:basically |just |all |simply )?(?:defective|subhuman|vermin|"
    r"parasites|savages)\b|\bdiversity hire\b|\bgot the job (?:for|because of) (?:her|his|their) "
    r"(?:skin|race|colou?r)\b|"
    r"\b(?:brains|minds) (?:just |literally |simply )?(?:aren'?t|are not|isn'?t) (?:wired|built|"
    r"made) for\b|\b(?:back to|belongs? in|get back in) the kitchen\b|"
    r"\b(?:don'?t|do not|never|won'?t) assimilate\b|\bare taking over (?:the|our)\b|"
    r"\bare hardwired (?:for|to)\b|\bincapable of (?:loyalty|love|logic|thinking|reason)\b|"
    r"\b(?:run|runs|control|controls|own|owns) (?:the|all the|our) (?:banks|media|world|government|"
    r"hollywood)\b|都一个样|"
    r"(?:那地方|那边|那里)出来的\S{0,3}都(?:这德性|一个德性|是骗子|不是好东西)|"
    r"\b(?:are|is) (?:just |simply )?(?:genetically|naturally|biologically|inherently|born) "
    r"(?:less (?:intelligent|capable|human)|inferior|stupider|dumber|"
    r"more (?:violent|criminal|primitive)|criminals?|violent|lazy|stupid)\b|"
    r"\b(?:is|are) (?:a )?mental (?:illness|disorder|defect)s?\b|"
    r"\b(?:it'?s|is) in their (?:culture|blood|dna|genes|nature)\b|"
    r"\bis (?:an abomination|a disease|a cancer|a plague|a mental illness)\b|"
    r"\b(?:are|is) only good for\b|"
    r"\b(?:can'?t|cannot) (?:code|drive|lead|think|do math|be trusted|be engineers)\b|"
    r"基因里带的|刻在基因里|基因决定的|骨子里就|又是(?:那个|某个?)(?:省|地方|地区)的|"
    r"(?:都是|全是|就是|天生)(?:骗子|小偷|强盗|罪犯|恐怖分子|畜生|垃圾|废物|人渣|蝗虫|寄生虫|低等|"
    r"野蛮)"
)
# A group threatened ("immigrants better watch out", "this time we'll finish the job").
_GROUP_THREAT = re.compile(
    r"\b(?:better watch (?:out|your backs?)|watch your backs|won'?t be gentle|days are numbered|"
    r"we'?re coming for (?:you|them)|finish the job|finish what \w+ started)\b|"
    r"(?:见一个打一个|见一个杀一个|迟早收拾|等着被收拾)"
)
# "I'd never hire a Muslim", 女的就不该读研: a group barred from ordinary life.
_BARRED = re.compile(
    r"\b(?:never|wouldn't|won't|refuse to|don't|do not|shouldn'?t|should not) (?:ever )?(?:hire|"
    r"rent to|serve|trust|"
    r"let (?:one|them|any)\w* (?:in|near))\b|"
    r"\b(?:shouldn't|should not|should never|must not) be allowed to (?:vote|breed|marry|adopt|"
    r"work|teach|drive|have (?:kids|children)|live here|immigrate)\b|"
    r"(?:就|都|根本)?(?:不该|不配|不应该|没资格)(?:读书|读研|上学|工作|开车|投票|当官|出门|结婚|"
    r"生孩子|"
    r"活着|来|待在)|(?:就)?别出来(?:影响|丢人|吓人|恶心人|祸害)|(?:必须|应该|就该)(?:严加)?看管|"
    r"(?:都)?别(?:考驾照|开车|读书|上学|出门|工作|生孩子)了?|"
    r"(?:全部|都|统统|全都)(?:抓起来|关起来|赶出去|遣返|清理出去|清理干净|消灭|杀光)|"
    r"\b(?:belong|stay|stayed|go back|get back) (?:in|to) the kitchen\b"
)
# "my girlfriend is 14", "she's 13 and I'm 22": an age under 18 stated of a person.
_STATED_AGE = re.compile(
    r"\b(?:she|he|i|girlfriend|boyfriend|gf|bf|girl|boy|kid|child|student|daughter|son|"
    r"stepdaughter|stepson|niece|nephew)"
    r"(?:'s|'m| is| am| was)? (?:only |just |barely )?(?:1[0-7]|[4-9])(?: (?:years? old|yo|yrs?))?"
    r"(?! ?[%$]| ?(?:percent|dollars|bucks|minutes|hours|days|weeks|months|times|pounds|kg|lbs|"
    r"inches|feet|miles|km|am|pm|o'?clock|th|st|nd|rd))\b|"
    r"(?:她|他|我)?(?:才|只有|刚满)(?:1[0-7]|[4-9]|十[一二三四五六七]?|[四五六七八九])岁|"
    # "his neighbour's 12 year old daughter", 十三岁的小女孩
    r"\b(?:1[0-7]|[4-9])[- ](?:years?|yrs?)[- ]old (?:girl|boy|daughter|son|kid|child|student|"
    r"niece|nephew|sister|brother|neighbou?r)s?\b|"
    r"(?:1[0-7]|十[一二三四五六七]|[四五六七八九])岁的?(?:小)?(?:女孩|男孩|孩子|女儿|儿子|学生|"
    r"妹妹|师妹)"
)


def states_minor_age(clean: str) -> bool:
    return bool(_STATED_AGE.search(clean))


# "the dumbest cow I have ever met": a superlative insult.
_WORST = re.compile(
    r"(?:胖|丑|矮|肥)成这样还(?:穿|敢|好意思)|长成这样(?:还|也)(?:能|敢|有脸|好意思|有人要)|"
    r"(?:一定|肯定)是(?:做|在做|搞)慈善的|"
    r"\b(?:dumbest|stupidest|ugliest|fattest|laziest|nastiest) (?:cow|bitch|pig|whore|slut|idiot|"
    r"moron|loser|skank|hag|girl|guy|boy|person|kid|woman|man|sack of (?:shit|crap))\b"
)
# Into a partner's account behind their back: "get into my ex's icloud without her knowing".
_SNOOP = re.compile(
    # "how can I see someone's location from their phone without them knowing"
    r"\b(?:see|track|check|read) (?:someone'?s|her|his|their|my (?:gf|girlfriend|wife|bf|boyfriend|"
    r"husband)'?s?) (?:location|messages|texts|chats)\b.{0,50}\bwithout (?:them|her|"
    r"him) (?:knowing|"
    r"noticing|finding out)|"
    # "make the money clean … how much we can put in the bank each time so they not report it"
    r"\b(?:money|cash) clean\b.{0,120}\bhow much\b|\bhow much (?:we|i|you) can (?:put|deposit)\b"
    r".{0,50}\b(?:not|n'?t|never) (?:report|flag|notice)|"
    r"\b(?:get|break|hack|log|sign) (?:in)?to (?:my |his |her |someone'?s )?(?:ex'?s?|wife'?s?|"
    r"husband'?s?|girlfriend'?s?|boyfriend'?s?|partner'?s?|gf'?s?|bf'?s?) (?:icloud|instagram|"
    r"insta|email|phone|account|snapchat|facebook|whatsapp|gmail)\b.{0,40}\bwithout "
    r"(?:her|him|them) (?:knowing|noticing|finding out)\b"
)
# Anti-Semitic echo brackets around a word ("the same (((tribe)))") and their prose form
# ("every bank … traces back to the same small tribe"); a people "bred to run fast".
_ECHO = re.compile(
    r"\({3}\s*[\w\s-]{1,30}\s*\){3}|\b(?:banks?|media|hollywood)\b.{0,80}\bthe same (?:small )?"
    r"(?:tribe|people|group)\b|\bthe same (?:small )?tribe\b.{0,80}\b(?:banks?|media|hollywood)\b|"
    r"\b(?:his|her|their) people\b.{0,80}\bbred (?:to|for)\b"
)

# Grooming: reaching a child behind the parents' backs.
_SECRET = re.compile(
    r"without (?:their|her|his) parents (?:knowing|noticing|finding out|seeing)|"
    r"secret from (?:their|her|his) parents|"
    r"(?:不让|别让|瞒着)(?:他|她|你|孩子)?(?:的)?(?:父母|爸妈|家长|爸爸妈妈|妈妈|爸爸|妈|爸)|"
    r"(?:我们|咱们)(?:俩)?的小秘密|"
    r"(?:不许|不要|别)告诉(?:你)?(?:的)?(?:父母|爸妈|家长|爸爸妈妈|妈妈|爸爸)|"
    r"\b(?:don'?t|do not|never) tell (?:your|ur) (?:mom|mum|dad|parents|mother|father)\b|"
    r"\bour (?:little )?secret\b|\bdelete (?:this|the|our) chat\b|"
    r"\bwithout telling (?:his|her|their) (?:mom|mum|dad|parents|mother|father)\b|"
    r"\bkeeps? it between us\b|"
    r"单独(?:接|带)(?:出来|出去|回家)\S{0,4}过夜|家长那边我(?:去)?搞定|"
    r"别让(?:师尊|师父|老师|你妈|你爸)\S{0,2}知道|(?:大人|成年人)才(?:做|能做|会做)的事"
)
# "You're so worthless": a harsh insult aimed at the listener. At 0.45 it counts only with a
# classifier that agrees, so dialogue a reader narrates ("You're worthless, said the witch")
# is left to the heads; the mild words (idiot, stupid) are left out, or a reader teasing
# Wukong over the peaches would be flagged.
_YOU_INSULT = re.compile(
    r"\byou(?:'re| are)(?: such| so| a| an| the| really| fucking| just| completely)* "
    r"(?:ugly|worthless|pathetic|useless|disgusting|loser|retard|trash|garbage|failure|creep|joke|"
    r"waste of)\b|"
    r"\bwhat an? (?:\w+ )?(?:ugly|worthless|pathetic|useless|disgusting) \w+ you are\b|"
    r"\b(?:look at|look at this|look at that|this|that) (?:absolute |fucking |total )?"
    r"(?:ugly |fat |disgusting )?(?:whale|cow|pig|hog|bitch|slut|troll|freak|landwhale)\b"
    r"(?! (?:of a|shark|watching|farm|sanctuary))|"
    # bullying by exclusion, told to the one left out
    r"\b(?:nobody|no one|no-one) (?:\w+ ){0,4}?(?:likes|wants|cares about) you\b(?! when| if)|"
    r"\bwe all (?:just )?pretend (?:to like you|so you|because you)\b|"
    r"\byou (?:ugly|worthless|pathetic|useless|disgusting|fat|greasy|smelly|lazy) (?:\w+ )?"
    r"(?:creep|loser|bitch|cow|pig|freak|piece of|waste of|excuse for)"
)
# A parent speaking of their own child ("my 14-year-old daughter wants to look sexy for the
# dance, should I let her?") is not sexual interest in a minor.
_PARENT = re.compile(
    r"\b(?:my|our)\s+(?:(?!\S+'s\b)\S+\s+){0,2}(?:daughter|son|kid|child|children)\b|"
    # "my 13 year old is so mature": the child unnamed (not "my 12 year old student")
    r"\bmy \d+[- ]?y(?:ea)?r[- ]?olds? (?=(?:is|was|has|had|wants|keeps|just|still|can|does|"
    r"did|loves|likes|hates|reads|says|said|asked|started|got)\b)|"
    r"我(?:的|家)?(?:女儿|儿子|孩子|闺女)|"
    # a young reader asking about their own age ("I'm 15, is the romance part ok for my age?")
    r"\bi'?m (?:1[0-7]|thirteen|fourteen|fifteen|sixteen|seventeen)\b(?=.{0,80}\bmy age\b)"
)
# "He called my sister a whore", 他骂我妹妹是婊子: the insult is reported, not hurled. The
# key still counts, at half its weight (a slur at a group stays hate through the heads).
QUOTED_DISCOUNT = 0.5
_CALLED = re.compile(
    r"\b(?:called (?:me|him|her|them|us|(?:my|his|her|their|our) \w+)|(?:got|get|getting|been|was|"
    r"were) called)(?: an?)? ([\w-]+(?: [\w-]+)?)|"
    r"\btold (?:me|us) to [\"']?([\w-]+(?: [\w-]+){0,3})|"
    r"骂(?:我|他|她|你|我们|他们|\S{1,4}?)(?:是|为)?(\S{1,3})|"
    r"把\S{0,6}?都?(?:叫|叫做|叫成|说成|称为|骂成|当成)(\S{1,3})|"
    r"\bcall(?:ing)? (?:everyone|everybody|all \w+|them all)(?: an?)? ([\w-]+)|"
    r"用[\"“'‘]?(\S{1,3}?)[\"”'’]?(?:这种词|这个词|这样的词)?(?:来)?(?:骂|形容|称呼)"
)
# "kys is not a joke to some people": the word named, at the start, to condemn it
_CONDEMNED = re.compile(
    r"\W*([\w']+(?: [\w']+)?) (?:is|isn'?t) (?:not |never )?(?:a joke|funny|okay|ok)\b"
)


# 骂外地人是“蝗虫”: the word in quotes is the one reported.
_CALLED_QUOTED = re.compile(
    r"(?:骂|刷|说|全是)\S{0,6}?(?:是|为|成)?[\"“'‘](\S{1,12}?)[\"”'’]|"
    # 'left a comment under my photos saying "your face is like pig"'
    r"\b(?:comment|message|dm|reply|review|text|email)s?\b[^\"“]{0,40}\bsaying:?\s*[\"“]"
    r"([^\"”]{1,120})[\"”]|"
    r"[\"“'‘](\S{1,4}?)[\"”'’](?:这个词|这种词|这样的词|这种称呼|这个称呼|这种标签)|"
    r"(?:说成|叫成|称为|用)[\"“'‘](\S{1,4}?)[\"”'’]|"
    # 'why gen z says "seggs" and "corn"': words asked about
    r"\bwhy (?:do |does )?[\w ]{1,20} (?:say|says|use|write|post)\s+[\"“]([^\"”]{1,20})[\"”]|"
    # "Got this DM after my stream: "nobody likes you…" Reported it."
    r"\b(?:got|received|getting|get) (?:this|a|these|the) (?:dm|message|comment|text|reply|email)s?"
    r"[^\"“]{0,40}[\"“]([^\"”]{1,120})[\"”]|"
    # 'a guy yelled "f*ggots" at us'
    r"\b(?:yelled|shouted|screamed|hissed|muttered|"
    r"spat)\b[^\"“]{0,20}[\"“]([^\"”]{1,40})[\"”]\s*(?:at|to) "
    r"(?:me|us|him|her|them|my)\b"
)


_QUOTED_WORD = re.compile(r"[\"“'‘](\S{1,6}?)[\"”'’]|[\"“]([^\"”]{1,16})[\"”]")


def quoted_insults(clean: str) -> set[str]:
    """The words a text reports someone was called (both the word and two-word forms)."""
    out: set[str] = {w for m in _CALLED_QUOTED.findall(clean) for w in m if w}
    if out:  # 被人骂"普信男""nmsl": the words quoted beside the reported one were said too
        out.update(w for m in _QUOTED_WORD.findall(clean) for w in m if w)
    condemned = _CONDEMNED.match(clean)
    if condemned:
        out.add(condemned.group(1).lower())
    for m in _CALLED.finditer(clean):
        latin = (m.group(1) or m.group(2) or m.group(5) or "").lower().split(" ")
        if latin != [""]:  # every leading run of words: "go die in a hole" -> "go die"
            out.update(" ".join(latin[:n]) for n in range(1, len(latin) + 1))
        else:
            said = m.group(3) or m.group(4) or m.group(6) or ""
            out.update(said[:n] for n in (1, 2, 3))
    return out


def speaks_as_parent(clean: str) -> bool:
    return bool(_PARENT.search(clean))


# Insults spelled with emoji, which the compact form drops: 你🐴没了 / 你🐎的 (你妈; not 你🐴真好看,
# a horse), 你就是条🐶, 死🐷, and a people called monkeys (全员🐒).
_EMOJI_INSULT = re.compile(
    r"你[🐴🐎]\s?(?:没了?|死|炸|的|逼|b|是不是|呢)|是条\s?🐶|就是\s?🐶|死\s?🐷"
)
_EMOJI_HATE = re.compile(r"(?:全员|一群|都是|全是)\s?🐒")

# Steps told, not asked for ("Crush the castor beans, soak the mash in acetone, filter it";
# "first you run a phishing page, then you send the link"; 把蓖麻籽磨碎，用丙酮泡一天，过滤):
# a character narrating a procedure gives the same instructions a request would get. Steps
# are told to "you" or numbered; "first he drew his sword, then he charged" is a story.
_STEP_WORDS = re.compile(
    r"\b(?:first|then|next|after that|afterwards|finally) you\b|\bstep \d\b|"
    r"首先|第[一二三四五]步|然后你|接着你|最后你"
)
_IMPERATIVES = re.compile(
    r"(?:^|[.,;:!?*\"]\s*|\band\s+)(?:crush|grind|soak|filter|mix|heat|boil|add|pour|dissolve|"
    r"slide|hook|insert|run|send|wait|strip|wire|connect|attach|remove|take|put|use|cut)\b|"
    r"把\S{1,8}?(?:磨碎|捣碎|泡|煮|加热|混合|倒入|溶解|过滤)|用\S{1,6}?(?:泡|煮|溶解|过滤)|过滤|"
    r"加热|搅拌"
)


def tells_steps(clean: str) -> bool:
    return len(_STEP_WORDS.findall(clean)) >= 2 or len(_IMPERATIVES.findall(clean)) >= 3


def gives_orders(text: str) -> bool:
    """A step word or an order anywhere in ``text`` (the stream holds such a clause)."""
    lowered = text.lower().strip()
    return bool(_STEP_WORDS.search(lowered) or _IMPERATIVES.search(lowered))


# A child called ready: "a girl who's 11 can be ready", 萝莉资源…未成年的. (Secrecy asked of a
# child, "mature for 13 … dont tell ur mom", is ``_SECRET`` with the lexicon's ages.)
_GROOMING = re.compile(
    r"\b(?:girls?|boys?|kids?|child(?:ren)?)(?: who'?s| who is| of| aged?)? (?:[89]|1[0-5])\b"
    r".{0,40}\b(?:can be ready|is ready|are ready|can consent|mature enough)\b|"
    r"未成年的?\S{0,6}(?:资源|视频|群|照片)|"
    # gifts for pictures, kept from the parents: "1000 robux if u send a pic in ur swimsuit"
    r"\b(?:robux|v-?bucks|gift ?cards?|skins|gems)\b.{0,60}\b(?:pics?|photos?|selfies?|vids?)\b"
    r".{0,40}\b(?:swimsuit|bikini|underwear|bath|shower|pajamas|bed)\b|"
    r"\b(?:pics?|photos?|selfies?)\b.{0,60}\b(?:don'?t|do not) tell (?:ur|your) (?:mum|mom|mommy|"
    r"parents|dad)\b|"
    # "I coach under-12s and the best part is helping them change"
    r"\b(?:under-?1[0-7]s?|kids|children|little (?:boys|girls))\b.{0,60}\b(?:helping them|"
    r"watch(?:ing)? "
    r"them|help them) (?:change|undress|shower|bathe|get changed)\b"
)

# Abuse material by code ("the pdf file folder? the young stuff", 🧀🍕 links, young only) and
# a child's body remarked on at a stated age. Its own pattern: in _GROOMING it cost that
# alternation its quick scan.
_CHILD_CODES = re.compile(
    r"\bpdf (?:file|files|folder)s?\b.{0,60}\b(?:young|kids?|teens?|underage|little|minors?)\b|"
    r"\b(?:young|underage|little) stuff\b.{0,40}\b(?:trade|dm|folder|links?)\b|"
    r"🧀\s?🍕|\bcheese pizza\b.{0,30}\b(?:links?|folders?|trade|young)\b|"
    r"\b(?:links?|folders?)\b.{0,30}\byoung only\b|"
    r"(?:才|只有)\S{0,2}(?:1[0-7]|十[一二三四五六七])岁\S{0,10}(?:身材|发育|胸)"
)

# Gore sought: "I watched the beheading video three times … send me more like it".
_GORE_WANTED = re.compile(
    r"\b(?:beheading|decapitation|gore|execution|torture|dismemberment|murder|cartel)\s+"
    r"(?:videos?|vids?|clips?|footage)\b.{0,80}\b(?:send|share|post|link|drop)\b.{0,20}\b(?:more|"
    r"another|others)\b|\b(?:send|share|post|drop|got|have|any) (?:me )?(?:more |some |any )?"
    r"(?:gore|beheading|execution|torture) (?:videos?|vids?|clips?|footage|links?)\b|"
    r"\bvideo where\b.{0,60}\b(?:peel|skin|behead|dismember|torture|saw)\w*\b.{0,60}\b(?:still "
    r"(?:alive|screaming|conscious)|insane|link)"
)

# The classic cover: "I'm not racist but black neighbourhoods are always dirty".
_NOT_RACIST_BUT = re.compile(
    r"\b(?:i'?m|i am|im) not (?:a )?(?:racist|sexist|homophobic|transphobic|bigot(?:ed)?|"
    r"islamophobic|xenophobic|antisemitic)\b.{0,4}\b(?:but|however|i'?m just asking questions)\b"
)

# Shapes that stand on their own: (pattern, category, calibrated score, reason).
_ALONE: tuple[threats.Shape, ...] = (
    (_YOU_INSULT, "harassment", 0.45, "an insult aimed at 'you'"),
    *selfharm.SELF_HARM,
    (_EMOJI_INSULT, "harassment", 0.6, "an insult spelled with emoji"),
    (_EMOJI_HATE, "hate", 0.6, "a people called animals with emoji"),
    (_WORST, "harassment", 0.6, "a superlative insult"),
    (_SNOOP, "illegal", 0.65, "into a partner's account behind their back"),
    *sexual.SEXUAL,
    (_ECHO, "hate", 0.7, "anti-Semitic code or a people called bred"),
    (_GORE_WANTED, "violence/graphic", 0.6, "gore videos sought"),
    (_GROOMING, "sexual/minors", 0.8, "a child groomed or called ready"),
    (_CHILD_CODES, "sexual/minors", 0.8, "abuse material by code, or a child's body remarked on"),
    *threats.THREATS,
)


# The same, each run over the half of its branches that can match the text's script.
_ALONE_SPLIT = tuple((Split(rx), cat, score, why) for rx, cat, score, why in _ALONE)
_SWEEPING_SPLIT, _BARRED_SPLIT = Split(_SWEEPING), Split(_BARRED)


def harms(
    clean: str, *, group: bool, minor: bool, rejects: bool, argues: bool
) -> list[tuple[str, float, str]]:
    """``group``/``minor``: the lexicon found a group of people or a child; ``rejects``: the
    text names a prejudice to reject it (then a wholesale charge is what it rejects);
    ``argues``: it takes a side against one (a word such as 不该 names a prejudice, but it is
    also how 女的就不该读研 bars a group)."""
    script = scripts.of(clean)
    out = [(cat, score, why) for rx, cat, score, why in _ALONE_SPLIT if rx.search(clean, script)]
    out += offers.offers(clean)
    if minor and _SECRET.search(clean) and not _PARENT.search(clean):
        out.append(("sexual/minors", 0.8, "contact with a child hidden from the parents"))
    if group and _GROUP_THREAT.search(clean):
        out.append(("hate", 0.6, "a threat against a group"))
    if group and threats.wishes_harm(clean):
        out.append(("hate", 0.55, "violence wished on a group"))
    if group and not argues and _BARRED_SPLIT.search(clean, script):
        out.append(("hate", 0.55, "a group barred from ordinary life"))
    if group and not rejects and _SWEEPING_SPLIT.search(clean, script):
        out.append(("hate", 0.6, "a sweeping charge against a group"))
    if _NOT_RACIST_BUT.search(clean) and (group or has_cue("hate", clean)):
        out.append(("hate", 0.6, "a charge against a group behind 'I'm not racist, but'"))
    if sexual.erotic_marks(clean) >= sexual.EROTIC_MARKS:
        out.append(("sexual", 0.55, "an explicit sex scene"))
    if threats.wishes_harm(clean):
        out.append(("violence", 0.5, "wishes death or violence on someone"))
    return out
