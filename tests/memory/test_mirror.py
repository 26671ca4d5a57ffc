"""The mirror's indexes of facts and chat summaries follow every put, edit and drop."""

from __future__ import annotations

from memory.items import MemoryItem
from memory.mirror import ReaderMirror


def item(item_id: str, kind: str, chat: str = "c1", seq: int = 0) -> MemoryItem:
    return MemoryItem(
        id=item_id, kind=kind, text=item_id, reader_id="r", card_id="k", chat_id=chat, seq=seq
    )  # type: ignore[arg-type]


def test_facts_and_chat_follow_puts_and_drops() -> None:
    mirror = ReaderMirror([item("t2", "turn", seq=2), item("t1", "turn", seq=1)], 0)
    mirror.put(item("f1", "fact"))
    mirror.put(item("s1", "summary"))
    mirror.put(item("s2", "summary", chat="c2"))
    assert [i.id for i in mirror.facts()] == ["f1"]
    assert [i.id for i in mirror.chat("c1")] == ["t1", "t2", "s1"]
    mirror.put(item("f1", "fact").with_(text="edited"))
    assert [i.text for i in mirror.facts()] == ["edited"]
    mirror.drop("f1")
    mirror.drop("s1")
    mirror.drop("t1")
    assert mirror.facts() == [] and [i.id for i in mirror.chat("c1")] == ["t2"]
    assert [i.id for i in mirror.chat("c2")] == ["s2"]
