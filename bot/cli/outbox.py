"""`policybot outbox list | retry`: notifications waiting for Slack or Teams, and ones the platform refused."""

from __future__ import annotations

import argparse

from bot.cli.common import DB_HELP, open_database


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "outbox",
        help="notifications waiting to be sent",
        description="Notifications waiting for Slack or Teams.",
    )
    sub = parser.add_subparsers(dest="outbox_command", required=True, metavar="OUTBOX_COMMAND")
    listing = sub.add_parser(
        "list",
        help="waiting and refused notifications",
        description="Notifications still waiting, or refused by their chat platform (Slack or Teams), each with "
        "its platform.",
    )
    listing.add_argument("--db", help=DB_HELP)
    listing.set_defaults(run=run_list)
    retry = sub.add_parser(
        "retry",
        help="send refused notifications again",
        description="After fixing what the chat platform refused (a channel id, adding the bot to the channel), "
        "queue them again. A running bot sends them within a second.",
    )
    retry.add_argument("--db", help=DB_HELP)
    retry.set_defaults(run=run_retry)


def _outbox(args: argparse.Namespace):
    from bot.store.outbox import Outbox

    return Outbox(open_database(args.db))


def run_list(args: argparse.Namespace) -> int:
    outbox = _outbox(args)
    waiting = outbox.items("pending")
    refused = outbox.items("failed")
    print(f"{len(waiting)} waiting, {len(refused)} refused by the chat platform")
    for item in waiting + refused:
        what = item.payload.get("ref") or item.payload.get("failed") or item.topic
        print(
            f"  #{item.id:<5} {item.platform:<6} {item.status:<8} {item.kind:<24} {what:<12} "
            f"attempts {item.attempts}  {item.last_error or ''}"
        )
    return 0


def run_retry(args: argparse.Namespace) -> int:
    outbox = _outbox(args)
    print(f"Queued {outbox.requeue_failed()} notification(s) again.")
    return 0
