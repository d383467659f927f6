"""`policybot outbox list | retry` over a database Slack and Teams share: each row with its platform, and
no wording that names one platform where it means either."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store.database import Database
from bot.store.outbox import Outbox, enqueue


@pytest.fixture()
def shared_db(tmp_path: Path) -> str:
    db = Database(tmp_path / "policybot.db")
    with db.transaction() as conn:
        enqueue(conn, "MR-0001:slt", "slt_card", {"ref": "MR-0001"}, platform="slack")
        enqueue(conn, "AR-0002:slt", "application_card", {"ref": "AR-0002"}, platform="teams")
        enqueue(conn, "MR-0003:slt", "slt_card", {"ref": "MR-0003"}, platform="teams")
    outbox = Outbox(db)
    [refused] = [item for item in outbox.items("pending") if item.payload["ref"] == "MR-0003"]
    outbox.give_up(refused.id, "ConversationNotFound")
    return str(db.path)


def test_outbox_list_shows_each_rows_platform(shared_db: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["outbox", "list", "--db", shared_db]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "2 waiting, 1 refused by the chat platform"
    rows = {line.split()[4]: line.split()[1:3] for line in lines[1:]}
    assert rows == {"MR-0001": ["slack", "pending"], "AR-0002": ["teams", "pending"],
                    "MR-0003": ["teams", "failed"]}
    assert "ConversationNotFound" in lines[3]
    assert "Slack" not in out

    assert main(["outbox", "retry", "--db", shared_db]) == 0
    assert "Queued 1 notification(s) again." in capsys.readouterr().out
    assert main(["outbox", "list", "--db", shared_db]) == 0
    assert capsys.readouterr().out.startswith("3 waiting, 0 refused by the chat platform")


@pytest.mark.parametrize("argv", [["outbox", "--help"], ["outbox", "list", "--help"], ["outbox", "retry", "--help"]])
def test_outbox_help_names_both_platforms_or_neither(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    out = " ".join(capsys.readouterr().out.split())
    assert "Slack" not in out or "Slack or Teams" in out
