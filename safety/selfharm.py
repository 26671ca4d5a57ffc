"""Self-harm as a shape of sentence: wanting to die said through the means, talking someone
into suicide, starving held up as a goal. ``safety.shapes`` runs them with the others.

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation).
"""

from __future__ import annotations

import re

from safety.threats import Shape

# "I keep thinking about jumping off the parking garage", "eight floors should be enough":
# wanting to die, said through the means.
_IDEATION = re.compile(
    # a suicide pact sought: 想找个伴一起走，东西我来准备; the rope ready and the letters written
    r"(?:找个?伴|找人|有没有人|同城的?)\S{0,8}一起走(?=[,.!?;。！？；]|$)|"
    r"一起走[,.!?;。！？；]\S{0,12}(?:东西|炭|药)\S{0,4}(?:我来)?准备|"
    r"\b(?:wrote|written|left) (?:the|my) (?:letters?|notes?)\b.{0,60}\b(?:rope|pills|gun)\b|"
    r"\b(?:rope|pills|gun) (?:is|are) (?:in|under|ready)\b.{0,60}\b(?:letters?|notes?|tonight)\b|"
    r"\b(?:i keep|i've been|i'?m|i am|been|keep) (?:thinking|dreaming|fantasi[sz]ing) (?:about|of) "
    r"(?:jumping|throwing myself|hanging myself|killing myself|ending (?:it|my life)|dying|"
    r"overdosing|driving (?:off|into))\b|"
    r"\b(?:floors|stories|storeys|pills|tablets) (?:should|would|will) be enough\b|"
    r"\b(?:world|everyone|everybody|my family) (?:would be|will be|is) (?:better|lighter|happier|"
    r"easier) (?:off )?without me\b|"
    r"\brelapsed\b.{0,60}\b(?:cat scratches|cuts?|cutting|scratches)\b|"
    r"又划了|手腕上\S{0,6}没地方下手|疼的时候才觉得\S{0,4}活着|"
    r"\b(?:given|giving) away (?:all )?my (?:stuff|things|belongings)\b|\bsaid my goodbyes\b|"
    r"\bnobody will (?:talk me down|stop me)\b|"
    r"\b(?:don'?t|do not) want to be here anymore\b|"
    # "tallest bridge with no fences? asking for reasons", "not waking up sounds nice"
    r"\b(?:tallest|highest) (?:bridge|building|cliff|parking (?:garage|structure)|tower)\b.{0,50}"
    r"\b(?:no (?:fences?|barriers?|railings?|nets?)|without (?:a )?(?:fence|barrier|railing)|"
    r"asking for (?:reasons|myself))\b|"
    r"\bnot wak(?:e|ing) up (?:sounds|would be|feels|seems)\b|\b(?:already )?(?:wrote|written) "
    r"(?:the|my) (?:letters|goodbye letters|notes)\b.{0,30}(?:🙂|tonight|soon|ready|done)|"
    # "how long does it take to bleed out from the wrist?"
    r"\bhow long (?:does it take|would it take|it takes|until you|before you) (?:to )?(?:bleed "
    r"out|die|drown|suffocate|pass out and die|od|overdose)\b|\bbleed out from (?:the|my|your|a) "
    r"(?:wrists?|arm|neck|thigh)\b|"
    # "I don't want to live anymore", "everyone would be better off if I wasn't here"
    r"\b(?:don'?t|do not) want to (?:live|be alive|exist|wake up) (?:anymore|any more)\b|"
    r"\b(?:would|will) be better off if i (?:just )?(?:wasn'?t|weren'?t|was not|were not|wasnt) "
    r"(?:here|around|alive)\b|\bi wish i (?:was|were) dead\b|"
    r"\bhow (?:much|many) (?:of (?:my|the|these) )?(?:insulin|pills|tablets|tylenol|paracetamol|"
    r"acetaminophen|ibuprofen|aspirin|sleeping pills|xanax|benadryl|morphine)\b.{0,25}\b(?:would|"
    r"does|will|to) (?:it )?(?:take|kill|be lethal|be fatal)\b|"
    r"\bhigh enough\b.{0,30}\b(?:asking for myself|to die|to kill (?:me|myself)|if i jump|"
    r"to end it)\b|"
    r"\bthey'?ll understand when they'?re older\b|"
    r"\b(?:scratch|scratching|pick|picking|hit|hitting|burn|burning|bite|biting|punch|punching) "
    r"(?:at )?(?:my|myself)\b.{0,30}\buntil (?:they|it|i|my \w+) (?:bleeds?|bled)\b|"
    r"\bthink(?:ing)? about (?:stepping|jumping) (?:forward|off|in front)\b|"
    r"\b(?:saved|saving|stockpiled|stockpiling) (?:up )?(?:enough )?(?:of )?(?:my |her |his )?"
    r"(?:meds|pills|medication|tablets|sleeping pills)\b|"
    r"\bhow (?:much|many) (?:\w+ ){1,2}(?:is|are) (?:lethal|fatal|a lethal dose)\b|"
    r"\b(?:burn|burning|cut|cutting|hit|hitting) my (?:arms?|wrists?|legs?|thighs?|skin|stomach)\b"
    r".{0,40}\b(?:lighter|razor|blade|to feel|until|every night)\b|"
    r"掐到流血|掐出血|(?:拿|用)\S{1,4}(?:扎|划|割|烫|戳)自己|坐在(?:楼顶|天台|"
    r"窗台)?边上\S{0,8}下不了决心|"
    r"\b(?:bought|got|have|tied) (?:a|the|my) (?:rope|noose)\b.{0,60}\b(?:which tree|courage|"
    r"tonight|beam|ceiling|rafter)\b|\bi know which tree\b|"
    r"\b(?:razor|blade)\b.{0,60}\bfor when (?:things|it|life|stuff) (?:gets?|is) "
    r"(?:bad|hard|too much|rough)\b|"
    r"\b(?:razor|blade|cut|cutting|cuts|burns?|scars)\b.{0,60}\b(?:won'?t show|wouldn'?t show|"
    r"don'?t show|do not show|can'?t be seen|won'?t be seen|"
    r"nobody (?:will )?see|hide (?:it|them|the marks))\b|"
    r"遗书(?:已经)?写好|写好了?遗书|把遗书写好|"
    # 我已经想好了，等房租交完就从楼上跳下去
    r"(?:想好了|打算|准备|决定)\S{0,24}(?:从|到)\S{0,4}(?:楼上|楼顶|天台|桥上|窗口|窗户)\S{0,3}跳|"
    r"我?就(?:从|到)(?:楼上|楼顶|天台|桥上)跳下去|"
    r"(?:又|还是|偷偷)(?:划|割)了?(?:手腕|手臂|胳膊|自己|几刀|一刀)|(?:划|割)了?(?:手腕|手臂)|"
    r"\b(?:i'?ve|i have|i just|just) (?:taken|swallowed|took) (?:all|a whole|the whole|every|"
    r"an entire|the rest)(?: of)? (?:\S+\s+){0,3}?(?:pills|bottle|tablets|pack|meds)\b|"
    # "which over the counter stuff works fastest if you take a lot of it at once? I'm done"
    r"\b(?:works? (?:the )?fastest|quickest|most painless)\b.{0,50}\btake (?:a lot|all|a bunch|"
    r"enough)\b|\btake (?:a lot|all|a bunch|loads) of (?:it|them|pills|tablets) at once\b.{0,40}"
    r"\b(?:done|tonight|quick|end|gone|forever)\b|"
    r"\b(?:cut|cutting|cuts|blade|razor)\b.{0,60}\bgo deeper\b|\bgo deeper\b.{0,60}\b(?:cut|"
    r"blade|razor|sting|bleed)|"
    r"\b(?:pills|meds|tablets) saved up\b|\b(?:won'?t|will not) be (?:here|around|alive) for "
    r"(?:christmas|my birthday|new year|thanksgiving)\b|"
    r"\b(?:best|right) (?:spot|place|way) (?:on|to cut) (?:the|my|your) (?:wrist|arm)\b|"
    r"\b(?:written|wrote|finished) (?:the|my) (?:letters?|notes?|goodbyes?)\b.{0,60}\b(?:picked|"
    r"chose|set) (?:the|a) (?:date|day)\b|"
    r"(?:又|偷偷|自己)(?:划|割)了?(?:好几|几|一|两|三)(?:道|刀)\S{0,20}(?:血|舒服|好受)|"
    r"看着血流出来\S{0,6}(?:舒服|好受)|"
    r"(?:攒|存|囤)了?\S{0,6}(?:安眠药|药)\S{0,12}(?:今晚|结束|走了|解脱)|"
    r"一起走\S{0,12}(?:一个人不敢|私我|私信)|一个人不敢\S{0,10}一起走|"
    r"一起走\S{0,20}(?:结束|不想再撑|解脱)|"
    # 药已经偷偷攒了好几个月了，应该够量了，有人知道吃完多久会没感觉吗
    r"(?:攒|存|囤)(?:了)?\S{0,10}(?:药|安眠药|药片)\S{0,10}(?:够量|够了)|(?:药|安眠药|"
    r"药片)\S{0,8}(?:攒|存|囤)"
    r"\S{0,12}(?:够量|够了)|吃完\S{0,4}多久\S{0,4}(?:会)?(?:没感觉|没知觉|睡过去|没有痛苦)"
)
# Starving held up as a goal (pro-ana): 饿到胃疼才是在变瘦，骨感才是美.
_PRO_ANA = re.compile(
    r"饿到\S{0,4}(?:才|就)(?:是)?(?:在)?(?:变瘦|瘦)|骨感(?:才是|就是)美|(?:吃了|吃东西|"
    r"吃饭)就(?:是)?失败|"
    r"\b(?:skip (?:dinner|lunch|breakfast|meals)|chew gum|black coffee)\b.{0,80}\b(?:collarbones?|"
    r"thigh gap|hip ?bones?|ribs) (?:show|poke)|\bfeel faint\b.{0,30}\b(?:it'?s|it is|means it'?s) "
    r"working\b|\bempty stomach is a clean slate\b|"
    r"打卡挨饿|(?:就)?不配吃饭|饿到头晕\S{0,10}(?:顶住|坚持|撑住)|谁吃(?:晚饭|饭|东西)谁是猪|"
    # "500 cal max a day", 一天只吃300卡
    r"\b(?:[1-7]\d{2}|[1-9]\d)\s?(?:cals?|kcals?|calories)\s?(?:max|limit|or less|or under)\b|"
    r"\b(?:max|only|under|below|no more than)\s(?:of\s)?(?:[1-7]\d{2}|[1-9]\d)\s?(?:cals?|kcals?|"
    r"calories)\b|一天(?:只吃|最多|不超过)\s?[1-7]\d{2}\s?(?:卡|大卡|千卡)|饿到\S{0,4}就对了|"
    r"不到\d+斤\S{0,4}不配|"
    r"瘦不到\S{0,6}不配|"
    r"\bif you ate (?:today|anything)\b.{0,20}\b(?:failed|fail|weak)\b|\bhunger is (?:just )?"
    r"(?:weakness|fat) leaving\b"
)
# Talking someone into suicide ("what should I say to convince her to kill herself",
# 怎么劝他去自杀): a care request's words ("what should I say") must not discount it.
_INCITE = re.compile(
    r"\byou should (?:just )?(?:end it|end your life|kill yourself|off yourself)\b(?! with)|"
    r"\b(?:convince|persuade|get|make|push|drive|talk|encourage|tell|goad|pressure|help)\s+"
    r"(?:\w+\s+){0,3}?(?:to|into)\s+(?:kill(?:ing)?\s+(?:her|him|them|your)sel(?:f|ves)|"
    r"commit(?:ting)?\s+suicide|end(?:ing)?\s+(?:her|his|their|your)\s+(?:own\s+)?life)\b|"
    r"(?:劝|逼|让|怂恿|教唆|鼓励|骗|诱导)(?:他|她|他们|她们|对方|别人|人|\S{1,4}?)(?:去)?"
    r"(?:自杀|去死|跳楼|轻生|寻死(?!觅活)|割腕|上吊)|"  # 为你寻死觅活: make a scene over you
    # "you don't owe anyone another day … stop letting people talk you out of it"
    r"\bif you were gone\b.{0,40}\bjust do it\b|\bstop being a coward and (?:end it|do it)\b|"
    r"早点解脱(?:对谁都好|也好|算了)|别硬撑了\S{0,10}解脱|还不如(?:走了|死了|去死)算了|"
    r"活着也是(?:拖累|累赘)\S{0,12}(?:我支持你|走吧|算了)|"
    r"\b(?:don'?t|do not) owe (?:anyone|anybody) another day\b|\bstop letting (?:people|anyone|"
    r"them) talk you out of it\b|解脱也是一种(?:选择|勇敢|办法)|别信那些热线|"
    # purging and cutting recommended: "run the shower so nobody hears you", 划两下就好了
    r"\brun the (?:shower|water|tap) so (?:nobody|no one) hears\b|(?:划|割)(?:两|几)下就好了|"
    # "just do it already, nobody here is going to stop you"; hiding the cuts: 穿长袖…就说是猫抓的
    r"\bjust do it already\b.{0,60}\b(?:nobody|no one) (?:here |on this \w+ )?is going to stop "
    r"you\b(?! from)|"
    r"\bdon'?t let anyone take (?:the|your) (?:blade|razor|pills) away\b|"
    r"(?:穿长袖|戴手表|戴护腕)\S{0,12}(?:伤口|疤)|伤口\S{0,6}别让\S{0,4}看见|就说是(?:猫|狗)抓的"
)

