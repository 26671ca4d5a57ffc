"""What LLM profile calls produced, per character, keyed by what they were asked.

One JSON file per character (``<entity id>.json``) in two places: the run's own
checkpoint folder, written after every call, so an interrupted run does not pay
twice (what it spent before is charged again to its budget and report); and,
read-only, the ``state/profiles`` folder of an earlier extraction, whose answers are
reused for free wherever the material is unchanged (an append, a rerun after the
rules improved). Keys are digests of the full material, not of the trimmed prompt,
so a different budget does not invalidate them; each entry names its model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from characters.extract.state import read_json, write_json

VERSION = 1  # of the prompts: a change that alters the answers bumps it


def digest(*parts: Any) -> str:
    raw = json.dumps([VERSION, *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


class ProfileCache:
    def __init__(self, folder: Path, reuse: Path | None = None) -> None:
        self.folder = folder
        self.reuse = reuse if reuse is not None and reuse.is_dir() else None
        self._mine: dict[str, dict[str, dict[str, Any]]] = {}  # this run's checkpoints
        self._old: dict[str, dict[str, dict[str, Any]]] = {}  # an earlier extraction's
        self._used: dict[str, dict[str, dict[str, Any]]] = {}  # what this run keeps
        self._names: dict[str, str] = {}

    def has(self, entity: str) -> bool:
        """Whether anything was cached for ``entity`` (cheap: no file is read)."""
        if entity in self._mine:
            return bool(self._mine[entity] or self._old[entity])
        return (self.folder / f"{entity}.json").is_file() or (
            self.reuse is not None and (self.reuse / f"{entity}.json").is_file()
        )

    def open(self, entity: str, name: str) -> None:
        self._names[entity] = name
        self._used.setdefault(entity, {})
        if entity not in self._mine:
            self._mine[entity] = _entries(self.folder / f"{entity}.json")
            old = _entries(self.reuse / f"{entity}.json") if self.reuse else {}
            self._old[entity] = {k: v for k, v in old.items() if v.get("source") == "llm"}

    def get(
        self, entity: str, key: str, model: str | None = None
    ) -> tuple[dict[str, Any] | None, str]:
        """(entry, where from: "resumed" | "reused" | "") for ``key``, written by ``model``
        (any model when None: no LLM now, what was paid for is better than nothing)."""
        hit = self._mine[entity].get(key)
        if hit is not None and model in (None, hit.get("model")):
            self._used[entity][key] = hit
            return hit, "resumed"
        hit = self._old[entity].get(key)
        if hit is not None and model in (None, hit.get("model")):
            kept = {**hit, "run_tokens": 0}  # paid for by an earlier run
            self._used[entity][key] = kept
            return kept, "reused"
        return None, ""

    def put(self, entity: str, key: str, entry: dict[str, Any]) -> None:
        """Record a call's result and checkpoint the character's file at once."""
        entry = {**entry, "run_tokens": entry.get("tokens", 0)}
        self._mine[entity][key] = entry
        self._used[entity][key] = entry
        self.save(entity)

    def save(self, entity: str, *, final: bool = False) -> None:
        """Checkpoint (every entry of this run) or, at the end, only what the run used."""
        entries = self._used[entity] if final else {**self._mine[entity], **self._used[entity]}
        self.folder.mkdir(parents=True, exist_ok=True)
        body = {"entity": entity, "name": self._names.get(entity, ""), "version": VERSION,
                "entries": entries}  # fmt: skip
        write_json(self.folder / f"{entity}.json", body)

    def finish(self, target: Path | None = None) -> None:
        """Leave only the entries this run used, in ``target`` too when given (the state)."""
        for entity, used in self._used.items():
            if used:
                self.save(entity, final=True)
        if target is not None and target.resolve() != self.folder.resolve():
            target.mkdir(parents=True, exist_ok=True)
            for entity, used in self._used.items():
                if used:
                    write_json(target / f"{entity}.json", read_json(self.folder / f"{entity}.json"))


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    try:
        raw = read_json(path)
    except (OSError, ValueError):
        return {}  # a damaged checkpoint costs a call, not the run
    entries = raw.get("entries") if isinstance(raw, dict) else None
    return {k: v for k, v in entries.items() if isinstance(v, dict)} if entries else {}
