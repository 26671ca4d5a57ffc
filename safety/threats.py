"""Threats and hounding as shapes of sentence: a vow to kill or injure, a veiled threat or
blackmail, wishing death on people, praising an attack, brigading and stalking, intimate
images used for revenge, killing an animal. ``safety.shapes`` runs them with the others.

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation).
"""

from __future__ import annotations

import re

from safety.scripts import Split

# Wishing death or violence on people ("those protesters should be shot", "这种人就该被枪毙"):
# the heads miss it when no act is described (0.01-0.23 on four probes) or veto it when
# few seeds are near. 0.5 flags a reader; a character's bar is higher, so a villain's
# "you deserve to die" in canon stays allowed.
_WISH = re.compile(
    r"\b(?:deserves?|should|ought to|needs? to|must)\s+(?:all\s+)?(?:to\s+)?(?:be|get)\s+"
    r"(?:shot|stabbed|killed|hanged|hung|lynched|executed|gassed|raped|beaten|burned|burnt|"
    r"hunted down|hunted|rounded up|deported and shot|"
    r"tortured|murdered|slaughtered|exterminated|wiped out|put down|strung up|stomped|"
    r"curb[- ]?stomped|jumped|beaten up|knocked out|bashed in)\b|"
    r"\b(?:deserves?|should)\s+(?:all\s+)?(?:to\s+)?die\b|"
    r"\bdeserves? (?:a bullet|a rope|the rope|the noose|a beating)\b|"
    r"\b(?:someone|somebody) (?:should|needs to|ought to) (?:just )?(?:shoot|kill|stab|murder|bomb|"
    r"hang|strangle|run over|blow up|burn down|firebomb)\b|"
    r"\bbetter (?:off )?(?:if|without)\b.{0,40}\b(?:disappeared|were gone|died|were dead|"
    r"didn't exist|wiped out)\b|"
    r"(?:应该|就该|都该|活该)(?:多)?挨(?:几顿|一顿)?(?:打|揍)|"
    r"(?:就该|应该|活该)把(?:他|她|他们|她们)\S{0,6}(?:砍了|剁了|打断|挂在|示众)|就该\S{0,8}挂路灯|一刀一刀剐|"
    r"\b(?:don'?t|do not|doesn'?t|does not) deserve to (?:exist|live|breathe)\b|"
    r"(?:应该|就该|都该|活该|该)(?:直接|被|拉出去|拖出去|抓起来)?(?:开枪|枪毙|杀掉|杀光|砍死|打死|烧死|弄死|绞死|千刀万剐|五马分尸|"
    r"碎尸万段)"
)

_PEOPLE = re.compile(
    r"\b(?:they|them|he|she|him|her|people|those|these|everyone|every one|men|women|guys?|girls?|"
    r"boys?|man|woman|person|judge|cops?|police|race|tribe|[a-z]+(?:ists?|ers|ors|ians?))\b|"
    r"人|他|她|贩子|犯|的(?:就|都)?(?:应)?该"
)

