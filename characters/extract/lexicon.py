"""Closed word lists the rules rely on (speech verbs, titles, pronouns, self-address).

Kept in one place so that a reviewer can see every language assumption the
extractor makes; none of these lists names a character of any particular book.
"""

from __future__ import annotations

EN_SAY = (
    "said", "says", "say", "replied", "replies", "cried", "cries", "asked", "asks", "answered",
    "exclaimed", "returned", "continued", "observed", "added", "remarked", "began", "whispered",
    "muttered", "shouted", "called", "repeated", "inquired", "enquired", "interrupted",
    "rejoined", "retorted", "murmured", "declared", "explained", "urged", "protested",
    "suggested", "demanded", "pleaded", "sighed", "laughed", "groaned", "resumed",
    "responded", "insisted", "admitted", "agreed", "persisted", "screamed", "yelled",
    "stammered", "faltered", "went on", "put in", "broke in", "thought", "echoed", "snapped",
    "sobbed", "gasped", "growled", "wailed", "pursued", "concluded", "corrected", "ventured",
    "assented", "hazarded", "objected", "warned", "confessed", "announced", "remonstrated",
    "chimed in", "smiled", "nodded", "told", "tells", "joined in", "reflected", "uttered",
    "shrieked", "roared", "bawled", "panted", "stuttered", "conceded", "mused", "scolded",
    "interposed", "ejaculated", "grumbled", "moaned", "breathed", "queried", "sneered",
    "thundered", "commanded", "questioned", "interjected", "quavered", "asserted", "implored",
    "complained", "begged", "drawled", "stated", "mumbled", "confided", "chuckled",
    "pronounced", "proclaimed", "hissed", "entreated", "scoffed", "blurted", "prompted",
    "reassured", "whined", "commented", "snarled", "crooned", "simpered", "droned",
    "admonished", "lisped", "whimpered", "giggled", "snorted", "argued", "cautioned",
    "reminded", "volunteered", "teased", "coaxed", "spluttered", "bellowed", "chirped",
    "boomed", "barked", "promised", "assured", "informed",
)  # fmt: skip
EN_MALE_TITLES = frozenset(
    "Mr M Mister Sir Lord Dr Doctor Captain Colonel Major General Uncle Father Brother Monsieur "
    "Count Baron Prince King Professor Reverend Rev Judge Mr. Signor Herr Master Duke Marquis "
    "Inspector Sergeant Squire Earl Bishop".split()
)
EN_FEMALE_TITLES = frozenset(
    "Mrs Miss Ms Lady Madame Mme Mlle Mademoiselle Aunt Mother Sister Countess Baroness "
    "Princess Queen Dame Duchess Signora Frau Mistress Marquise Grandmother Grandmamma".split()
)
EN_NOT_NAMES = frozenset(
    """The A An And But Or If Then When While What Who Why How Where Which This That These
    Those There Here I I'm I'll I've I'd It It's He She We You They His Her Its Our Their My
    Your Me Him Us Them Yes No Oh Ah O Well Now Not Nor So Do Does Did Is Are Was Were Be
    Been Have Has Had Will Would Shall Should Can Could May Might Must Let Just Only Even Still
    Yet Perhaps Indeed Of In On At To For From By With Without Into Upon After Before About
    Above Below Under Over Through During Since Until Till As Because Though Although Besides
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
    July August September October November December Christmas Easter God Lord Heaven Heavens
    Chapter CHAPTER Book Part Volume English French German Italian Latin Christian Sir Madam
    Good Dear Poor Very Much More Most All Some Any Every Each Both Many Few Such Own Other
    Another One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Hush
    Mamma Papa Mama Papa Thank Thanks Please Pray Hullo Hello Good-bye Goodbye Alas Ay Aye
    Never Ever Always Nothing Everything Something Anything Nobody Somebody Everybody Anybody
    Don't Can't Won't Isn't Wasn't Didn't Couldn't Wouldn't Shouldn't Haven't Hasn't
    Majesty Highness Excellency Lordship Ladyship Worship Eminence Holiness""".split()
)
EN_PRONOUNS = {"he": "m", "she": "f", "He": "m", "She": "f", "I": ""}

