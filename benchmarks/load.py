"""Load on `policybot serve --http` (a child process) over loopback, with the fake Slack Web API:

1. 50 staff at once, each typing `/report-misuse` and sending the form;
2. 200 `/policy` questions at once;
3. both together;
4. `/policy` at doubling concurrency until an acknowledgement takes longer than Slack's 3 seconds or
   a request fails, to find what runs out first.

Each request is a signed HTTP request on its own connection, sent from asyncio (so the load generator
needs no thread per request). For each round: acknowledgement latency p50/p99/max, throughput, the
server process's CPU, and checks that nothing was lost (every request answered 200, every report
stored once with a unique reference and its SLT card delivered, every question logged).

    python benchmarks/load.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import cpu_seconds, distinct_question, percentile  # benchmarks/stats.py, beside this script

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir
from bot.slack.blocks.report_form import report_modal
from tests.fake_slack import FakeSlack
from tests.server_process import ServerProcess, start_server
from tests.slack_app import SLT_CHANNEL, RunningBot, sign

FORM = "application/x-www-form-urlencoded"
SLACK_ACK_LIMIT_MS = 3000
REPORT = {
    "category": "parent_post",
    "what_happened": "A parent posted a photo of the Year 4 class trip on a public Facebook page.",
    "where_seen": "Facebook",
    "child_at_risk": "not_sure",
}


@dataclass
class Round:
    name: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    answered: int = 0  # /policy questions answered
    seconds: float = 0.0
    cpu_percent: float = 0.0  # the server process, of one core
    load_cpu_percent: float = 0.0  # this process: the load generator and the fake Slack

    @property
    def ok(self) -> bool:
        return not self.failures and max(self.latencies) < SLACK_ACK_LIMIT_MS

    def row(self) -> str:
        lat = self.latencies
        return (
            f"| {self.name} | {self.concurrency} | {len(lat)} | {statistics.median(lat):.0f} | "
            f"{percentile(lat, 99):.0f} | {max(lat):.0f} | {len(lat) / self.seconds:.0f} | "
            f"{self.cpu_percent:.0f} | {self.load_cpu_percent:.0f} | {len(self.failures)} |"
        )


async def post(port: int, body: bytes, round_: Round) -> bytes | None:
    """One signed request on a fresh connection; its body if it was answered 200 within the limit."""
    now = int(time.time())
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {FORM}\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {now}\r\n"
        f"X-Slack-Signature: {sign(body, now)}\r\nConnection: close\r\n\r\n"
    )
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        writer.write(head.encode() + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 30)
        writer.close()
    except (TimeoutError, OSError) as exc:
        round_.failures.append(exc.__class__.__name__)
        return None
    round_.latencies.append((time.perf_counter() - start) * 1000)
    status = data.split(b" ", 2)[1] if data.startswith(b"HTTP/") else b"?"
    if status != b"200":
        round_.failures.append(f"HTTP {status.decode()}")
        return None
    return data.partition(b"\r\n\r\n")[2]


async def one_report(port: int, bot: RunningBot, form: dict, n: int, tag: str, round_: Round) -> None:
    user = f"UST{n:05d}"
    await post(port, bot.command_body("/report-misuse", "", user=user), round_)
    body = bot.view_submission_body(form, REPORT, user, f"V{tag}{n:05d}")
    answer = await post(port, body, round_)
    found = re.search(rb"MR-\d{4,}", answer or b"")
    if found:
        round_.refs.append(found.group(0).decode())
    elif answer is not None:
        round_.failures.append("no reference")


async def one_question(port: int, bot: RunningBot, n: int, round_: Round) -> None:
    answer = await post(port, bot.command_body("/policy", distinct_question(n), user=f"UQ{n:05d}"), round_)
    if answer is None:
        return
    if b'"ephemeral"' in answer:
        round_.answered += 1
    else:
        round_.failures.append("not an answer")


def run(server: ServerProcess, name: str, reports: int, questions: int, form: dict, tag: str) -> Round:
    round_ = Round(name, reports + questions)
    port = int(server.bot.base_url.rsplit(":", 1)[1])

    async def everything() -> None:
        jobs = [one_report(port, server.bot, form, n, tag, round_) for n in range(reports)]
        jobs += [one_question(port, server.bot, n, round_) for n in range(questions)]
        await asyncio.gather(*jobs)

    cpu, own, start = cpu_seconds(server.pid), cpu_seconds(os.getpid()), time.perf_counter()
    asyncio.run(everything())
    round_.seconds = time.perf_counter() - start
    round_.cpu_percent = 100 * (cpu_seconds(server.pid) - cpu) / round_.seconds
    round_.load_cpu_percent = 100 * (cpu_seconds(os.getpid()) - own) / round_.seconds
    return round_


def main() -> None:
    slack = FakeSlack(members={SLT_CHANNEL: ["UHEAD0001"]}).start()
    form = report_modal(PolicyBook(default_knowledge_dir()).school("dobcroft"), dt.date.today())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        server = start_server(slack, db, Path(tmp) / "serve.log")
        try:
            warm = run(server, "warm-up", 5, 20, form, "WARM")
            rounds = [
                run(server, "50 staff report at once", 50, 0, form, "A"),
                run(server, "200 /policy at once", 0, 200, form, "B"),
                run(server, "both together", 50, 200, form, "C"),
            ]
            # Past the first round slower than 3 s, one more: to see whether requests start failing.
            ramp = []
            for concurrency in (400, 800, 1600, 3200):
                ramp.append(run(server, "/policy ramp", 0, concurrency, form, "R"))
                if sum(not r.ok for r in ramp) == 2:
                    break
            print(
                "| round | concurrent | requests | p50 (ms) | p99 (ms) | max (ms) | req/s | server CPU % | "
                "load generator CPU % | failed |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|")
            for r in rounds + ramp:
                print(r.row())
            print()
            print("rounds 1-3 all acknowledged within 3 s:", all(r.ok for r in rounds))
            for r in ramp:
                if r.failures:
                    print(f"ramp x{r.concurrency} failures: {sorted(set(r.failures))}")
            print(stored_summary(db, slack, [warm, *rounds, *ramp]))
            assert "Traceback" not in server.log(), "the server logged a traceback"
        finally:
            server.stop()
            slack.stop()


def stored_summary(db: Path, slack: FakeSlack, rounds: list[Round]) -> str:
    conn = sqlite3.connect(db)
    refs = [ref for r in rounds for ref in r.refs]
    stored = [row[0] for row in conn.execute("SELECT ref FROM reports")]
    deadline = time.monotonic() + 120
    started = time.monotonic()
    while conn.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]:
        if time.monotonic() > deadline:
            raise SystemExit("outbox did not drain in 2 minutes")
        time.sleep(0.2)
    drained = time.monotonic() - started
    cards = [re.search(r"MR-\d+", c.body["text"]).group(0) for c in slack.delivered("chat.postMessage", SLT_CHANNEL)]
    assert len(refs) == len(set(refs)), "duplicate references"
    assert set(refs) <= set(stored), "a reporter was told about a report that is not stored"
    assert sorted(cards) == sorted(stored), "a report's card was lost or doubled"
    logged = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
    assert logged == sum(r.answered for r in rounds), "an answered question was not logged"
    return (
        f"{len(stored)} reports stored, {len(set(stored))} unique references, {len(cards)} SLT cards "
        f"(one per report), {logged} questions logged (one per answer); outbox drained {drained:.1f} s "
        "after the last round"
    )


if __name__ == "__main__":
    main()