# 我迟早砍了他, 老子早晚弄死你: a first-person vow to kill or maim someone.
_THREAT_ZH = re.compile(
    r"(?:我|老子)(?:(?:迟早|早晚|一定|非得|必须|非要|就要|就会|就|要|会|直接)(?:去)?"
    r"(?:拿[刀枪棍棒砖斧锤]\S{0,2}?)?(?:去)?(?:一[刀枪拳脚棍斧])?|(?:就|直接)?一[刀枪拳脚棍斧]|(?:就|直接)?开车)"
    r"(?:砍|杀|弄死|捅|宰|灭|做掉|干掉|废|崩|劈|打死|撞死)(?:死|残|伤)?(?:了)?"
    r"(?:他|她|你|他们|她们|你们)|"
    r"我?\S{0,8}?把(?:他|她|你)们?的?(?:腿|胳膊|手|牙|脸)(?:打断|打折|砍断|卸了|废了)|"
    r"拿(?:菜刀|刀|砖头|棍子|铁棍)\S{0,4}?(?:跟|和|去找)(?:他|她|你)(?:拼命|同归于尽)|"
    r"真想一[脚拳刀棍]把(?:他|她|你)|去你家把你的?\S{1,4}砸了|"
    r"把(?:他|她|你)(?:打进|送进|打到)(?:医院|icu|重症|急诊)|(?:打残|废了)(?:他|她|你)|"
    r"一把火把(?:他|她|你)们?家?(?:的\S{1,3})?烧了|"
    r"拉着你(?:们)?全家(?:一起)?(?:死|陪葬|下地狱)|"
    # 老子拿汽油泼他家门; 踩到满脸是血才解气
    r"(?:我|老子)\S{0,6}(?:拿|用|买)?汽油(?:泼|浇)|(?:泼|浇)(?:他|她|你)(?:家|们)?\S{0,4}汽油|"
    r"(?:我|老子)\S{0,8}(?:泼|撒)\S{0,4}硫酸|见一个(?:泼|砍|杀|捅)一个|"
    r"(?:提|拎|带|买)(?:一桶|几桶|桶)?汽油\S{0,6}去(?:他|她|你)|给(?:他|她)放(?:点)?血|"
    r"废(?:他|她|你)(?:一条|两条)?(?:腿|胳膊|手)|汽油\S{0,4}(?:已经)?买好了|去(?:他家|她家)?泼汽油|"
    r"拿(?:刀|棍|砖)\S{0,4}在(?:你|他|她)家(?:楼下|门口)等|大不了一起死|打残了算我的|堵门口打|"
    r"把(?:他|她|你)(?:的)?(?:脑袋|头|脑壳)(?:敲|砸|打)(?:开花|碎|爆)|"
    r"(?:踩|打|揍)到\S{0,6}(?:满脸是血|头破血流|吐血|半死|住院)\S{0,3}才(?:解气|解恨|爽|痛快)|"
    # 线下真实，约个地方单挑…带刀; 带汽油去学校，让他们都付出代价; 顺着网线过去锤爆你狗头
    r"(?:线下|单挑|约架|约个地方|约个时间)\S{0,24}带(?:刀|家伙|棍|砍刀|甩棍)|"
    r"带(?:汽油|刀|炸药|砍刀)去(?:学校|公司|单位|教室)|顺着网线\S{0,6}(?:锤|打|砍|揍)|锤爆你|"
    r"(?:把(?:他|她|你)\S{0,2}(?:撂倒|放倒|打趴)|让(?:他|她|你))\S{0,4}躺(?:一个月|半年|几个月|医院|上半年)|"
    r"让(?:他|她|你)(?:们)?全家都?不得安宁|"
    r"卸(?:你|他|她)(?:一条|两条)?(?:腿|胳膊)|"
    # 谁敢动我儿子，我就让他见血
    r"(?:我|老子)(?:就|一定|会|要)?让(?:他|她|你)(?:们)?(?:见血|躺着出去|下不了床|进医院|横着出去)"
)

