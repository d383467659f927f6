"""How often the verdict headline fits the quoted clause, on every confident answer to the unseen questions.

    python benchmarks/verdicts.py [--split tune|check|fresh|all] [--to-judge FILE] [--show weak,contradicts]

Asks every question of `benchmarks/data/unseen-*.jsonl` (`--split fresh`: `fresh-*.jsonl`) as
`quality.py` does (curated files, leave-one-out drafts, the other template) and, for each confident
answer, looks up the judgement in `benchmarks/data/verdicts-judged.jsonl`: helpers who saw only the
question, the headline, the answer line and the quoted clause judged whether the headline `agrees`
with the clause for that question, `contradicts` it, `flattens` an exception or condition that
matters, is `weak` (not wrong, not the best reading), or whether the clause is the `wrong_clause`. A
judgement belongs to exactly what was shown (a digest of headline, clause and answer line): an answer
shown differently since is counted as not judged, and `--to-judge FILE` writes those for a new round
of judging. `--show KINDS` prints the answers judged so, with the judge's reason.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from quality import CURATED, DATA, DECOY, imported_folder, policy_path, read_set

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir
from bot.render.wording import verdict_parts

JUDGED = DATA / "verdicts-judged.jsonl"
KINDS = ("agrees", "contradicts", "flattens", "weak", "wrong_clause")


def shown(verdict: str, clause_text: str, answer_line: str) -> str:
    return hashlib.sha1("\n".join([verdict, clause_text, answer_line]).encode()).hexdigest()[:16]


def answered(mode: str, book: PolicyBook, school: str, cases: list) -> list[dict[str, str]]:
    out = []
    for case, _style in cases:
        answer = book.ask(school, case.question)
        if answer.answered and answer.best is not None:
            clause = answer.best.clause
            # what staff read: the label and the line after it as the chat and the CLI render them
            label, line = verdict_parts(clause, answer.verdict_label, answer.verdict_line or clause.answer)
            out.append(
                {
                    "item": f"{mode}:{case.id}",
                    "mode": mode,
                    "question": case.question,
                    "verdict": label,
                    "answer_line": line,
                    "clause_text": clause.text,
                    "shown": shown(label, clause.text, line),
                }
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "check", "fresh", "all"], default="check")
    parser.add_argument("--to-judge", type=Path, help="write the answers no judgement covers to FILE")
    parser.add_argument("--show", default="", help="print the answers judged so (comma-separated kinds)")
    args = parser.parse_args()
    pattern = "fresh-*.jsonl" if args.split == "fresh" else "unseen-*.jsonl"
    questions = read_set(args.split, sorted(DATA.glob(pattern)))
    judged = {}
    reasons = {}
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        judged[(row["item"], row["shown"])] = row["judgement"]
        reasons[(row["item"], row["shown"])] = row.get("why", "")
    items = []
    curated = PolicyBook(default_knowledge_dir())
    for school in CURATED:
        items += answered("curated", curated, school, questions[school])
    with tempfile.TemporaryDirectory() as tmp:
        for school in CURATED:
            folder = imported_folder(Path(tmp) / "loo", school, [s for s in CURATED if s != school])
            items += answered("draft", PolicyBook(folder, keep_copies=False), school, questions[school])
        if policy_path(DECOY).exists() and questions.get(DECOY):
            folder = imported_folder(Path(tmp) / "decoy", DECOY, CURATED)
            items += answered("other-template", PolicyBook(folder, keep_copies=False), DECOY, questions[DECOY])

    print(f"Question split: {args.split}\n")
    print("| knowledge base | confident answers | agrees | contradicts | flattens | weak | wrong clause | not judged |")
    print("|---|---|---|---|---|---|---|---|")
    unjudged = []
    for mode in ("curated", "draft", "other-template", "all"):
        picked = [i for i in items if mode in ("all", i["mode"])]
        counts = Counter(judged.get((i["item"], i["shown"]), "not judged") for i in picked)
        unjudged += [i for i in picked if mode != "all" and (i["item"], i["shown"]) not in judged]
        n = len(picked) or 1
        cells = " | ".join(f"{counts[k] / n:.1%}" for k in KINDS)
        print(f"| {mode} | {len(picked)} | {cells} | {counts['not judged']} |")
    show = set(filter(None, args.show.split(",")))
    for i in items:
        kind = judged.get((i["item"], i["shown"]), "not judged")
        if kind in show:
            print(f"\n{i['item']} [{kind}] {i['question']}\n  {i['verdict']}: {i['answer_line']}")
            print(f"  clause: {i['clause_text'][:300]}\n  why: {reasons.get((i['item'], i['shown']), '')}")
    if args.to_judge:
        with args.to_judge.open("w", encoding="utf-8") as out:
            for item in unjudged:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"\n{len(unjudged)} answers to judge written to {args.to_judge}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
