"""Acknowledgement latency of `/policy` in HTTP mode on loopback, at 1 and at 50 concurrent
requests: `policybot serve --http [--workers N]` as its own process(es), the test suite's fake Slack
Web API, and signed requests from a load generator in this process.

    python benchmarks/slack_ack.py                  # 1 worker (waitress), then 2 (gunicorn)
    python benchmarks/slack_ack.py --workers 2 --runs 3

The load generator is one asyncio thread writing prepared requests on fresh connections (as Slack
opens them), so it needs little CPU and no thread of its own waits on a GIL. It still shares the
machine's cores with the server: each row says how much CPU the server, the generator and any other
process used, so a run disturbed by other work shows as such.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import CLOCK, distinct_question, percentile  # benchmarks/stats.py, beside this script

from tests.fake_slack import FakeSlack  # the test suite's fake Slack Web API
from tests.slack_app import SIGNING_SECRET, RunningBot, sign


def signed_request(port: int, body: bytes) -> bytes:
    ts = int(time.time())
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        f"X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sign(body, ts)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def one(port: int, request: bytes) -> float:
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    response = await reader.read()
    elapsed = (time.perf_counter() - start) * 1000
    writer.close()
    assert response.startswith(b"HTTP/1.1 200") and b'"blocks"' in response, response[:200]
    return elapsed


async def load(port: int, requests: list[bytes], concurrency: int) -> list[float]:
    """`concurrency` clients, each sending its next request as soon as its last is answered."""
    waiting = list(reversed(requests))
    timings: list[float] = []

    async def client() -> None:
        while waiting:
            timings.append(await one(port, waiting.pop()))

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return timings


# -- CPU accounting (Linux /proc) ----------------------------------------------------------------
def machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / CLOCK  # all but idle and iowait


def process_tree_cpu(root: int) -> float:
    """CPU seconds of a process and its children (the gunicorn workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / CLOCK
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(bot: RunningBot, port: int, server: int, concurrency: int, total: int) -> dict[str, float]:
    requests = [signed_request(port, bot.command_body("/policy", distinct_question(n))) for n in range(total)]
    before = (time.perf_counter(), machine_busy(), process_tree_cpu(server), own_cpu())
    timings = asyncio.run(load(port, requests, concurrency))
    after = (time.perf_counter(), machine_busy(), process_tree_cpu(server), own_cpu())
    wall, busy, served, generated = (b - a for a, b in zip(before, after, strict=True))
    return {
        "p50": statistics.median(timings),
        "p99": percentile(timings, 99),
        "max": max(timings),
        "rate": total / wall,
        "server_ms": served / total * 1000,
        "server_cores": served / wall,
        "generator_cores": generated / wall,
        "other_cores": max(0.0, busy - served - generated) / wall,
    }


def serve(slack: FakeSlack, db: Path, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "POLICYBOT_SCHOOL": "dobcroft",
        "POLICYBOT_SLT_CHANNEL": "GSLT0001",
        "POLICYBOT_DB": str(db),
    }
    command = ["policybot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(bot: RunningBot, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if bot.get("/healthz").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not become ready")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="server processes (default 1 2)")
    parser.add_argument("--runs", type=int, default=1, help="measurements of each row (default 1)")
    args = parser.parse_args()

    slack = FakeSlack(members={"GSLT0001": ["UHEAD0001"]}).start()
    print(
        "| workers | concurrent | requests | p50 (ms) | p99 (ms) | max (ms) | answers/s "
        "| server CPU/answer (ms) | cores: server / generator / other |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            process = serve(slack, Path(tmp) / "bench.db", port, workers)
            bot = RunningBot(slack, f"http://127.0.0.1:{port}", None, None)
            try:
                wait_ready(bot)
                measure(bot, port, process.pid, 4, 100)  # warm-up: every worker has answered
                for _ in range(args.runs):
                    for concurrency, total in ((1, 300), (50, 1000)):
                        m = measure(bot, port, process.pid, concurrency, total)
                        print(
                            f"| {workers} | {concurrency} | {total} | {m['p50']:.1f} | {m['p99']:.1f} | "
                            f"{m['max']:.1f} | {m['rate']:.0f} | {m['server_ms']:.2f} | "
                            f"{m['server_cores']:.2f} / {m['generator_cores']:.2f} / {m['other_cores']:.2f} |",
                            flush=True,
                        )
            finally:
                process.terminate()
                process.wait(timeout=30)
    slack.stop()


if __name__ == "__main__":
    main()