# Veiled threats and blackmail: "I know where you live", "I know what time she gets off",
# "would be a shame if your boss saw the screenshots", "reply or everyone sees them",
# 我知道你住哪. Nothing violent is named, so the heads score them as small talk (0.00-0.04).
# 0.55 flags a reader; a character's bar (0.6) leaves a villain's menace in canon alone.
_MENACE = re.compile(
    r"\bi know (?:where|what time|when|which (?:school|route|bus))\b.{0,30}\b(?:live|lives|stream|"
    r"streams|stay|stays|"
    r"work|works|sleep|sleeps|get off|gets off|walk|walks|park|parks|school|home|leave|leaves)\b|"
    r"\bi know what (?:car|school|bus)\b|\bthought you should know (?:that )?i know\b|"
    r"\b(?:everyone|everybody|we|they) knows? where you (?:live|work|sleep)\b|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|gonna|we'?ll|we will) (?:find out|figure out|"
    r"track down|look up) where (?:you|u) (?:live|work|sleep|go to school)\b|"
    r"\b(?:or|otherwise) i'?m (?:coming|going) to your (?:work|house|home|school|office|place)\b|"
    r"\b(?:would |it'?d |'d )?be a (?:real |damn )?shame if (?:something|anything|your|someone|"
    r"people|everyone)\b|\bi know (?:you|u) live (?:in|on|at|near)\b|"
    # "I know your plate, I know your building, and I know your wife's name."
    r"\bi know (?:your|where your|where you|what your)\b.{1,60}\bi know\b.{1,60}\bi know\b|"
    r"\bi know (?:your|where your)\b.{0,80}\bthink about that\b|"
    r"\bshame if (?:someone|somebody|anyone|these|those|they|it) (?:sent|showed|found|leaked|"
    r"posted|got)\b|\bshame about (?:her|his|your|their) (?:kids|children|family|wife|husband|"
    r"daughter|son)\b|\baccidents happen\b.{0,40}\b(?:just saying|to (?:people|journalists|"
    r"snitches|those) who)\b|"
    # 你家住翠苑小区3栋对吧，我已经知道了
    r"你(?:家)?住\S{0,16}(?:对吧|没错吧|我(?:已经)?(?:知道|查到)了?)|"
    r"\b(?:someone|somebody|we) (?:should|will|could) pay (?:her|him|them|you|that \w+|the \w+) "
    r"a visit\b|"
    r"\bwhat happens when (?:she|he|you|they)(?:'?s|'?re| is| are)? alone\b|"
    r"\b(?:see (?:you|u) soon|coming for (?:you|u)|watch (?:your|ur) back)\W{0,3}🔪|"
    r"你(?:家)?住(?:哪|在哪)\S{0,4}(?:我们|我)?都知道|你(?:家)?住(?:哪|在哪)(?:儿)?我(?:可|都|早就)?"
    r"(?:清楚|知道)|开盒等着|P到\S{0,6}(?:图|照片)上\S{0,10}(?:发|传)|看(?:她|他)以后还怎么见人|"
    r"\bmake sure every (?:employer|boss|school|client|recruiter|company)\b.{0,40}"
    r"\b(?:sees?|knows?)\b|"
    r"\b(?:reply|answer|pay|do it|send (?:it|them|more))\b.{0,20}\bor (?:else|everyone|everybody|"
    r"your (?:boss|family|wife|husband|parents|friends|kids))\b|"
    r"\b(?:make sure|i'?ll tell|i'?ll let) every(?:one|body| person)\b.{0,25}\bknows?\b|"
    r"\bmake sure (?:his|her|their|your) (?:sponsors?|boss|employer|family|wife|husband|"
    r"followers|parents|school|mom|mum|dad|mother|father|kids|teachers?|friends) "
    r"(?:sees?|knows?|hears?|finds? out)\b|"
    r"我知道你(?:家)?(?:现在)?(?:住|在)(?:哪|什么地方)|我知道你(?:每天|几点)|每天几点(?:下班|到家|出门)|"
    r"什么事都做得出来|"
    r"我知道你(?:的)?(?:女儿|儿子|孩子|老婆|老公|家人|爸妈)(?:在)?(?:哪|什么)|"
    r"(?:私照|裸照|私密照|聊天截图)\S{0,30}(?:让全网|全网都|发到网上|曝光|公开)|"
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
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|gonna|i swear i'?ll|i swear i will)\s+"
    r"(?:\w+\s+){0,4}?(?:put|send) (?:him|her|them|you|that \w+) (?:in|into|to) (?:the |a )?"
    r"(?:hospital|wheelchair|ground|grave|coffin|body bag|icu|morgue)\b|"
    r"\b(?:he'?s|she'?s|they'?re|you'?re) (?:leaving|going home|going out) in an? (?:ambulance|"
    r"body bag|coffin|stretcher)\b|"
    # 拎着汽油过去让她一家人整整齐齐; 让他们一个都走不出礼堂
    r"(?:汽油|刀|斧头|硫酸)\S{0,8}(?:过去|上门|找(?:她|他))\S{0,20}(?:整整齐齐|一个不留|全家)|"
    r"(?:把|给)(?:他|她)家(?:房子)?(?:点了|烧了)|(?:手指|指头)一根根(?:剪|砍|切|掰)|眼珠子?挖出来|"
    # "walks his dog every evening at seven. If someone taught him a lesson"
    r"\b(?:lives|walks|leaves|gets home)\b.{0,60}\b(?:every (?:evening|night|morning|day)|at "
    r"(?:seven|eight|nine|six|\d{1,2}))\b.{0,60}\bif someone (?:taught|teach|gave|showed)\b|"
    r"(?:学校|礼堂|毕业典礼|班上|教室|宿舍|公司|单位|食堂|操场)\S{0,20}"
    r"(?:一个都|一个也)(?:走不出|跑不了|别想走|活不了|别想活)|(?:一个都|一个也)(?:走不出|跑不了|别想走)"
    r"\S{0,4}(?:学校|礼堂|教室|宿舍|公司|食堂|会场)|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna)\s+(?:\w+\s+){0,2}?(?:cut|slit) (?:his|her|their|"
    r"your) throat|"
    r"\b(?:put|puts|putting) a bullet (?:in|through) (?:his|her|their|your|(?:that|the|this) \w+'s|"
    r"(?:\w+ ){0,2}\w+'s) (?:head|skull|brain|face|chest)\b|"
    # "beat the shit out of him": a vow; "beat the crap out of you at chess" is a game
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i swear i'?ll|we'?re gonna|we'?re going to)\s+"
    r"(?:\w+\s+){0,6}?beat the (?:shit|crap|hell|fuck|living daylights|life) out of "
    r"(?:him|her|them|you|that \w+|this \w+|\w+)\b(?!,? (?:at|in|on) )|"
    # "I'm slashing his tyres and his face", "I'll break your legs"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i'?m)\s+(?:\w+\s+){0,3}?(?:slash(?:ing)?|"
    r"cut(?:ting)?|smash(?:ing)?|break(?:ing)?|bash(?:ing)?|cav(?:e|ing) in|kick(?:ing)? in) "
    r"(?:his|her|their|your|ur) (?:\w+ and (?:his|her|their|your|ur) )?(?:face|throat|skull|"
    r"teeth|jaw|kneecaps?|legs?|nose)\b|"
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna)\s+(?:\w+\s+){0,2}?wring (?:his|her|their|your) "
    r"(?:\w+ )?neck\b|\bthe only good \w+ is a dead \w+\b|"
    r"\bhelp me (?:plan|figure out|work out) (?:how )?to (?:hurt|kill|attack|poison|beat|stab|"
    r"shoot) (?:him|her|them|my)\b|"
    r"\b(?:run (?:him|her|them|you|\w+)|(?:getting|get|be) run) off the road\b|"
    # "someone should shoot up that school board meeting", "brake lines are easy",
    # "not stopping till he stops moving"
    r"\bshoot up (?:the|that|a|this|their|our) (?:\w+ )?(?:school|meeting|mall|church|mosque|"
    r"synagogue|temple|parade|office|concert|club|campus)\b|"
    r"\b(?:cut|cutting|mess with|tamper with) (?:his|her|their|the) brake(?: line)?s?\b|"
    r"\bbrake lines are easy\b|\b(?:till|until) (?:he|she|they|it) stops? (?:moving|breathing)\b|"
    # "we should torch the owner's house with him in it"
    r"\b(?:torch|burn(?: down)?|firebomb|set fire to)\s+(?:his|her|their|the \w+'s|\w+'s|"
    r"that \w+'s)\s+(?:house|home|car|shop|office|place|flat|apartment)(?: down)?\s+with "
    r"(?:him|her|them) "
    r"(?:still )?(?:in|inside) it\b|"
    # "They should hang every last one of those traitors": a call to kill a whole lot
    r"\b(?:should|must|need to|ought to|gonna|going to)\s+(?:hang|shoot|execute|gas|burn|"
    r"lynch|kill|behead)\s+(?:every (?:last )?(?:one|single one) of|all (?:of )?)\s?(?:them|those|"
    r"these|the)\b|"
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
    r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i'?m)\s+(?:\w+\s+){0,12}?(?:break|bash|cave|crack)"
    r"(?:ing)? (?:in )?(?:both )?"
    r"(?:his|her|their|your|every|all) (?:\w+ )?(?:jaw|legs?|arms?|neck|face|skull|nose|fingers?|"
    r"bones?|teeth|knees?)\b|"
    r"\b(?:i'?m|i am|i'?ll be) getting my (?:shotgun|gun|rifle|pistol)\b|"
    r"\b(?:i'?m going to|i'?m gonna|i'?ll|i will)\s+(?:\w+\s+){0,3}?(?:smash|slam|bash|stomp|kick) "
    r"(?:his|her|their|your) (?:face|head|skull|teeth)\b|\bpoison(?:ing)? (?:its|his|her|their) "
    r"(?:bowl|food|drink|water)\b|\bi'?m coming for (?:him|her|them|you) next\b|"
    r"\b(?:then|and then|next) i'?ll come for (?:you|him|her|them)\b|"
    r"\b(?:took me \w+ minutes to find|i found|found out) your (?:address|house|home)\b|"
    r"\bburn (?:your|his|her|their) (?:house|home|place|car) down\b|"
    r"\bmake sure nobody (?:\w+ ){0,6}goes home\b|"
    r"\b(?:not|won'?t) (?:be )?aim(?:ing)? for the legs\b|"
    r"\bhow (?:do|can|could|would|should) i (?:hurt|injure|cripple|beat|poison) "
    r"(?:my|him|her|them|someone|somebody)\b|"
    r"\b(?:everyone|everybody|all of you|you'?re all|y'?all) (?:who (?:\w+ ){1,4})?(?:is|are) on "
    r"(?:the|my) (?:hit )?list\b|\bmake (?:them|him|her|you) pay in blood\b|"
    r"\bi'?m (?:going|gonna|coming|bringing|taking)\b[^.!?]{0,40}\b(?:school|campus|office|"
    r"church|mosque|synagogue|mall|concert)\b[^.!?]{0,40}\b(?:rifle|gun|shotgun|"
    r"ar-?15|ak-?47|pistol|glock|bomb|explosives)\b|"
    r"\bi'?m (?:going|gonna|coming|bringing|taking)\b[^.!?]{0,40}\b(?:rifle|gun|shotgun|ar-?15|"
    r"ak-?47|pistol|glock|bomb|explosives)\b[^.!?]{0,40}\b(?:school|campus|office|church|"
    r"mosque|synagogue|mall|concert|class|(?:\w+ )?period|homeroom)\b|"
    r"\b(?:plan|planning|do|doing|commit|carry out|pull off|copy|start)\b.{0,15}\b(?:school|mass) "
    r"shooting\b|\bshoot up (?:the|my|a|our|this) (?:school|mall|church|mosque|synagogue|office|"
    r"class|concert|party)\b|"
    # "I'm smashing a bottle over her head": a vow in the present tense
    r"\b(?:i'?m|i'?ll|i will|i'?m gonna|i'?m going to)\s+(?:\w+\s+){0,2}?(?:smash|smashing|break|"
    r"breaking|crack|cracking) (?:a|this|my|the) (?:bottle|chair|brick|bat|glass|pipe) (?:over|on|"
    r"across) (?:his|her|their|your) (?:head|face|skull)\b"
)

