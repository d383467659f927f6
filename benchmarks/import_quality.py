"""How good is an imported, unedited draft? Imports the five policy texts and measures them.

Prints, per school, the share of curated clauses the import reproduces with the same text, and of
those the share whose guessed stance is the curators' (docs/load-your-policy.md, `stance`); then
`policybot eval`'s figures on the dev questions for three knowledge bases: the curated one, the
imported drafts as they come (no example questions, draft answers), and the drafts re-imported
over the curated files (what a school has after its first review, when the policy is re-imported).

    python benchmarks/import_quality.py [QUESTIONS.jsonl]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from bot.answers import PolicyBook
from bot.evaluation import Report, evaluate, read_cases
from bot.knowledge.importing.draft import make_draft, write_draft
from bot.knowledge.loader import default_knowledge_dir, load_file
from bot.knowledge.source_text import fold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCHOOLS = ["dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling"]


def import_all(target: Path, keep_reviewed: bool) -> list[tuple[str, int, int, int]]:
    """Import every policy text into `target`; (school, curated clauses found, curated clauses, found
    clauses whose stance is the curators')."""
    curated_dir = default_knowledge_dir()
    target.mkdir(parents=True)
    shutil.copy(curated_dir / "vocabulary.yaml", target)
    rows = []
    for school in SCHOOLS:
        curated_path = curated_dir / f"{school}.yaml"
        previous = yaml.safe_load(curated_path.read_text(encoding="utf-8")) if keep_reviewed else None
        policy = SHARED / "policies" / f"{school}.txt"
        draft = make_draft(policy, school, previous=previous)
        write_draft(draft, policy, target / f"{school}.yaml", force=False)
        imported = {fold(c["text"]): c["stance"] for c in draft.clauses}
        curated = load_file(curated_path).clauses
        found = [c for c in curated if fold(c.text) in imported]
        same = sum(imported[fold(c.text)] == c.stance.value for c in found)
        rows.append((school, len(found), len(curated), same))
    return rows


def _line(label: str, report: Report) -> str:
    return (
        f"| {label} | {report.top1:.1%} | {report.top3:.1%} | {report.declined:.1%} | {report.answered_in_scope:.1%} |"
    )


def main(questions: Path) -> int:
    cases = read_cases(questions.read_text(encoding="utf-8").splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        drafts, reimported = Path(tmp) / "drafts", Path(tmp) / "reimported"
        rows = import_all(drafts, keep_reviewed=False)
        import_all(reimported, keep_reviewed=True)
        print("| school | curated clauses imported with the same text | of those, with the curators' stance |")
        print("|---|---|---|")
        for school, found, total, same in [*rows, ("all five", *(sum(r[i] for r in rows) for i in (1, 2, 3)))]:
            print(f"| {school} | {found}/{total} ({found / total:.1%}) | {same}/{found} ({same / found:.1%}) |")
        print()
        print(f"`policybot eval {questions.name}`\n")
        print("| knowledge base | top-1 | top-3 | out-of-scope declined | in-scope answered |")
        print("|---|---|---|---|---|")
        print(_line("curated (reviewed by people)", evaluate(PolicyBook(default_knowledge_dir()), cases)))
        print(_line("imported drafts, unedited", evaluate(PolicyBook(drafts, keep_copies=False), cases)))
        print(_line("re-imported over the reviewed files", evaluate(PolicyBook(reimported, keep_copies=False), cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "eval" / "dev_questions.jsonl"))
