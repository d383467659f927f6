"""Answer quality on the unseen question sets, per style, for curated and imported knowledge bases.

Three knowledge bases, each asked exactly as `policybot ask --batch --json` asks:

- curated: the bundled knowledge folder;
- loo: leave one school out. For each of the five schools, a folder holding `vocabulary.yaml`, the
  other four curated files and that school's policy run through `kb import` and left unedited;
- decoy: the five curated files plus a sixth school's policy on another template, imported and
  unedited (needs ../shared/policies-extra/decoy-primary.txt, which is never committed).

    python benchmarks/quality.py [--split tune|check|fresh|all] [--mode curated,loo,decoy] [--misses N]

The question sets live in benchmarks/data/ (see its README): written from the policy texts alone by
people who never saw the knowledge base, with a `split` of `tune` or `check`. Tune on `tune`;
report `check`. `--split fresh` reads the later set `fresh-*.jsonl`, written after the design was
settled and never tuned on.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bot.answers import PolicyBook
from bot.evaluation import Case, Outcome, Report, evaluate
from bot.knowledge.importing.draft import make_draft, write_draft
from bot.knowledge.loader import default_knowledge_dir, load_vocabulary
from bot.matching.vectors import cache_path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = REPO / "benchmarks" / "data"
VECTOR_CACHE = REPO / "benchmarks" / ".cache" / "vectors"  # drafts' sentence vectors between runs
CURATED = ["dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling"]
DECOY = "decoy-primary"
STYLES = ["plain", "slang", "typo", "long", "indirect", "role"]


def read_set(split: str, files: list[Path]) -> dict[str, list[tuple[Case, str]]]:
    """Questions by school, each with its style."""
    by_school: dict[str, list[tuple[Case, str]]] = defaultdict(list)
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if split != "all" and item.get("split", split) != split:
                continue
            case = Case(item["id"], item["school"], item["question"], tuple(item["gold"]))
            by_school[item["school"]].append((case, item.get("style", "plain")))
    return by_school


def policy_path(school: str) -> Path:
    if school == DECOY:
        return SHARED / "policies-extra" / f"{school}.txt"
    return SHARED / "policies" / f"{school}.txt"


def imported_folder(root: Path, school: str, donors: list[str]) -> Path:
    """A knowledge folder as a new school has it: the donors' curated files and its own unedited draft."""
    curated = default_knowledge_dir()
    folder = root / school
    (folder / "sources").mkdir(parents=True)
    shutil.copy(curated / "vocabulary.yaml", folder)
    for donor in donors:
        shutil.copy(curated / f"{donor}.yaml", folder)
    draft = make_draft(policy_path(school), school)
    write_draft(draft, policy_path(school), folder / f"{school}.yaml", force=False)
    load_vocabulary.cache_clear()
    # Sentence vectors are keyed by each sentence's hash, so an earlier run's are safe to start from.
    kept = VECTOR_CACHE / f"{school}.npz"
    if kept.exists():
        cache_path(folder, school).parent.mkdir(exist_ok=True)
        shutil.copy(kept, cache_path(folder, school))
    return folder


def keep_vectors(folder: Path, school: str) -> None:
    if cache_path(folder, school).exists():
        VECTOR_CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache_path(folder, school), VECTOR_CACHE / f"{school}.npz")


def run(book: PolicyBook, cases: list[tuple[Case, str]]) -> list[tuple[Outcome, str]]:
    report = evaluate(book, [c for c, _ in cases])
    return list(zip(report.outcomes, [s for _, s in cases], strict=True))


def table(label: str, rows: list[tuple[Outcome, str]]) -> None:
    print(f"\n### {label}\n")
    print("| style | n | top-1 | top-3 | out-of-scope declined | in-scope answered | confident answers right |")
    print("|---|---|---|---|---|---|---|")
    for style in [*STYLES, "all"]:
        picked = [o for o, s in rows if style in ("all", s)]
        if not picked:
            continue
        report = Report(picked)
        confident = [o for o in picked if o.answered]
        right = sum(o.case.in_scope and o.rank_of_hit == 1 for o in confident)
        precision = f"{right / len(confident):.1%}" if confident else "-"
        print(
            f"| {style} | {len(picked)} | {report.top1:.1%} | {report.top3:.1%} | {report.declined:.1%} | "
            f"{report.answered_in_scope:.1%} | {precision} |"
        )


def show_misses(rows: list[tuple[Outcome, str]], limit: int) -> None:
    misses = [(o, s) for o, s in rows if not o.ok or (o.case.in_scope and not o.answered)]
    for outcome, style in misses[:limit]:
        case = outcome.case
        what = "answered, should decline" if not case.in_scope else f"rank {outcome.rank_of_hit}"
        flag = "answered" if outcome.answered else "declined"
        print(f"  {case.id} [{style}] {flag}: {case.question!r} -> {what}; got {outcome.clause_ids[:1]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "check", "fresh", "all"], default="check")
    parser.add_argument("--mode", default="curated,loo,decoy")
    parser.add_argument("--misses", type=int, default=0, help="print up to N misses per knowledge base")
    parser.add_argument("files", nargs="*", type=Path, help="question files (default: benchmarks/data/unseen-*.jsonl)")
    args = parser.parse_args()
    default = "fresh-*.jsonl" if args.split == "fresh" else "unseen-*.jsonl"
    questions = read_set(args.split, args.files or sorted(DATA.glob(default)))
    modes = args.mode.split(",")
    print(f"Question split: {args.split}")
    if "curated" in modes:
        rows = [r for school in CURATED for r in run(PolicyBook(default_knowledge_dir()), questions[school])]
        table("curated knowledge base", rows)
        show_misses(rows, args.misses)
    with tempfile.TemporaryDirectory() as tmp:
        if "loo" in modes:
            rows = []
            for school in CURATED:
                folder = imported_folder(Path(tmp) / "loo", school, [s for s in CURATED if s != school])
                rows += run(PolicyBook(folder, keep_copies=False), questions[school])
                keep_vectors(folder, school)
            table("imported and unedited, leave one school out", rows)
            show_misses(rows, args.misses)
        if "decoy" in modes and policy_path(DECOY).exists() and questions.get(DECOY):
            folder = imported_folder(Path(tmp) / "decoy", DECOY, CURATED)
            rows = run(PolicyBook(folder, keep_copies=False), questions[DECOY])
            keep_vectors(folder, DECOY)
            table("another template (decoy-primary), imported and unedited", rows)
            show_misses(rows, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