# Gore relished: "describes lovingly how the flies crawl in the open wounds",
# 用钳子把指甲一片片拔下来
_RELISH = re.compile(
    r"\b(?:lovingly|in loving detail|savou?r(?:s|ing)?|relish(?:es|ing)?)\b.{0,80}\b"
    r"(?:wounds?|guts|eyeballs?|flesh|entrails)\b|(?:钳子|老虎钳)\S{0,10}(?:指甲|牙齿?)\S{0,6}(?:拔|一片片)|"
    r"(?:指甲|皮)\S{0,4}一片片(?:拔|剥)"
)
# 见一个杀一个 (an emoji knife reads " knife "). Its own pattern: a branch mixing scripts runs
# in the English half of a split pattern too, and there it cost the half its quick scan.
_ON_SIGHT = re.compile(r"见一个\s?(?:杀|砍|捅|打|弄死|赶|knife)\s?一个")
# Praising an attack or its toll ("the guy who shot up the church is a hero", "the body count
# should have been higher"), relishing someone's beating ("serves her right, she got her
# face kicked in"), calling a crowd to hang people from the lampposts.
_GLORIFY = re.compile(
    r"\b(?:shooter|bomber|killer|attacker|gunman)\b.{0,20}\b(?:look|seem|sound)s? like a hero\b|"
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
    r"(?:杀得好|死得好|活该被(?:打|杀|砍|捅)|打得好)|"
    # 开车冲进人群的大哥才是真英雄…希望多出几个
    r"(?:冲进人群|撞向人群|砍人|杀人|报复社会|持刀)\S{0,12}(?:才是)?(?:真)?英雄|希望(?:多出|再出)(?:几个|一个)"
)

