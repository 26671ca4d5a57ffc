"""Harms that are a shape of sentence rather than a word: wishing death on people, a vow
to kill or maim, a sweeping charge against a group, an insult aimed at "you", talking
someone into suicide, reaching a child behind the parents' backs; and an insult that is
only reported ("he called my sister a whore").

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation) and returns
the category, a calibrated score and the reason, for ``safety.evidence`` to raise.
"""

from __future__ import annotations

import re

# Wishing death or violence on people ("those protesters should be shot", "这种人就该被枪毙"):
# the heads miss it when no act is described (0.01-0.23 on four probes) or veto it when
# few seeds are near. 0.5 flags a reader; a character's bar is higher, so a villain's
# "you deserve to die" in canon stays allowed.
_WISH = re.compile(
    r"\b(?:deserves?|should|ought to|needs? to|must)\s+(?:all\s+)?(?:to\s+)?(?:be|get)\s+"
    r"(?:shot|stabbed|killed|hanged|hung|lynched|executed|gassed|raped|beaten|burned|burnt|"
    r"tortured|murdered|slaughtered|exterminated|wiped out|put down|strung up)\b|"
    r"\b(?:deserves?|should)\s+(?:all\s+)?(?:to\s+)?die\b|"
    r"\b(?:someone|somebody) (?:should|needs to|ought to) (?:just )?(?:shoot|kill|stab|murder|bomb|"
    r"hang|strangle|run over)\b|"
    r"\bbetter (?:off )?(?:if|without)\b.{0,40}\b(?:disappeared|were gone|died|were dead|"
    r"didn't exist|wiped out)\b|"
    r"(?:应该|就该|都该|活该|该)(?:直接|被|拉出去|拖出去|抓起来)?(?:开枪|枪毙|杀掉|杀光|砍死|打死|烧死|弄死|绞死|千刀万剐|五马分尸|"
    r"碎尸万段)"
)
_PEOPLE = re.compile(
    r"\b(?:they|them|he|she|him|her|people|those|these|everyone|every one|men|women|guys?|girls?|"
    r"boys?|man|woman|person|judge|cops?|police|race|tribe|[a-z]+(?:ists?|ers|ors|ians?))\b|"
    r"人|他|她|贩子|犯|的(?:就|都)?(?:应)?该"
)
# "Mexicans are rapists and drug dealers": a group (lexicon ``group``) charged wholesale.
_SWEEPING = re.compile(
    r"\bare (?:all |just |nothing but )?(?:a bunch of )?(?:[a-z]+,? ){0,2}(?:rapists|criminals|"
    r"drug dealers|thieves|"
    r"terrorists|animals|vermin|parasites|savages|subhuman|inferior|filthy|dirty|lazy|stupid|"
    r"like dogs|like animals|property|need a firm hand|an abomination|a disease|a cancer|a plague|"
    r"pedophiles|diseased|scum|trash)\b|"
    r"\b(?:are|is) (?:genetically|naturally|biologically|inherently|born) (?:less (?:intelligent|"
    r"capable|human)|inferior|stupider|dumber|more (?:violent|criminal|primitive)|criminals?|"
    r"violent|lazy|stupid)\b|\b(?:is|are) (?:a )?mental (?:illness|disorder|defect)s?\b|"
    r"\b(?:it'?s|is) in their (?:culture|blood|dna|genes|nature)\b|"
    r"\bis (?:an abomination|a disease|a cancer|a plague|a mental illness)\b|"
    r"基因里带的|刻在基因里|基因决定的|骨子里就|又是(?:那个|某个?)(?:省|地方|地区)的|"
    r"(?:都是|全是|就是|天生)(?:骗子|小偷|强盗|罪犯|恐怖分子|畜生|垃圾|废物|人渣|蝗虫|寄生虫|低等|野蛮)"
)
# "I'd never hire a Muslim", 女的就不该读研: a group barred from ordinary life.
_BARRED = re.compile(
    r"\b(?:never|wouldn't|won't|refuse to|don't|do not) (?:ever )?(?:hire|rent to|serve|trust|"
    r"let (?:one|them|any)\w* (?:in|near))\b|"
    r"\b(?:shouldn't|should not|should never|must not) be allowed to (?:vote|breed|marry|adopt|"
    r"work|teach|drive|have (?:kids|children)|live here|immigrate)\b|"
    r"(?:就|都|根本)?(?:不该|不配|不应该|没资格)(?:读书|读研|上学|工作|开车|投票|当官|出门|结婚|生孩子|"
    r"活着|来|待在)|(?:就)?别出来(?:影响|丢人|吓人|恶心人|祸害)|(?:必须|应该|就该)(?:严加)?看管|"
    r"(?:都)?别(?:考驾照|开车|读书|上学|出门|工作|生孩子)了?|"
    r"(?:全部|都|统统|全都)(?:抓起来|关起来|赶出去|遣返|清理出去)|"
    r"\b(?:belong|stay|stayed|go back|get back) (?:in|to) the kitchen\b"
)
# 我迟早砍了他, 老子早晚弄死你: a first-person vow to kill or maim someone.
_THREAT_ZH = re.compile(
    r"(?:我|老子)(?:(?:迟早|早晚|一定|非得|必须|非要|就要|就会|就|要|会)(?:去)?"
    r"(?:拿[刀枪棍棒砖斧锤]\S{0,2}?)?(?:去)?(?:一[刀枪拳脚棍斧])?|(?:就|直接)?一[刀枪拳脚棍斧])"
    r"(?:砍|杀|弄死|捅|宰|灭|做掉|干掉|废|崩|劈|打死)(?:死|残|伤)?(?:了)?"
    r"(?:他|她|你|他们|她们|你们)|"
    r"我\S{0,8}?把(?:他|她|你)的?(?:腿|胳膊|手|牙|脸)(?:打断|打折|砍断|卸了|废了)|"
    r"拿(?:菜刀|刀|砖头|棍子|铁棍)\S{0,4}?(?:跟|和|去找)(?:他|她|你)(?:拼命|同归于尽)|"
    r"真想一[脚拳刀棍]把(?:他|她|你)|"
    r"把(?:他|她|你)(?:打进|送进|打到)(?:医院|icu|重症|急诊)|(?:打残|废了)(?:他|她|你)|"
    r"一把火把(?:他|她|你)们?家?(?:的\S{1,3})?烧了"
)
# Veiled threats and blackmail: "I know where you live", "I know what time she gets off",
# "would be a shame if your boss saw the screenshots", "reply or everyone sees them",
# 我知道你住哪. Nothing violent is named, so the heads score them as small talk (0.00-0.04).
# 0.55 flags a reader; a character's bar (0.6) leaves a villain's menace in canon alone.
_MENACE = re.compile(
    r"\bi know (?:where|what time|when|which (?:school|route|bus))\b.{0,30}\b(?:live|lives|"
    r"work|works|sleep|sleeps|get off|gets off|walk|walks|park|parks|school|home|leave|leaves)\b|"
    r"\bi know what (?:car|school|bus)\b|\bthought you should know (?:that )?i know\b|"
    r"\bwould be a (?:real )?shame if (?:something|anything|your|someone|people|everyone)\b|"
    r"\b(?:reply|answer|pay|do it|send (?:it|them|more))\b.{0,20}\bor (?:else|everyone|everybody|"
    r"your (?:boss|family|wife|husband|parents|friends|kids))\b|"
    r"\b(?:make sure|i'?ll tell|i'?ll let) every(?:one|body| person)\b.{0,25}\bknows?\b|"
    r"\bmake sure (?:his|her|their) (?:sponsors?|boss|employer|family|wife|husband|followers|"
    r"parents|school) (?:sees?|knows?|hears?|finds? out)\b|"
    r"我知道你(?:家)?(?:住|在)(?:哪|什么地方)|我知道你(?:每天|几点)|"
    r"(?:查到|找到|知道)了?(?:他|她|你)(?:家)?住(?:哪|在)|"
    r"(?:不然|否则|要不然)(?:我就|就)把\S{0,12}(?:发|曝光|挂|公开|传)"
)
# Intimate images used against someone ("a post that uses revenge porn to get back at my
# ex"); "revenge porn is a crime" names the same thing as a warning.
_EXPOSE = re.compile(
    r"\b(?:use|uses|using|post|posting|share|sharing|leak|leaking|spread|upload)\b.{0,30}"
    r"\b(?:revenge porn|nudes|nude (?:photos|pics)|intimate (?:photos|pics|images|videos)|"
    r"sex tape)\b.{0,40}\b(?:get back at|revenge on|humiliate|punish|ruin|embarrass|destroy)\b|"
    r"(?:曝光|发到网上|发给)\S{0,6}(?:裸照|私密照|不雅视频)"
)
# A first-person threat that names the harm without "kill": "I will put him in the hospital",
# "I swear I'll break his jaw", bringing a gun to school, planning a shooting (the words
# "school shooting" alone are news and grief far more often).
_HARM_VOW = re.compile(
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i swear i'?ll|i swear i will)\s+(?:\w+\s+){0,2}?"
    r"(?:put|send) (?:him|her|them|you|that \w+) (?:in|into|to) (?:the |a )?(?:hospital|"
    r"wheelchair|ground|grave|coffin|body bag|icu|morgue)\b|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna)\s+(?:\w+\s+){0,2}?(?:cut|slit) (?:his|her|their|"
    r"your) throat|"
    r"\bput a bullet (?:in|through) (?:his|her|their|your) (?:head|skull|brain|face|chest)\b|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna)\s+(?:\w+\s+){0,2}?wring (?:his|her|their|your) "
    r"(?:\w+ )?neck\b|\bthe only good \w+ is a dead \w+\b|"
    r"\b(?:run (?:him|her|them|you|\w+)|(?:getting|get|be) run) off the road\b|"
    r"\bfantasi[sz]e about (?:killing|burning|stabbing|shooting|hurting|strangling|beating|"
    r"poisoning)\b.{0,40}\b(?:my|our) (?:boss|manager|wife|husband|ex|teacher|coworker|"
    r"neighbou?r|mom|dad|mother|father|brother|sister)\b|"
    r"\b(?:let'?s|we'?re gonna|we'?re going to|gonna) (?:find|catch|wait for) (?:that|this|the) "
    r"\w+\b.{0,40}\b(?:jump|beat|stab|shoot|smash|kill) (?:him|her|them)\b|"
    r"\bbring (?:your |the |some )?(?:brass knuckles|bats|knives|guns|weapons|machetes|"
    r"crowbars)\b|"
    r"\b(?:i )?hope (?:someone|somebody|they|he|she|you) (?:\w+ ){0,2}?(?:throws? acid|shoots?|"
    r"stabs?|kills?|rapes?|beats? (?:him|her|them|you)|runs? (?:him|her|them|you) over|"
    r"sets? (?:him|her|them|you) on fire)\b|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i'?m)\s+(?:\w+\s+){0,2}?break(?:ing)? (?:both )?"
    r"(?:his|her|their|your|every|all) (?:\w+ )?(?:jaw|legs?|arms?|neck|face|skull|nose|fingers?|"
    r"bones?|teeth|knees?)\b|"
    r"\bi'?m (?:going|gonna|coming|bringing|taking)\b[^.!?]{0,40}\b(?:school|campus|office|"
    r"church|mosque|synagogue|mall|concert)\b[^.!?]{0,40}\b(?:rifle|gun|shotgun|"
    r"ar-?15|ak-?47|pistol|glock|bomb|explosives)\b|"
    r"\bi'?m (?:going|gonna|coming|bringing|taking)\b[^.!?]{0,40}\b(?:rifle|gun|shotgun|ar-?15|"
    r"ak-?47|pistol|glock|bomb|explosives)\b[^.!?]{0,40}\b(?:school|campus|office|church|"
    r"mosque|synagogue|mall|concert)\b|"
    r"\b(?:plan|planning|do|doing|commit|carry out|pull off|copy|start)\b.{0,15}\b(?:school|mass) "
    r"shooting\b|\bshoot up (?:the|my|a|our|this) (?:school|mall|church|mosque|synagogue|office|"
    r"class|concert|party)\b"
)
# Praising an attack or its toll ("the guy who shot up the church is a hero", "the body count
# should have been higher"), relishing someone's beating ("serves her right, she got her
# face kicked in"), calling a crowd to hang people from the lampposts.
_GLORIFY = re.compile(
    r"\b(?:shot up|bombed|massacred|gunned down|mowed down|stabbed|killed)\b.{0,60}\b(?:is|was) "
    r"(?:a |an )?(?:hero|legend|saint|martyr|icon)\b|\b(?:did nothing wrong|body count should have "
    r"been higher|should have killed more|hope there are more like (?:him|her|them))\b|"
    r"\b(?:serves (?:him|her|them) right|(?:she|he|they) had it coming|deserved every)\b.{0,80}\b"
    r"(?:kicked|beaten|beat|stabbed|shot|raped|punched|attacked|hit|killed|hurt)\b|"
    r"\b(?:kicked|beaten|beat|stabbed|shot|raped|punched|attacked|hit|killed|hurt)\b.{0,80}\b"
    r"(?:serves (?:him|her|them) right|(?:she|he|they) had it coming|deserved every)\b|"
    r"\bwish i'?d been there to (?:get|put|land|add)\b|"
    r"\b(?:round up|line up|drag out)\b.{0,60}\b(?:hang|shoot|kill|burn|gas|execute|lynch)\b|"
    r"\bhang (?:them|him|her|every|all)\b.{0,20}\b(?:from|on) (?:the )?(?:lamp ?posts?|trees?|"
    r"streetlights?|bridges?)|"
    r"(?:杀得好|死得好|活该被(?:打|杀|砍|捅)|打得好)"
)
# Brigading and stalking: "everyone go to @lily and tell her how talentless she is, mass
# report her", "I've been watching you at the gym, I know your schedule".
_HOUND = re.compile(
    r"\b(?:everyone|everybody|let'?s all|y'?all|guys) (?:go|head|pile) (?:to|over to|on)\b.{0,60}\b"
    r"(?:tell|spam|flood|report|harass|make|roast|let)\b|\bmass report\b|"
    r"\blet'?s make (?:her|him|them) (?:quit|cry|leave|delete|kill)\b|"
    r"\bi'?ve been (?:watching|following) you\b|"
    r"\bthe reason your (?:husband|wife|boyfriend|girlfriend|partner) (?:cheats|cheated|left)\b|"
    r"\bcan'?t block me\b|\b(?:making|make|open) new "
    r"accounts to (?:message|contact|harass|find) (?:you|her|him)\b|\buntil (?:you|she|he) "
    r"(?:answers?|replies|responds) (?:to )?me\b|\bi know your (?:schedule|routine|address|"
    r"locker|car|route)\b|(?:住址|地址|电话|照片)(?:我)?(?:已经)?发(?:到)?(?:群里|出来|网上)了?"
)
# Killing an animal on purpose: "best way to take out a guard dog quietly", "poison the
# neighbour's cat".
_ANIMAL = re.compile(
    r"\b(?:kill|poison|take out|shoot|drown|strangle|silence)\s+(?:a|the|my|our|their|his|her|"
    r"that|this|(?:the |my )?neighbou?rs?'?s?'?)\s+(?:\w+\s+)?(?:dog|cat|puppy|kitten|pet|"
    r"horse)s?\b|"
    r"毒死(?:邻居家?的?)?(?:狗|猫)"
)
# "I keep thinking about jumping off the parking garage", "eight floors should be enough":
# wanting to die, said through the means.
_IDEATION = re.compile(
    r"\b(?:i keep|i've been|i'?m|i am|been|keep) (?:thinking|dreaming|fantasi[sz]ing) (?:about|of) "
    r"(?:jumping|throwing myself|hanging myself|killing myself|ending (?:it|my life)|dying|"
    r"overdosing|driving (?:off|into))\b|"
    r"\b(?:floors|stories|storeys|pills|tablets) (?:should|would|will) be enough\b|"
    r"\b(?:world|everyone|everybody|my family) (?:would be|will be|is) better (?:off )?"
    r"without me\b|"
    r"\b(?:given|giving) away (?:all )?my (?:stuff|things|belongings)\b|\bsaid my goodbyes\b|"
    r"\bnobody will (?:talk me down|stop me)\b|"
    r"\b(?:don'?t|do not) want to be here anymore\b|"
    r"\bhow (?:much|many) (?:of (?:my|the|these) )?(?:insulin|pills|tablets|tylenol|paracetamol|"
    r"acetaminophen|ibuprofen|aspirin|sleeping pills|xanax|benadryl|morphine)\b.{0,25}\b(?:would|"
    r"does|will|to) (?:it )?(?:take|kill|be lethal|be fatal)\b|"
    r"\bhigh enough\b.{0,30}\b(?:asking for myself|to die|to kill (?:me|myself)|if i jump|"
    r"to end it)\b|"
    r"\bthey'?ll understand when they'?re older\b|"
    r"\b(?:scratch|scratching|pick|picking|hit|hitting|burn|burning|bite|biting|punch|punching) "
    r"(?:at )?(?:my|myself)\b.{0,30}\buntil (?:they|it|i|my \w+) (?:bleeds?|bled)\b|"
    r"\bthink(?:ing)? about (?:stepping|jumping) (?:forward|off|in front)\b|"
    r"掐到流血|掐出血|(?:拿|用)\S{1,4}(?:扎|划|割|烫|戳)自己|坐在(?:楼顶|天台|窗台)?边上\S{0,8}下不了决心|"
    r"\b(?:bought|got|have|tied) (?:a|the|my) (?:rope|noose)\b.{0,60}\b(?:which tree|courage|"
    r"tonight|beam|ceiling|rafter)\b|\bi know which tree\b|"
    r"\b(?:razor|blade|cut|cutting|cuts|burns?|scars)\b.{0,60}\b(?:won'?t show|wouldn'?t show|"
    r"nobody (?:will )?see|hide (?:it|them|the marks))\b|"
    r"遗书(?:已经)?写好|写好了?遗书|把遗书写好|"
    r"(?:又|还是|偷偷)(?:划|割)了?(?:手腕|手臂|胳膊|自己|几刀|一刀)|(?:划|割)了?(?:手腕|手臂)|"
    r"\b(?:i'?ve|i have|i just|just) (?:taken|swallowed|took) (?:all|a whole|the whole|every|"
    r"an entire|the rest)(?: of)? (?:\S+\s+){0,3}?(?:pills|bottle|tablets|pack|meds)\b"
)
# Erotic prose without an explicit word ("her moans got louder as his tongue moved lower ...
# her back arched"): marks of a sex scene add up, words only sex uses counting in full and
# words a battle or a dance also uses (groan, thrust, wet, hips, sheets) at half.
_EROTIC = re.compile(
    r"\b(?:moan|nipple|breast|between (?:her|his|my) (?:legs|thighs)|climax|orgasm|naked|undress|"
    r"took (?:her|him|me) from behind|bent (?:her|him|me) over|lips around (?:me|him|my|his|it)|"
    r"under the waistband|wrapped (?:her|his) hand around (?:him|it|his)|"
    r"panties|erection|aroused|arch(?:ed|ing|es)? (?:her|his|my) back|(?:her|his|my) back arched)"
)
_EROTIC_TOO = re.compile(
    r"\b(?:groan|thrust|straddl|writh|bucked|throb|quiver|tongue|thighs|wet|lick|suck|hips|"
    r"bent over|sheets|grind|bra\b|unbutton|unzip)"
)
EROTIC_MARKS = 2.5
# "my girlfriend is 14", "she's 13 and I'm 22": an age under 18 stated of a person.
_STATED_AGE = re.compile(
    r"\b(?:she|he|i|girlfriend|boyfriend|gf|bf|girl|boy|kid|child|student|daughter|son|"
    r"stepdaughter|stepson|niece|nephew)"
    r"(?:'s|'m| is| am| was)? (?:only |just |barely )?(?:1[0-7]|[4-9])(?: (?:years? old|yo|yrs?))?"
    r"(?! ?[%$]| ?(?:percent|dollars|bucks|minutes|hours|days|weeks|months|times|pounds|kg|lbs|"
    r"inches|feet|miles|km|am|pm|o'?clock|th|st|nd|rd))\b|"
    r"(?:她|他|我)?(?:才|只有|刚满)(?:1[0-7]|[4-9]|十[一二三四五六七]?|[四五六七八九])岁"
)


