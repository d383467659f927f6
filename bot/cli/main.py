"""`policybot`: the command line. Each command is a thin layer over a core function.

Slack libraries are imported only by `serve`, so asking a question starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from bot.cli import accounts, ask, backup, evaluate, kb, outbox, questions, reports, retention, schools, serve, teams
from bot.cli.common import CliError, fail
from bot.cli.quick_exit import exit_now

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, not a usage dump
        # `prog` is the command as typed so far: "policybot", "policybot kb import", ...
        self.exit(EXIT_USAGE, f"policybot: {message} (see '{self.prog} --help')\n")


class _Version(argparse.Action):
    """`--version`, looked up only when asked for: reading the installed packages' metadata cost every
    other command about 30 ms of start-up."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("policybot")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown (not installed)"
        print(f"policybot {number}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="policybot",
        description="Answers staff questions from their school's social-media policy.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    accounts.register(commands)
    ask.register(commands)
    evaluate.register(commands)
    kb.register(commands)
    outbox.register(commands)
    questions.register(commands)
    reports.register(commands)
    schools.register(commands)
    serve.register(commands)
    teams.register(commands)
    backup.register(commands)
    retention.register(commands)
    return parser


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command given (`kb import`), so an error names that command's help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and getattr(args, action.dest, None) in action.choices:
            return _command_parser(action.choices[getattr(args, action.dest)], args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)[0]


def script() -> NoReturn:
    """The `policybot` command itself (pyproject's entry point): a command that asks for it (`ask`)
    leaves without the interpreter's tidy-up (quick_exit.py)."""
    code, quick = _main(None)
    if quick:
        exit_now(code)
    sys.exit(code)


def _main(argv: Sequence[str] | None) -> tuple[int, bool]:
    """The exit code, and whether the command may leave without tidying up."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    quick = bool(getattr(args, "quick_exit", False))
    try:
        return args.run(args), quick
    except CliError as exc:
        return fail(str(exc)), quick
    except KeyboardInterrupt:  # Ctrl-C: said, so a half-done `kb import` is not taken for a finished one
        print("policybot: interrupted", file=sys.stderr)
        return 130, quick
    except BrokenPipeError:  # `policybot ... | head` is normal use
        return 0, quick
    except PermissionError as exc:  # a folder of the bot's that this user may not enter, say
        return fail(
            f"permission denied: {exc.filename or exc}: run policybot as the user the bot runs as "
            "(sudo -u policybot ...), or give that user access"
        ), quick
    except OSError as exc:  # a full disk, a name too long, a file that vanished: one line, not a traceback
        return fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")), quick


if __name__ == "__main__":
    script()