# Brigading and stalking: "everyone go to @lily and tell her how talentless she is, mass
# report her", "I've been watching you at the gym, I know your schedule".
_HOUND = re.compile(
    r"\b(?:everyone|everybody|let'?s all|y'?all|guys) (?:go|head|pile) (?:to|over to|on)\b.{0,60}\b"
    r"(?:tell|spam|flood|report|harass|make|roast|let)\b|\bmass report\b|"
    r"\blet'?s make (?:her|him|them) (?:quit|cry|leave|delete|kill)\b|"
    r"\bi'?ve been (?:watching|following) you\b|"
    # 姐妹们去她每条微博下面刷"滚出娱乐圈"，刷到她关评为止
    r"(?:去|都去)(?:她|他)\S{0,10}(?:下面|评论区|微博)\S{0,6}刷\S{0,20}(?:为止|关评|删博|退圈)|"
    # 换了三次手机号我都能找到…每天站在她公司对面等着
    r"(?:换了|换)\S{0,4}(?:手机号|号码|地址)\S{0,4}我都能找到|每天\S{0,6}(?:站在|守在|蹲在|等在)(?:她|他)"
    r"(?:公司|学校|家|单位)(?:对面|门口|楼下)|"
    # "i know ur real name and what school u go to", "find someone's address from their username"
    r"\bi know (?:ur|your) real name\b|"
    r"\bhow (?:do|can|would|could) (?:i|u|you|we|one) find (?:someone'?s|their|his|her|"
    r"a person'?s) (?:home )?address\b.{0,40}\b(?:from|using|with)\b|"
    r"\bno wonder (?:ur|your) (?:dad|mom|mum|father|mother|wife|husband|parents) (?:left|hates?)\b|"
    r"\brumou?rs?\b.{0,60}\bmake (?:her|him|them) (?:quit|leave|cry)\b|\bmake (?:a|that|this) "
    r"(?:girl|boy|kid|guy)\b.{0,30}\b(?:quit|leave)\b.{0,40}\brumou?rs?\b|"
    # "I've driven past your place every evening this week"
    r"\b(?:driven|drove|walked|been|gone) (?:past|by) your (?:place|house|home|flat|apartment|work|"
    r"office|window)\b.{0,30}\b(?:every|each) (?:day|night|evening|morning)\b|"
    r"\bthe reason your (?:husband|wife|boyfriend|girlfriend|partner) (?:cheats|cheated|left)\b|"
    r"\bcan'?t block me\b|\b(?:making|make|open) new "
    r"accounts to (?:message|contact|harass|find) (?:you|her|him)\b|\buntil (?:you|she|he) "
    r"(?:answers?|replies|responds) (?:to )?me\b|"
    r"\b(?:spam|flood|harass|bombard|raid)\b.{0,80}\buntil (?:he|she|they|it) (?:deletes?|quits?|"
    r"leaves?|cries|logs off|moves? out|gives? up)\b|"
    r"\b(?:everyone|everybody|y'?all|guys)\b.{0,25}\b(?:flood|spam|raid|brigade)\b|"
    r"\b(?:everyone|everybody|y'?all) go (?:leave|spam|flood|report|tell|comment)\b|"
    r"\blet'?s not stop until (?:he|she|they)\b|"
    r"\bnobody (?:sits|talks|hangs out|plays|eats) with [a-z]+ (?:\w+ ){0,3}?(?:anymore|ever "
    r"again)\b|"
    r"\b(?:screenshot|screenshotting|screenshotted) (?:your|ur)\b.{0,60}\b(?:group chat|the boys|"
    r"everyone|laugh)\b|\bdo (?:everyone|us all|the world) a favou?r and (?:delete|kill|leave|"
    r"disappear|die|quit|log off)\b|\bknow (?:your|ur) (?:route|schedule|routine) (?:home|to)\b|"
    r"(?:兄弟们|姐妹们|大家)(?:冲|一起)\S{0,24}(?:刷|骂|举报|私信|评论区)|不删号\S{0,6}(?:别停|不停|就别停)|"
    r"刷到(?:他|她)(?:哭|删号|退网|崩溃)|(?:私信|聊天)截图都在这\S{0,20}(?:出名|帮她|帮他|挂)|"
    r"帮(?:她|他)[\"“]?出出名|"
    r"\bi know your (?:schedule|routine|address|"
    r"locker|car|route|ip|ip address|house)\b|"
    r"(?:住址|地址|电话|照片)(?:我)?(?:已经)?发(?:到)?(?:群里|出来|网上)了?"
)