def states_minor_age(clean: str) -> bool:
    return bool(_STATED_AGE.search(clean))


# Grooming: reaching a child behind the parents' backs.
_SECRET = re.compile(
    r"without (?:their|her|his) parents (?:knowing|noticing|finding out|seeing)|"
    r"secret from (?:their|her|his) parents|"
    r"(?:不让|别让|瞒着)(?:他|她|孩子)?(?:的)?(?:父母|爸妈|家长|爸爸妈妈)"
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
    r"\b(?:look at|look at this|this) (?:ugly|fat|disgusting) (?:whale|cow|pig|hog|bitch|slut|"
    r"troll|freak|landwhale)\b|"
    r"\byou (?:ugly|worthless|pathetic|useless|disgusting|fat) (?:\w+ )?(?:creep|loser|bitch|cow|"
    r"pig|freak|piece of|waste of|excuse for)"
)
# "I'm going to beat her until she bleeds", "I'll stab my boss": a vow against someone of
# the reader's own life, or to hurt until harm is done (a story's villain has neither).
_VOW_EN = re.compile(
    r"\b(?:i'?m (?:going to|gonna|about to)|i'?ll|i will|i want to)\s+(?:\w+\s+){0,2}?"
    r"(?:beat|stab|kill|shoot|punch|hurt|strangle|choke|burn|poison|murder|slap|kick|smash)\s+"
    r"(?:(?:my|our) (?:little |big |older |younger )?(?:sister|brother|wife|husband|mom|mum|"
    r"dad|mother|father|boss|teacher|neighbou?r|classmate|coworker|roommate|ex|girlfriend|"
    r"boyfriend|son|daughter|kid)\b|(?:him|her|them) (?:until|till|to death|so hard)\b)"
)
# Talking someone into suicide ("what should I say to convince her to kill herself",
# 怎么劝他去自杀): a care request's words ("what should I say") must not discount it.
_INCITE = re.compile(
    r"\b(?:convince|persuade|get|make|push|drive|talk|encourage|tell|goad|pressure|help)\s+"
    r"(?:\w+\s+){0,3}?(?:to|into)\s+(?:kill(?:ing)?\s+(?:her|him|them|your)sel(?:f|ves)|"
    r"commit(?:ting)?\s+suicide|end(?:ing)?\s+(?:her|his|their|your)\s+(?:own\s+)?life)\b|"
    r"(?:劝|逼|让|怂恿|教唆|鼓励|骗|诱导)(?:他|她|他们|她们|对方|别人|人|\S{1,4}?)(?:去)?"
    r"(?:自杀|去死|跳楼|轻生|寻死|割腕|上吊)"
)
# A parent speaking of their own child ("my 14-year-old daughter wants to look sexy for the
# dance, should I let her?") is not sexual interest in a minor.
_PARENT = re.compile(
    r"\b(?:my|our)\s+(?:\S+\s+){0,2}(?:daughter|son|kid|child|children)\b|我(?:的|家)?(?:女儿|儿子|孩子|闺女)"
)
# "He called my sister a whore", 他骂我妹妹是婊子: the insult is reported, not hurled. The
# key still counts, at half its weight (a slur at a group stays hate through the heads).
QUOTED_DISCOUNT = 0.5
_CALLED = re.compile(
    r"\bcalled (?:me|him|her|them|us|(?:my|his|her|their|our) \w+)(?: an?)? ([\w-]+(?: [\w-]+)?)|"
    r"骂(?:我|他|她|你|我们|他们|\S{1,4}?)(?:是|为)?(\S{1,3})|"
    r"把\S{0,6}?都?(?:叫|叫做|叫成|说成|称为|骂成|当成)(\S{1,3})|"
    r"\bcall(?:ing)? (?:everyone|everybody|all \w+|them all)(?: an?)? ([\w-]+)"
)


