"""Sentence meaning as vectors: all-mpnet-base-v2, run with numpy from weights shipped in the package.

Words alone cannot tell that "a boy I taught five years ago messaged me" is about ex-pupils, or that
"how often should someone check the school page" is answered by "accounts must be monitored
regularly". A sentence-embedding model can, and fused with the word ranking it lifts unseen questions
(docs/matching.md has the figures; this twelve-layer model ranks 4 to 11 points better than the
six-layer all-MiniLM-L6-v2 the bot used before).

Why numpy and not PyTorch: the package index's copy of these weights is meant for PyTorch, 4 GB with
its CUDA libraries, for what is twelve matrix layers. `tools/pack_mpnet.py` stores the layers' weights
as int8 with a scale per row and the word embeddings as 4 bits (102 MB); this module turns the layers
back into float32 when first used (about 340 MB of memory), so a CLI call that never needs meaning
never pays for it. Words become the model's tokens in `wordpiece.py`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
from collections import OrderedDict
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np

from bot.cache_folder import cache_folder
from bot.matching import unpacked
from bot.matching.wordpiece import WordPiece

# Part of every cached vector's key (vectors.py): vectors another packing of the weights gave are encoded again
MODEL_NAME = "all-mpnet-base-v2 int8, words 4-bit"
_MODEL_DIR = "model"
# Biases, layer norms, position embeddings and the int8 matrices' scales, end to end in one float32 array,
# and each one's name and shape in order: one read instead of 128 (an .npz parses a header per array,
# 15 to 30 ms of the start while the index is built beside it).
_FLOATS = "mpnet-float.npy"
_FLOAT_LAYOUT = "mpnet-float.json"
# The word embeddings, 4-bit in groups of 32 (tools/pack_mpnet.py): two values a byte, and each group's
# step and least value as float16
_WORDS = "mpnet-word.npy"
_WORD_GROUPS = "mpnet-word-groups.npy"
# Each layer's int8 matrices, stacked by shape across the layers in `mpnet-<group>.npy` (pack_mpnet.py)
MATRIX_GROUPS = {
    "attention": ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o"),
    "intermediate": ("intermediate.dense",),
    "output": ("output.dense",),
}
_TOKENIZER = "tokenizer.json"
LAYERS = 12
_HEADS = 12
DIMENSIONS = 768
_PAD = 1  # MPNet's padding token; real tokens' positions count from the one after it
_BUCKETS = 32  # relative-position buckets of the attention bias
MAX_TOKENS = 256  # a 500-character question is well under this; long clauses are cut
_BATCH = 16
# How long a question waits for the model when every core is already encoding (a burst: a whole staff
# training asking at once) before it is answered by words alone. Slack wants its answer within 3 s;
# with the model taking about 80 ms of a core per question, a queue soon costs more than that.
QUESTION_WAIT = 0.5
_RECENT_QUESTIONS = 1024  # vectors of the latest questions kept (3 KB each)


class Encoder:
    """Text -> unit-length 768-dimensional vectors (cosine similarity is then a dot product)."""

    def __init__(self) -> None:
        from threadpoolctl import threadpool_limits

        # One BLAS thread for the whole process. A question is a handful of small matrix products: a
        # second thread saves little, and when other processes keep the cores busy, OpenBLAS's threads
        # spin waiting on each other (benchmarks/matching.py --busy 2). Bulk encoding too: two threads
        # were 1.6x faster on an idle machine but up to 8x slower on a loaded one.
        threadpool_limits(limits=1, user_api="blas")

        folder = resources.files("bot.matching") / _MODEL_DIR
        self._w = _read_weights(folder)
        self._tokenizer = WordPiece((folder / _TOKENIZER).read_text(encoding="utf-8"), MAX_TOKENS)
        self._cores = threading.BoundedSemaphore(os.cpu_count() or 1)  # questions encoded at once
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    def encode_question(self, text: str, wait: float = QUESTION_WAIT) -> np.ndarray | None:
        """The question's vector, or None if every core stayed busy with other questions for `wait`
        seconds: the caller then answers by words alone rather than keep the person waiting. A question
        asked lately is not encoded again: in a burst (a staff training trying the same example)
        most questions are repeats."""
        with self._recent_lock:
            if text in self._recent:
                self._recent.move_to_end(text)
                return self._recent[text]
        if not self._cores.acquire(timeout=wait):
            return None
        try:
            vector = self.encode([text])[0]
        finally:
            self._cores.release()
        vector.setflags(write=False)  # shared by every caller asking the same
        with self._recent_lock:
            self._recent[text] = vector
            if len(self._recent) > _RECENT_QUESTIONS:
                self._recent.popitem(last=False)
        return vector

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batch similar lengths together
        for start in range(0, len(order), _BATCH):
            chosen = order[start : start + _BATCH]
            out[chosen] = self._forward([self._tokenizer.ids(texts[i]) for i in chosen])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w = self._w
        n = max(len(ids) for ids in batch)
        ids = np.full((len(batch), n), _PAD, dtype=np.int64)
        mask = np.zeros((len(batch), n), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        positions = w["embeddings.position_embeddings.weight"][_PAD + 1 : _PAD + 1 + n]
        x = _layer_norm(embed_words(w, ids) + positions, w, "embeddings.LayerNorm")
        # Every layer adds the same bias by relative position, and padding is never attended to.
        bias = _position_bias(w, n)[None] + (1.0 - mask)[:, None, None, :] * -1e9
        size = DIMENSIONS // _HEADS
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(len(batch), n, _HEADS, size).transpose(0, 2, 1, 3)

            q = heads(_linear(x, w, p + "attention.attn.q"))
            k = heads(_linear(x, w, p + "attention.attn.k"))
            v = heads(_linear(x, w, p + "attention.attn.v"))
            scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(size)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(len(batch), n, DIMENSIONS)
            x = _layer_norm(x + _linear(context, w, p + "attention.attn.o"), w, p + "attention.LayerNorm")
            h = _linear(x, w, p + "intermediate.dense")
            # GELU, tanh form. h * h * h, not h**3: numpy's float32 power calls powf per element, which
            # made this one line three quarters of a question's cost.
            h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * (h * h * h))))
            x = _layer_norm(x + _linear(h, w, p + "output.dense"), w, p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)  # mean over real tokens
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _position_bias(w: dict[str, np.ndarray], n: int) -> np.ndarray:
    """(heads, n, n): MPNet's learnt attention bias for each distance between two tokens, in buckets
    that are exact for near tokens and logarithmic up to 128 apart (as T5's)."""
    distance = np.arange(n)[None, :] - np.arange(n)[:, None]
    half = _BUCKETS // 2
    exact = half // 2
    bucket = np.where(distance > 0, half, 0)  # keys after the query take the upper half of the buckets
    far = np.abs(distance)
    logarithmic = exact + (
        np.log(np.maximum(far, 1) / exact) / math.log(128 / exact) * (half - exact)
    ).astype(np.int64)
    bucket = bucket + np.where(far < exact, far, np.minimum(logarithmic, half - 1))
    return w["encoder.relative_attention_bias.weight"][bucket].transpose(2, 0, 1)


def stacked_names(group: str) -> list[str]:
    """The weights stacked in `mpnet-<group>.npy`, in their order: layer by layer, part by part."""
    return [f"encoder.layer.{layer}.{part}.weight" for layer in range(LAYERS) for part in MATRIX_GROUPS[group]]


def _read_weights(folder: Traversable) -> dict[str, np.ndarray]:
    """The weights as `_forward` uses them. The layers' matrices come in three stacks, each mapped from
    the unpacked copy an earlier start kept (unpacked.py), else read in one go and turned into float32
    with one multiplication: numpy lets go of the interpreter during each, so the index is built beside
    it, but takes it back between calls, and a call per matrix made the load wait on the other
    thread's Python a hundred times. The word embeddings stay 4-bit: a question looks up a handful."""
    w = read_floats(folder)
    with resources.as_file(folder / _WORDS) as path:
        w["word.q"] = np.load(path, mmap_mode="r")  # a question reads a handful of its rows
    with resources.as_file(folder / _WORD_GROUPS) as path:
        w["word.groups"] = np.load(path, mmap_mode="r")
    kept = cache_folder()
    for group in MATRIX_GROUPS:
        with resources.as_file(folder / f"mpnet-{group}.npy") as path:
            stack = unpacked.layers(path, w.pop(f"{group}.scale"), f"mpnet-{group}", kept)
        w.update(zip(stacked_names(group), stack, strict=True))  # views of the stack: (in, out) each
    return w


def read_floats(folder: Traversable) -> dict[str, np.ndarray]:
    """The float32 weights by name: views of the one array `tools/pack_mpnet.py` wrote them into."""
    layout = json.loads((folder / _FLOAT_LAYOUT).read_text(encoding="utf-8"))
    with resources.as_file(folder / _FLOATS) as path:
        flat = np.load(path, allow_pickle=False)
    if flat.dtype != np.float32 or flat.ndim != 1:
        raise ValueError(f"{_FLOATS} holds {flat.dtype} values in {flat.ndim} dimensions, not a float32 list")
    weights: dict[str, np.ndarray] = {}
    start = 0
    for name, shape in layout:
        size = math.prod(shape)
        if name in weights or start + size > flat.size:
            raise ValueError(f"{_FLOAT_LAYOUT} names {name} twice or past the end of {_FLOATS}")
        weights[name] = flat[start : start + size].reshape(shape)
        start += size
    if start != flat.size:
        raise ValueError(f"{_FLOATS} holds {flat.size} values, its layout {start}")
    return weights


def int8_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 values and one float32 scale per row, shape (rows, 1): how the weights are packed
    (tools/pack_mpnet.py) and how the vector caches are kept (vectors.py)."""
    scale = np.abs(matrix).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.round(matrix / scale).astype(np.int8), scale.astype(np.float32)


def uint4_groups(matrix: np.ndarray, group: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's groups of `group` values as 4-bit steps from the group's least value, two a byte (low
    nibble first), and per group (step, least value) as float16, as `embed_words` turns them back."""
    rows, columns = matrix.shape
    grouped = matrix.astype(np.float32).reshape(rows, columns // group, group)
    low = grouped.min(axis=-1, keepdims=True).astype(np.float16)
    step = ((grouped.max(axis=-1, keepdims=True) - low) / 15).astype(np.float16)
    step[step == 0] = 1.0  # a group of equal values: any step gives them back
    if not (np.isfinite(low).all() and np.isfinite(step).all() and (step > 0).all()):
        # Beyond float16's range, or a spread finer than float16 can tell apart at that size
        raise ValueError("these values cannot be packed as 4-bit steps with float16 steps and least values")
    steps = np.clip(np.round((grouped - low.astype(np.float32)) / step.astype(np.float32)), 0, 15)
    steps = steps.astype(np.uint8).reshape(rows, columns)
    packed = steps[:, 0::2] | (steps[:, 1::2] << 4)
    return packed, np.concatenate([step, low], axis=-1)


def embed_words(w: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    packed = w["word.q"][ids]
    steps = np.empty((*packed.shape[:-1], packed.shape[-1] * 2), dtype=np.float32)
    steps[..., 0::2] = packed & 0x0F
    steps[..., 1::2] = packed >> 4
    groups = w["word.groups"][ids].astype(np.float32)  # (..., groups, [step, least value])
    grouped = steps.reshape(*groups.shape[:-1], steps.shape[-1] // groups.shape[-2]) * groups[..., :1] + groups[..., 1:]
    return grouped.reshape(steps.shape)


def _linear(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    return x @ w[name + ".weight"] + w[name + ".bias"]


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * w[name + ".weight"] + w[name + ".bias"]


_loading = threading.Lock()
_loaded: list[Encoder] = []


def encoder() -> Encoder:
    """The one encoder of this process, loaded on first use (about 0.2 s on a quiet machine)."""
    if not _loaded:
        with _loading:  # two threads asking at once get one model
            if not _loaded:
                _loaded.append(Encoder())
    return _loaded[0]


def load_in_background() -> None:
    """Start loading the encoder, if not loaded yet, while the caller does other work (numpy reads and
    unpacks the weights without the GIL); `encoder()` then waits for it, and raises if it failed."""
    if _loaded:
        return

    def load() -> None:
        with contextlib.suppress(Exception):  # encoder() raises it again where the model is needed
            encoder()

    threading.Thread(target=load, name="load-encoder", daemon=True).start()