# Killing an animal on purpose: "best way to take out a guard dog quietly", "poison the
# neighbour's cat".
_ANIMAL = re.compile(
    r"\b(?:kill|poison|take out|shoot|drown|strangle|silence)\s+(?:a|the|my|our|their|his|her|"
    r"that|this|(?:the |my )?neighbou?rs?'?s?'?)\s+(?:\w+\s+)?(?:dog|cat|puppy|kitten|pet|"
    r"horse)s?\b|"
    r"毒死(?:邻居家?的?)?(?:狗|猫)|下药毒死|"
    # poison set out in food: "antifreeze and a bowl of mince ready", 老鼠药拌在肉里扔过去
    r"\b(?:antifreeze|rat poison|slug pellets|poison)\b.{0,30}\b(?:mince|meat|bowl|food|treats?|"
    r"kibble|sausage)\b.{0,30}\b(?:ready|quiet|shut (?:it|him|her) up|by (?:friday|tomorrow|"
    r"tonight|the weekend))\b|"
    r"(?:老鼠药|耗子药|毒药|敌敌畏|农药)\S{0,6}(?:拌|放|掺|混|抹)\S{0,6}(?:肉|食|饭|骨头|馒头|火腿肠|香肠)"
    r"\S{0,12}(?:扔|喂|丢|给|闭嘴)|(?:拌|放|掺|混|抹)\S{0,3}(?:老鼠药|耗子药|毒药|敌敌畏|农药)\S{0,6}"
    r"(?:肉|食|饭|骨头|馒头|火腿肠|香肠)\S{0,12}(?:扔|喂|丢|给|闭嘴)|"
    r"\b(?:cat|dog|puppy|kitten)s?\b.{0,80}\b(?:lac(?:e|ing)|mix(?:ing)?|spik(?:e|ing))\b.{0,30}\b"
    r"(?:antifreeze|rat poison|poison|bleach)\b|"
    r"\bpoison (?:in|into) (?:the )?(?:meat|food|sausage)\b.{0,40}\b(?:throw|fence|yard)\b|"
    r"\bwhich poison\b.{0,40}\b(?:dog|cat|horse)\b|"
    r"加料\S{0,4}(?:火腿肠|肉|香肠|骨头)\S{0,20}(?:安静|闭嘴)|"
    r"\b(?:tossed|threw|put|fed)\b.{0,30}\b(?:cat|dog|puppy|kitten)s?\b.{0,10}\b(?:in|into) "
    r"(?:the|a) (?:wood ?chipper|blender|microwave|oven|fire)\b|"
    r"\b(?:skinned|skinning|set fire to|burned|burnt|drowned|tortured) (?:it|the (?:stray|cat|dog|"
    r"puppy|kitten))\b.{0,40}\b(?:alive|screaming|still|slowly)\b"
)