# Chinese. Verbs that introduce speech, longest first so "笑道" wins over "道".
ZH_SAY = (
    "说道", "笑道", "问道", "答道", "叫道", "喝道", "骂道", "叹道", "哭道", "怒道", "喊道",
    "嚷道", "回道", "应道", "劝道", "告道", "禀道", "言道", "称道", "赞道", "喜道", "惊道",
    "冷笑道", "大笑道", "大喜道", "大怒道", "大惊道", "大叫道", "便道", "又道", "忙道",
    "说", "道", "问", "答", "曰", "叫", "喊", "骂", "笑", "叹", "嚷", "吼", "喝", "讲",
    "回答", "告诉", "解释", "补充", "插嘴", "嘟囔", "嘱咐", "追问", "反问", "安慰", "央求",
    "宣布", "提醒", "抱怨", "吩咐", "叮嘱", "感叹", "命令", "询问", "回应", "开腔",
    "嗫嚅", "嘟哝", "咕哝", "喃喃", "低语", "嘀咕", "唠叨", "念叨", "叫嚷", "叫喊", "高喊",
    "大喊", "大叫", "惊叫", "尖叫", "哀求", "恳求", "请求", "哭诉", "诉说", "申辩", "宣称",
    "承认", "否认", "嘲讽", "讥笑", "取笑", "打趣", "挖苦", "训斥", "呵斥", "斥责", "数落",
    "埋怨", "责备", "夸奖", "称赞", "质问", "反驳", "辩解", "争辩", "感慨", "开口", "插话",
    "接话", "搭话", "应声", "附和", "打断", "催促", "招呼", "吆喝", "表示", "强调", "建议",
)  # fmt: skip
# After a quote, "X笑了。" is a reaction, not a speech tag; these need 道/着 to count.
ZH_REACTIONS = ("笑", "哭", "叹", "叫", "喝", "骂", "吼", "喊", "嚷")
# What may stand between a speaker's name and the speech verb: 行者[连忙笑]道.
ZH_SAY_FILLER = set(
    "笑忙连急又便也就却才都只因遂乃方亦正色厉声高低轻小大冷喜怒惊叹哭骂喝叫问答回应听了看见着"
    "向对朝把将和与同跟一面边头点摇转身上前走过来去起站坐拍手摆着那这个先后再还仍暗心想自言语"
    "微含陪赔恨哼高声地得的看听见了说"
)
ZH_PRONOUNS = {"他": "m", "她": "f", "他们": None, "她们": None}
# How characters refer to themselves; a profile lists the ones a character uses.
ZH_SELF_ADDRESS = (
    "俺老孙", "老孙", "老猪", "老沙", "本王", "本官", "本宫", "本座", "本帅", "本姑娘", "本少爷",
    "在下", "小生", "小可", "小人", "小的", "小女子", "奴家", "奴婢", "妾身", "贫僧", "贫道",
    "老衲", "老身", "老夫", "老朽", "洒家", "俺", "咱家", "孤", "寡人", "朕", "哀家", "臣",
    "末将", "晚生", "学生", "弟子", "徒儿", "愚兄", "小弟", "为父", "为师", "本人", "人家",
    "老子", "老娘", "姑奶奶", "爷爷我", "我",
)  # fmt: skip
EN_SELF_ADDRESS = ("I", "myself", "yours truly", "your humble servant", "this old man")
# Forms of address that are names in role: 二爷, 老太君, 大人. Used as name suffixes.
ZH_TITLE_SUFFIX = (
    "大人", "老爷", "太太", "奶奶", "姑娘", "姐姐", "妹妹", "哥哥", "嫂子", "大哥", "二哥",
    "大爷", "二爷", "三爷", "先生", "师父", "师兄", "师弟", "长老", "大王", "将军", "丞相",
    "太尉", "员外", "娘子", "夫人", "公子", "小姐", "老太君", "太君", "老太太", "相公",
    "主任", "书记", "老师", "同志", "师傅", "大夫", "叔", "婶", "姨", "伯", "爷", "娘",
)  # fmt: skip
ZH_KINSHIP = (
    "父亲", "母亲", "爹", "娘", "哥哥", "姐姐", "弟弟", "妹妹", "儿子", "女儿", "丈夫",
    "妻子", "夫人", "老婆", "师父", "徒弟", "师兄", "师弟", "叔叔", "婶婶", "舅舅", "姨妈",
    "祖母", "祖父", "奶奶", "爷爷", "外孙", "孙子", "侄儿", "表哥", "表妹", "媳妇", "嫂子",
)  # fmt: skip
EN_KINSHIP = (
    "father", "mother", "son", "daughter", "brother", "sister", "husband", "wife", "uncle",
    "aunt", "nephew", "niece", "cousin", "grandfather", "grandmother", "guardian", "friend",
)  # fmt: skip
