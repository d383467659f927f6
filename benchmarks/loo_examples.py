"""Leave-one-out check of a school's example questions: a curator's aid, not a test.

For each example question, the clause's other examples stay in the index and this one is asked as
a fresh question. Prints the examples whose own clause does not come first: either the clause
needs more varied examples, or the example belongs to (or is also answered by) another clause.

    python benchmarks/loo_examples.py SCHOOL_ID
"""

from __future__ import annotations

import sys

from bot.knowledge.loader import default_knowledge_dir, load_file, load_vocabulary
from bot.knowledge.models import KnowledgeFile
from bot.matching.index import ClauseIndex


def main(school_id: str) -> int:
    directory = default_knowledge_dir()
    kb = load_file(directory / f"{school_id}.yaml")
    vocabulary = load_vocabulary(directory)
    total = hits = 0
    for ci, clause in enumerate(kb.clauses):
        for ei, example in enumerate(clause.examples):
            others = [e for j, e in enumerate(clause.examples) if j != ei]
            clauses = list(kb.clauses)
            clauses[ci] = clause.model_copy(update={"examples": others})
            ranking = ClauseIndex.for_school(KnowledgeFile(school=kb.school, clauses=clauses), vocabulary).rank(
                example, 3
            )
            total += 1
            top = [m.clause.id for m in ranking.matches]
            if top and top[0] == clause.id:
                hits += 1
            else:
                print(f"{clause.id}: {example!r} -> {', '.join(top) or 'nothing'}")
    print(f"{hits}/{total} examples find their own clause first ({hits / max(total, 1):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