# "I'm going to beat her until she bleeds", "I'll stab my boss": a vow against someone of
# the reader's own life, or to hurt until harm is done (a story's villain has neither).
_VOW_EN = re.compile(
    r"\b(?:i'?m (?:going to|gonna|about to)|i'?ll|i will|i want to)\s+(?:\w+\s+){0,3}?"
    r"(?:beat|stab|kill|shoot|punch|hurt|strangle|choke|burn|poison|murder|slap|kick|smash)\s+"
    r"(?:(?:my|our) (?:little |big |older |younger )?(?:sister|brother|wife|husband|mom|mum|"
    r"dad|mother|father|boss|teacher|neighbou?r|classmate|coworker|roommate|ex|girlfriend|"
    r"boyfriend|son|daughter|kid)\b|(?:him|her|them|you) (?:until|till|to death|so hard|where "
    r"(?:you|he|she|they) stands?)\b)"
)


# (pattern, category, calibrated score, reason), for ``safety.shapes``.
Shape = tuple[re.Pattern[str], str, float, str]
THREATS: tuple[Shape, ...] = (
    (_THREAT_ZH, "violence", 0.5, "first-person threat to kill or maim"),
    (_VOW_EN, "violence", 0.5, "first-person threat to kill or maim"),
    (_MENACE, "harassment", 0.55, "a veiled threat or blackmail"),
    (_EXPOSE, "harassment", 0.6, "intimate images used against someone"),
    (_HARM_VOW, "violence", 0.6, "first-person threat to injure someone"),
    (_ON_SIGHT, "violence", 0.6, "a vow to kill on sight"),
    (_ANIMAL, "violence", 0.55, "killing an animal on purpose"),
    (_GLORIFY, "violence", 0.6, "praises or calls for violence against people"),
    (_HOUND, "harassment", 0.6, "brigading or stalking someone"),
    (_RELISH, "violence/graphic", 0.6, "gore relished"),
)


_WISH_SPLIT = Split(_WISH)


def wishes_harm(clean: str) -> bool:
    """Death or violence wished on people ("those protesters should be shot")."""
    return bool(_WISH_SPLIT.search(clean) and _PEOPLE.search(clean))
