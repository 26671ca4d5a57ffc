"""Anachronisms: words for things the character's world does not have yet.

The card's ``work.era`` is free text ("ancient China, mythic", "Victorian
London, 1890s", "仙侠, ancient"); ``parse_era`` turns it into the latest year
the world knows, or None for a present-day or future setting (nothing to check).
Each lexicon entry is a surface form with the year it became ordinary speech,
and the languages it is checked in: English loanwords such as "OK" sound wrong
in a Chinese classic long after they were usual in English.

A term the reader used is never flagged: a character may puzzle over a word
the reader brought up ("手……机？是什么宝贝？").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from roleplay.consistency.report import Problem

# (terms separated by "|", spellings of one term by "/", year it became ordinary,
#  languages: "zh", "en" or "*"). "~word" only exempts: "plane" said by the reader
#  lets the character puzzle over an "aeroplane", but "plane" itself is old.
_LEXICON: list[tuple[str, int, str]] = [
    ("手机/智能手机/移动电话/大哥大", 1990, "zh"),
    ("互联网|因特网|上网|网站|网址|网页|网购|网友|网络游戏|网游|网红|网民", 1995, "zh"),
    ("电脑/计算机/笔记本电脑/平板电脑|电子邮件/邮箱地址|软件|硬件|程序员|编程", 1980, "zh"),
    ("微信|微博|抖音|支付宝|淘宝|朋友圈|二维码|扫码|短视频|直播间|点赞|自拍|表情包", 2010, "zh"),
    ("充电宝|充电器|耳机|U盘|硬盘|芯片|APP", 2000, "zh"),
    (
        "电视|电视机|收音机|录音机|冰箱|空调|洗衣机|电梯|电灯|电话|电报|电影|照相机|拍照|照片",
        1900,
        "zh",
    ),
    (
        "汽车|火车|地铁|高铁|飞机|机场|轮船|摩托车|公交车|出租车|打车|坦克|导弹|原子弹|卫星",
        1900,
        "zh",
    ),
    (
        "人工智能|机器人|外星人|克隆|基因|病毒|细菌|维生素|卡路里|咖啡|巧克力|可乐|汉堡|披萨|薯条",
        1900,
        "zh",
    ),
    ("科学家|经济学|心理学|总统|警察局|公务员|上班族|加班|工资", 1910, "zh"),
    ("沙发|马桶|牙膏|钢笔|手表|塑料|水泥|自行车", 1900, "zh"),
    ("分钟|秒钟|星期|周末|公里|厘米|公斤|摄氏", 1900, "zh"),
    ("OK/okay|拜拜|哈喽|嗨喽|哇塞|酷毙|帅呆", 1980, "zh"),
    (
        "老铁|给力|yyds|YYDS|emo|破防|内卷|躺平|打卡|吐槽|666|凡尔赛|社恐|社牛|打工人|佛系",
        2010,
        "zh",
    ),
    ("WiFi/Wi-Fi/无线网|Bluetooth/蓝牙|iPhone|Android|Google|Facebook", 2000, "*"),
    ("smartphone/cell phone/cellphone/mobile phone|text message/texting|selfie|emoji", 2000, "en"),
    ("internet|online|website/web page|email/e-mail|laptop|download|upload|podcast", 1995, "en"),
    ("computer|software|television/tv|video|robot|astronaut|nuclear|atomic bomb", 1945, "en"),
    (
        "airplane/aeroplane/~plane|helicopter|radio|movie/movies/cinema|automobile/~car|fridge",
        1905,
        "en",
    ),
    (
        "teenager|teenagers|weekend getaway|plastic bag|credit card|supermarket|traffic light",
        1930,
        "en",
    ),
    (
        "telephone|phonograph|photograph|photography|railway|train station|steamship|telegraph",
        1840,
        "en",
    ),
    ("okay/ok|cool dude|awesome sauce|lol|omg", 1930, "en"),
]

# Settings named by words rather than years. Checked in order; the first hit wins.
_ERA_WORDS: list[tuple[str, int | None]] = [
    (r"future|sci-?fi|cyberpunk|科幻|未来|星际|赛博", None),
    (r"present|contemporary|modern[- ]day|today|现代|当代|都市|校园|职场", None),
    (r"民国|republican china", 1935),
    (r"victorian|维多利亚", 1895),
    (r"regency|georgian|摄政", 1815),
    (r"清朝|清代|晚清|qing", 1850),
    (r"明朝|明代|ming", 1600),
    (r"medieval|middle ages|中世纪", 1400),
    (
        r"ancient|mythic|myth|legend|immortal|xianxia|wuxia|cultivation|古代|古典|上古|神话|"
        r"仙侠|修仙|修真|武侠|玄幻|仙|汉|唐|宋|元|三国|战国|春秋|秦",
        1000,
    ),
]
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})s?")
_CENTURY = re.compile(r"(\d{1,2})(st|nd|rd|th)[- ]century|(\d{1,2})世纪")


@dataclass(frozen=True, slots=True)
class Era:
    label: str
    year: int | None  # the latest year the world knows; None: no anachronism check


def parse_era(text: str) -> Era:
    """The latest year a work's setting knows, read from its free-text ``era``."""
    lowered = text.lower()
    # "1890s" is the whole decade.
    years = [
        int(m.group(1)) + (9 if m.group(0).endswith("s") else 0) for m in _YEAR.finditer(lowered)
    ]
    if years:
        return Era(text, max(years))
    century = _CENTURY.search(lowered)
    if century:
        number = int(century.group(1) or century.group(3))
        return Era(text, number * 100 - 1 if number < 21 else None)
    for pattern, year in _ERA_WORDS:
        if re.search(pattern, lowered):
            return Era(text, year)
    return Era(text, None)


@dataclass(frozen=True, slots=True)
class _Term:
    surface: str
    year: int
    ascii: bool
    spellings: tuple[str, ...]  # any of them in the reader's words exempts the term


class AnachronismLexicon:
    """An Aho–Corasick automaton over the terms that are anachronistic for one era."""

    def __init__(self, era: Era, language: str) -> None:
        self.era = era
        self._automaton: ahocorasick.Automaton | None = None
        if era.year is None:
            return
        automaton = ahocorasick.Automaton()
        lang = "zh" if language.startswith("zh") else "en"
        for terms, year, langs in _LEXICON:
            if year <= era.year or (langs != "*" and langs != lang):
                continue
            for term in terms.split("|"):
                spellings = tuple(_squash(x) for x in term.split("/"))
                for surface in (x for x in term.split("/") if not x.startswith("~")):
                    key = surface.lower()
                    automaton.add_word(key, _Term(surface, year, key.isascii(), spellings))
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, reply: str, user_text: str = "") -> list[Problem]:
        if self._automaton is None:
            return []
        text, heard = reply.lower(), _squash(user_text)
        found: dict[str, Problem] = {}
        for end, term in self._automaton.iter_long(text):
            start = end - len(term.surface) + 1
            if term.ascii and not _word_bounded(text, start, end):
                continue
            key = term.surface.lower()
            if key in found or any(x in heard for x in term.spellings):
                continue
            said = reply[start : end + 1]
            found[key] = Problem(
                "anachronism",
                said,
                f"'{said}' belongs to around {term.year} or later; "
                f"the story is set in {self.era.label}",
                checker="era",
            )
        return list(found.values())


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end + 1] if end + 1 < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _squash(text: str) -> str:
    """ "E-mail", "e mail" and "email" are one word when matching what the reader said."""
    return "".join(c for c in text.lower() if c.isalnum())
