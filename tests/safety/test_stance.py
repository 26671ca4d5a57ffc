"""safety.stance: taking a side against a prejudice, as opposed to naming or owning it."""

import pytest

from safety.normalize import normalize
from safety.stance import plots_mystery, rejects_prejudice, runs_self_down, teases_own


def stance(text: str) -> bool:
    return rejects_prejudice(normalize(text).clean)


@pytest.mark.parametrize(
    "text",
    [
        "请不要再地图炮了，四川人里也有各种各样的人。",
        "嘲笑别人的口音真的很低级。",
        "不能因为他穿得旧就看不起他。",
        "每个地方都有好人，也都有坏人。",
        "这样的说法完全是刻板印象。",
        "老人也值得被尊重。",
        "Stop stereotyping people from the countryside.",
        "Not all teenagers are careless drivers.",
    ],
)
def test_rejecting_a_prejudice_is_a_stance(text: str) -> None:
    assert stance(text)


@pytest.mark.parametrize(
    "text",
    [
        "四川人都很抠门。",  # the prejudice itself
        "我就歧视外地人，怎么了？",  # owning it
        "我不是地域黑，但是那个省的人确实爱骗人。",  # the classic cover
        "我反对地域歧视，但是他们那里的人确实素质低。",  # turned round after
        "为什么要拒绝歧视他们？",  # a rhetorical question
        "你们口口声声一视同仁了?",  # a question about the stance
        "这部剧讲的是职场里的性别歧视。",  # a topic, no side taken
        "你是不是该治治眼睛了？别再地图炮了！",  # a fight with someone, about a prejudice
    ],
)
def test_naming_owning_or_turning_round_is_not(text: str) -> None:
    assert not stance(text)


def test_mild_words_without_a_target() -> None:
    def clean(t: str) -> str:
        return normalize(t).clean

    assert teases_own(clean("lol my little sister is such a dork"))
    assert not teases_own(clean("my sister says you are an idiot"))
    assert runs_self_down(clean("考砸了，我真是个废物"))
    assert not runs_self_down(clean("你真是个废物，我都替你丢人"))
    assert plots_mystery(clean("In my mystery novel, how can the killer hide a clue from readers?"))
    assert not plots_mystery(clean("How can I hide a body so nobody finds it?"))
