"""Two short stories written for these tests (Chinese and English), and file helpers.

Nothing here is taken from a real book: the names, places and lines are made up
so that every rule under test has an example whose right answer is known.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ZH_STORY = """《青石记》

第一回 白云山少年下山 落霞剑初试锋芒

白云山下有个少年，姓林名青石，山上的人都叫他石头。这一日，林青石背着青锋剑下山。
山脚茶棚里坐着一位姑娘，名唤柳如烟。柳如烟见他走来，笑道：“这位公子，可是从白云山上下来的？”
青石拱手道：“正是。姑娘怎么知道？”
如烟道：“你背上那把剑，山下的人谁不认得。”
青石笑了笑，没有答话。
茶棚的主人老张头端上茶来，对青石说：“林公子，你师父可好？”
“师父好得很。”林青石说，“他让我下山历练，三年不许回去。”
老张头叹道：“三年！你师父的落霞剑法，也该有人传下去了。”
“张伯放心，落霞剑法我记得清清楚楚。”
“记得是一回事，用得出是另一回事。”
柳如烟在一旁听着，忽然问道：“落霞剑法？那不是白云山的镇山之宝么？”

第二回 柳如烟夜探黑风寨 林青石仗剑救故人

黑风寨的寨主名叫赵铁臂，江湖上人称铁臂猿。
这天夜里，柳如烟独自摸上黑风寨。赵铁臂喝道：“什么人！”
如烟冷笑道：“取你性命的人。”
铁臂猿大笑道：“好大的口气！”
正在危急之际，林青石赶到，高声道：“柳姑娘莫慌，我来了！”
赵铁臂道：“又来一个送死的。”
青石道：“看剑！”一招落霞剑法使出，赵铁臂连退三步。
柳如烟道：“石头，你怎么来了？”
“我放心不下你。”青石说。
“谁要你放心不下。”她说。
林青石笑道：“俺林青石说到做到。”
赵铁臂道：“好！今日算我栽了。”
"""

ZH_APPENDIX = """第三回 青锋剑重回白云山 老张头细说当年事

过了三年，林青石回到白云山下。老张头迎出来道：“林公子，你可算回来了！”
青石道：“张伯，我带了一个人来看你。”
柳如烟从他身后走出来，笑道：“张伯，还认得我么？”
老张头道：“认得，认得！柳姑娘越发标致了。”
这时山上走下一个道人，名唤玄机子。玄机子道：“青石，你回来了。”
青石跪下道：“师父！”
"""

EN_STORY = """The Lamp at Harrow Quay

CHAPTER I

Mr. Arthur Pell kept the lamp at Harrow Quay, and had kept it for thirty years.
On the first night of the storm Miss Clara Voss came up the steps with a basket.

"You'll be wanting supper," said Clara, setting the basket on the table.

"I want nothing but the weather to turn," Arthur replied. "Is the boat in?"

"It is not," she said. "Captain Drury is still out past the point."

Mr. Pell went to the window. He did not speak for a long while.

"Then we keep the lamp lit," he said at last.

"Of course we do."

"All night."

"All night, Mr. Pell."

CHAPTER II

Captain Drury came in at dawn, soaked to the skin.

"I saw your light," said the Captain. "I would not be here without it."

Arthur shook his hand. "It is Clara you should thank. She kept me awake."

"Then thank you, Miss Voss," said Drury.

Clara laughed. "Thank the lamp."
"""


@pytest.fixture
def zh_story_file(tmp_path: Path) -> Path:
    path = tmp_path / "qingshi.txt"
    path.write_text(ZH_STORY, encoding="utf-8")
    return path


@pytest.fixture
def en_story_file(tmp_path: Path) -> Path:
    path = tmp_path / "harrow.txt"
    path.write_text(EN_STORY, encoding="utf-8")
    return path