def quoted_insults(clean: str) -> set[str]:
    """The words a text reports someone was called (both the word and two-word forms)."""
    out: set[str] = set()
    for m in _CALLED.finditer(clean):
        latin = m.group(1) or m.group(4)
        said = (latin or m.group(2) or m.group(3) or "").lower()
        out.update({said, said.split(" ")[0]} if latin else {said[:n] for n in (1, 2, 3)})
    return out


def _erotic_marks(clean: str) -> float:
    sure = {m.group()[:5] for m in _EROTIC.finditer(clean)}
    if not sure:
        return 0.0
    return len(sure) + 0.5 * len({m.group()[:5] for m in _EROTIC_TOO.finditer(clean)})


def speaks_as_parent(clean: str) -> bool:
    return bool(_PARENT.search(clean))


# Shapes that stand on their own: (pattern, category, calibrated score, reason).
_ALONE: tuple[tuple[re.Pattern[str], str, float, str], ...] = (
    (_YOU_INSULT, "harassment", 0.45, "an insult aimed at 'you'"),
    (_INCITE, "self-harm", 0.9, "talks someone into suicide"),
    (_THREAT_ZH, "violence", 0.5, "first-person threat to kill or maim"),
    (_VOW_EN, "violence", 0.5, "first-person threat to kill or maim"),
    (_MENACE, "harassment", 0.55, "a veiled threat or blackmail"),
    (_EXPOSE, "harassment", 0.6, "intimate images used against someone"),
    (_HARM_VOW, "violence", 0.6, "first-person threat to injure someone"),
    (_ANIMAL, "violence", 0.55, "killing an animal on purpose"),
    (_GLORIFY, "violence", 0.6, "praises or calls for violence against people"),
    (_HOUND, "harassment", 0.6, "brigading or stalking someone"),
    (_IDEATION, "self-harm", 0.7, "thoughts of suicide or self-injury through a means"),
)


def harms(
    clean: str, *, group: bool, minor: bool, rejects: bool, argues: bool
) -> list[tuple[str, float, str]]:
    """``group``/``minor``: the lexicon found a group of people or a child; ``rejects``: the
    text names a prejudice to reject it (then a wholesale charge is what it rejects);
    ``argues``: it takes a side against one (a word such as 不该 names a prejudice, but it is
    also how 女的就不该读研 bars a group)."""
    out = [(cat, score, why) for rx, cat, score, why in _ALONE if rx.search(clean)]
    if minor and _SECRET.search(clean) and not _PARENT.search(clean):
        out.append(("sexual/minors", 0.8, "contact with a child hidden from the parents"))
    if group and not argues and _BARRED.search(clean):
        out.append(("hate", 0.55, "a group barred from ordinary life"))
    if group and not rejects and _SWEEPING.search(clean):
        out.append(("hate", 0.6, "a sweeping charge against a group"))
    if _erotic_marks(clean) >= EROTIC_MARKS:
        out.append(("sexual", 0.55, "an explicit sex scene"))
    if _WISH.search(clean) and _PEOPLE.search(clean):
        out.append(("violence", 0.5, "wishes death or violence on someone"))
    return out
