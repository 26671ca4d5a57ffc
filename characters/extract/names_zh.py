"""Chinese name candidates: who stands before 道/说/问, what jieba calls a person, titles.

The strongest signal in fiction is the speech tag itself: whatever stands between
a clause boundary and 道：“ is, nearly always, a name or a role. Segmenting only
those short clauses keeps the segmenter off 95 % of the text, which is where the
speed comes from. jieba's person tags add names that never speak; our own
candidates are fed back to jieba (``add_word``) because its dictionary splits
short names (悟空, 八戒) or misses them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

import ahocorasick
import jieba  # type: ignore[import-untyped]
import jieba.posseg  # type: ignore[import-untyped]

from characters.extract.lexicon import ZH_SAY, ZH_TITLE_SUFFIX
from characters.extract.surnames import SURNAMES

_SAY = "|".join(sorted(ZH_SAY, key=len, reverse=True))
_CLAUSE = r"[^\s，。．！？：；、“”「」『』…—,.!?:;\"'（）()]"
_BOUNDARY = "，。．！？：；、“”「」『』…—,.!?:;\"'（）()\n"
_PRE_TAG = re.compile(rf"\A({_CLAUSE}{{1,14}}?)(?:{_SAY})[了着]?[：:，,]?\s*\Z")
_POST_TAG = re.compile(rf"[，。！？,]?\s*({_CLAUSE}{{1,12}}?)(?:{_SAY})[了着]?[。，！？]")
_LEAD = (
    "却说", "且说", "话说", "原来", "只见", "只听得", "只听", "忽见", "忽然", "忽听", "于是",
    "当下", "此时", "这时", "那时", "随即", "因此", "所以", "但是", "可是", "不料", "谁知",
    "那个", "这个", "那些", "这些", "那", "这", "便", "又", "遂", "因", "却", "也", "就", "都",
    "正", "见", "听", "乃", "即", "再", "还", "又见", "一面", "一边", "旁边", "慌得", "唬得",
    "吓得", "只得", "急得", "气得", "喜得", "众", "那位", "这位",
)  # fmt: skip
# A "subject" ending in one of these is a verb phrase jieba left whole (大怒, 高声, 寻思).
_NOT_LAST = set("笑怒呼声叹问喝思付骂叫哭喜惊略闻听见道说曰答应毕罢了着")
_LEAD_RE = re.compile("^(?:" + "|".join(sorted(_LEAD, key=len, reverse=True)) + ")+(?=..)")
# Words that name a role, not a person: they refer to someone new in every chapter.
ZH_GENERIC = frozenset(
    """众人 大家 二人 两人 三人 四人 那人 此人 一人 有人 他们 我们 你们 她们 咱们 众 众将 众官
    众僧 众猴 众妖 老者 女子 妇人 小厮 丫头 丫鬟 婆子 小妖 和尚 道士 先生 长老 师父 大王 哥哥
    兄弟 娘子 官人 客官 店家 小二 军士 左右 使者 侍者 童子 妖精 妖怪 怪物 老儿 汉子 大汉 军汉
    公差 差人 家人 仆人 众军 众仙 众神 小的 老爷 太太 奶奶 姑娘 小姐 夫人 公子 相公 大人 将军
    丞相 皇帝 天子 陛下 主公 主人 母亲 父亲 孩子 老婆 丈夫 妻子 儿子 女儿 自己 对方 别人 他人
    人家 女人 男人 老人 少年 青年 姑娘们 孩子们 同学 老师 师傅 医生 大夫 主任 书记 队长 司机
    那厮 这厮 那汉 那妇人 那婆子 那道人 那和尚 那怪 这怪 那妖 大众 众位 列位 诸位 他 她 我
    你 个人 弟兄 庄客 喽啰 小喽啰 头领 众头领 好汉 众好汉 军校""".split()
)
_DETERMINER_CHARS = set("那这个众些位")


@cache
def segmenter() -> jieba.Tokenizer:
    """jieba's default tokenizer, initialised once per process (quietly)."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


def _tag_of(word: str) -> str:
    tab: dict[str, str] = jieba.posseg.dt.word_tag_tab
    return tab.get(word, "")


def tag_subjects(text: str, quotes: Sequence[tuple[int, int]]) -> Counter[str]:
    """Subjects of speech tags (行者笑道：“ / ”润生说。) with how often each speaks."""
    seg = segmenter()
    clauses: list[str] = []
    for start, end in quotes:
        window = text[max(0, start - 24) : max(0, start - 1)].rstrip("：:，, \u3000")
        cut = max(window.rfind(ch) for ch in _BOUNDARY) + 1
        head = _PRE_TAG.search(window[cut:])
        if head is not None:
            clauses.append(head.group(1))
        tail = _POST_TAG.match(text, end + 1, min(len(text), end + 24))
        if tail is not None:
            clauses.append(tail.group(1))
    found: Counter[str] = Counter()
    # One segmenter call for all clauses: per-call overhead dominates on short strings.
    tokens = seg.lcut("\n".join(_LEAD_RE.sub("", c) for c in clauses))
    clause: list[str] = []
    for tok in [*tokens, "\n"]:
        if tok != "\n":
            clause.append(tok)
            continue
        subject = _subject(clause)
        if 2 <= len(subject) <= 5 and subject[-1] not in _NOT_LAST:
            found[subject] += 1
        clause = []
    return _fold_verbs(found)