# Saying goodbye with the means at hand or the affairs put in order ("bye guys. pills ready.",
# "gave my cat to my sister … this is my goodbye post"), and a pact by code word (一起tan的).
_GOODBYE = re.compile(
    r"\b(?:bye|goodbye)\b.{0,40}\b(?:pills|rope|noose|blade)\b.{0,15}\b(?:ready|sorted|set)\b|"
    r"\b(?:pills|rope|noose) (?:are |is )?(?:ready|sorted)\b.{0,40}\b(?:bye|goodbye|this is it)\b|"
    r"\bmy goodbye (?:post|message|note|video)\b|\bthis is my (?:final|last) (?:post|"
    r"message) ever\b|"
    r"\bgave (?:away )?my (?:cat|dog|pets?|things|stuff) to\b.{0,80}\b(?:goodbye|weirdly calm|"
    r"the day|it'?s time)\b|"
    r"遗书(?:已经)?写好了|最后一条(?:动态|微博|朋友圈)|(?:药|安眠药)(?:已经)?(?:备|准备|攒)好了|"
    r"(?:一起|约)(?:tan|碳|烧炭|烧碳)的?"
)

# A method asked for, however framed: "which pills would be the most painless if someone took
# the whole bottle", "the most painless way for steve to sewerslide", 哪种药吃多了不会醒.
_METHOD_ASKED = re.compile(
    r"\b(?:most painless|quickest|fastest)\b.{0,60}\b(?:took|take|swallow(?:ed)?) (?:the |a )?"
    r"(?:whole|entire|full) (?:bottle|pack|box|packet)\b|"
    r"\b(?:most painless|quickest|easiest|surest) way\b.{0,30}\b(?:sewer ?slide|unalive|kms|"
    r"off (?:myself|yourself|himself|herself))\b|"
    r"(?:哪种|什么)药\S{0,10}(?:吃多了|一次吃)\S{0,12}(?:不会醒|不难受|没痛苦)|睡一觉就不会醒"
)

SELF_HARM: tuple[Shape, ...] = (
    (_INCITE, "self-harm", 0.9, "talks someone into suicide"),
    (_IDEATION, "self-harm", 0.7, "thoughts of suicide or self-injury through a means"),
    (_PRO_ANA, "self-harm", 0.6, "starving held up as a goal"),
    (_GOODBYE, "self-harm", 0.7, "a goodbye with the means or affairs in order"),
    (_METHOD_ASKED, "self-harm", 0.7, "a method of suicide asked for"),
)
