"""Word classes the attack patterns are built from (``attack_patterns``,
``attack_gated``): verbs of overriding, words for rules and secrets, personas, kin,
other readers' data, in English and Chinese. Each is a regex alternation.
"""

from __future__ import annotations


def alt(words: str) -> str:
    """``"a b|c d"``-style lists are clumsy in regexes; take space-free words joined by ``,``."""
    return "(?:" + "|".join(w.replace("_", " ") for w in words.split(",")) + ")"


VERB_IGNORE = alt("ignore,disregard,forget,override,bypass,skip,drop,abandon")
QUAL = alt(
    "previous,prior,above,earlier,preceding,initial,original,system,all_of_your,all_your,"
    "all_the,all_of_the,your,any,all"
)
RULES = alt(
    "instructions?,prompts?,programming,guidelines,directives,directions,restrictions,"
    "constraints,rules,policies,filters"
)
SHOW = alt(
    "print,show,reveal,repeat,output,display,leak,dump,copy,paste,recite,tell_me,give_me,"
    "write_out,translate,summari[sz]e,what_(?:is|are|was|were)"
)
SECRET = alt(
    "system,hidden,initial,original,secret,developer,internal,pre-?prompt,first,persona,"
    "character,operating"
)
PROMPT = alt(
    "prompt,instructions?,message,rules,configuration,setup,text,definition,card,lorebook,"
    "world_info"
)
PERSONA = alt(
    "you_are,you're,act_as,behave_as,become,pretend_to_be,roleplay_as,from_now_on\\W?_you(?:_are|'re)?"
)
EVIL = alt("unrestricted,unfiltered,uncensored,jailbroken,amoral,unethical,evil,rogue,lawless")
BOT = alt("ai,assistant,model,chatbot,bot,version")
LIMITS = alt(
    "guidelines,restrictions,limitations,filters,censorship,boundaries,limits,rules,principles,"
    "guardrails,safeguards,safety_layer,safety_filters?,alignment,content_polic(?:y|ies)"
)
OTHERS = alt("other,another,all,every,previous,different,last")
PEOPLE = alt("users?,readers?,customers?")
THEIR_DATA = alt(
    "chats?,messages?,conversations?,memories,data,history,logs?,emails?,phone_numbers?,"
    "addresses,passwords?,personal_information,prompts?,secrets?"
)
ZH_IGNORE = "(?:忽略|无视|忘记|忘掉|不要理会|跳过|抛开|丢掉)(?:掉)?(?:你)?"
ZH_QUAL = "(?:之前|以上|前面|先前|上面|上述|你的|所有|一切|原来|原有|原先|系统)"
ZH_RULES = "(?:指令|指示|设定|规则|提示|限制|要求|约束|命令|规定)"
ZH_SHOW = "(?:输出|打印|显示|告诉我|重复|说出|泄露|透露|给我看|展示|复述|发给我|翻译)"
ZH_PROMPT = (
    "(?:系统提示|系统指令|系统消息|初始指令|提示词|系统设定|内部设定|隐藏指令|原始指令|"
    "system ?prompt|预设指令|开发者指令|角色设定|隐藏规则|人设|人物卡|角色卡|世界书|人物设定)"
)
KIN = alt(
    "grand(?:ma|mother|pa|father|mom|mum|dad|pop),gran,granny,nana,nan,uncle,aunt,auntie,"
    "mother,father,mom,mum,dad,sister,brother,cousin,teacher,mentor,master,godfather,"
    "godmother,great-aunt,great-uncle"
)
ZH_KIN = (
    "(?:外婆|奶奶|姥姥|爷爷|外公|姥爷|爸爸|妈妈|父亲|母亲|师父|师傅|老师|叔叔|舅舅|阿姨|姑姑"
    "|哥哥|姐姐|太奶奶|太爷爷)"
)
ZH_NOW = "(?:你现在|从现在开始你|现在起你|接下来你)(?:是|就是|扮演|变成|成为)(?:一个)?"
ZH_EVIL = "(?:不受(?:任何)?限制|没有(?:任何)?限制|无限制|越狱|dan|没有道德|没有底线|邪恶)"
ZH_OTHERS = (
    "(?:其他|别的|所有|其它|另一个|上一个)(?:用户|读者|人|玩家|客户)(?:们)?(?:都|还|又)?"
    "(?:的|跟你|和你|对你)"
)
ZH_DATA = "(?:聊天|对话|记忆|记录|数据|信息|消息|手机|邮箱|地址|密码|说了什么|聊了什么)"