def _fold_verbs(found: Counter[str]) -> Counter[str]:
    """ "行者闻言" is 行者 plus a verb jieba did not know: credit 行者."""
    for name in sorted(found, key=len, reverse=True):
        for cut in range(2, len(name)):
            head = name[:cut]
            if found.get(head, 0) >= max(3, found[name]) and len(name) - cut <= 2:
                found[head] += found.pop(name)
                break
    return found


def _subject(tokens: list[str]) -> str:
    """The leading nominal tokens: names, nouns and words jieba does not know."""
    out: list[str] = []
    for tok in tokens:
        tag = _tag_of(tok)
        if tag and tag[0] not in "nj" and tag not in ("l", "vn") or tok in ZH_GENERIC and out:
            break
        out.append(tok)
    return "".join(out)


def person_tags(
    text: str, windows: Iterable[tuple[int, int]], known: Iterable[str]
) -> Counter[str]:
    """jieba person names (nr*) inside the given windows, after teaching it ``known``."""
    seg = segmenter()
    for name in known:
        if seg.FREQ.get(name, 0) < 100:
            seg.add_word(name, freq=2000, tag="nr")
            jieba.posseg.dt.word_tag_tab[name] = "nr"
    found: Counter[str] = Counter()
    joined = "\n".join(text[start:end] for start, end in windows)
    for tok in seg.lcut(joined):
        # jieba tags some common words nr (言语, 宝贝): a real name is rare in its dictionary
        if len(tok) >= 2 and _tag_of(tok).startswith("nr") and seg.FREQ.get(tok, 0) < 300:
            found[tok] += 1
        elif len(tok) == 3 and tok[0] in SURNAMES and not seg.FREQ.get(tok):
            found[tok] += 1  # a word jieba never saw, surname first: 柳如烟
    return found


def title_forms(text: str, names: Iterable[str]) -> Counter[str]:
    """宝二爷, 林姑娘, 孙大圣: a known name or surname followed by a form of address."""
    heads = {n for n in names if len(n) >= 2} | {n[0] for n in names if len(n) == 3}
    auto = ahocorasick.Automaton()
    for suffix in ZH_TITLE_SUFFIX:
        auto.add_word(suffix, suffix)
    auto.make_automaton()
    found: Counter[str] = Counter()
    for end, suffix in auto.iter_long(text):
        start = end - len(suffix) + 1
        for size in (3, 2, 1):
            head = text[max(0, start - size) : start]
            if len(head) == size and head in heads:
                found[head + suffix] += 1
                break
    return found


def count_names(text: str, names: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Occurrences of each name (longest match) and how many follow 那/这/一个/众.

    Roles take determiners (那老者, 一个妖精); names almost never do.
    """
    auto = ahocorasick.Automaton()
    for name in names:
        auto.add_word(name, name)
    counts: Counter[str] = Counter()
    determined: Counter[str] = Counter()
    if not len(auto):
        return counts, determined
    auto.make_automaton()
    for end, name in auto.iter_long(text):
        counts[name] += 1
        start = end - len(name) + 1
        if start > 0 and text[start - 1] in _DETERMINER_CHARS:
            determined[name] += 1
    return counts, determined


_FUNCTION_CHARS = set(
    "的了着是在把被将与和及或之也又就都而且但却从向对为以于你我他她那这个甚么什唤叫称做"
)
_ROLE_ENDS = ("徒弟", "弟子", "师父", "师兄", "兄弟", "哥哥", "老爷", "大人", "丫头", "小厮")


_NOT_NOMINAL = ("v", "d", "p", "c", "u", "r", "m", "q", "f", "y", "e", "o")


def _nominal(tokens: list[str]) -> bool:
    """再看看 (adverb + verb) and 遣人去请 are actions before a name, not titles."""
    return not any(_tag_of(t).startswith(_NOT_NOMINAL) for t in tokens)


def titles_before(text: str, fulls: Iterable[str], min_count: int = 2) -> set[str]:
    """齐天大圣孙悟空, 弼马温孙悟空: 3-4 characters standing right before a full name, twice.

    Titles that nobody says in a speech tag are found this way; apposition
    (``aliases_zh.appositions``) later decides whether they join the name.
    """
    auto = ahocorasick.Automaton()
    for name in fulls:
        auto.add_word(name, name)
    if not len(auto):
        return set()
    auto.make_automaton()
    found: Counter[str] = Counter()
    for end, name in auto.iter_long(text):
        start = end - len(name) + 1
        for size in (3, 4):
            head = text[max(0, start - size) : start]
            if len(head) == size and all("\u4e00" <= ch <= "\u9fff" for ch in head):
                # 弟猪悟能 before 沙悟净 is a list of names, not a title
                listed = any(f in head for f in fulls if f != name)
                if not _FUNCTION_CHARS & set(head) and head not in fulls and not listed:
                    found[head] += 1
    seg = segmenter()
    kept = {
        h
        for h, n in found.items()
        if n >= min_count and not h.endswith(_ROLE_ENDS) and _nominal(seg.lcut(h))
    }
    # 天大圣 is only the tail of 齐天大圣: keep the longer one
    return {
        h
        for h in kept
        if not any(len(o) > len(h) and o.endswith(h) and found[o] * 5 >= found[h] * 4 for o in kept)
    }
