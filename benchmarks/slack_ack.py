"""Acknowledgement latency of `/policy` in HTTP mode on loopback, at 1 and at 50 concurrent
requests (the real app behind waitress, a local fake Slack Web API, signed requests).

    python benchmarks/slack_ack.py
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import percentile  # benchmarks/stats.py, beside this script

from tests.fake_slack import FakeSlack  # the test suite's fake Slack Web API
from tests.slack_app import SIGNING_SECRET, RunningBot

QUESTIONS = [
    "can I accept a friend request from a parent?",
    "can i post pics of my class on my own insta",
    "an ex pupil messaged me on snapchat what do I do",
    "is it ok to moan about work in a whatsapp group",
    "do I have to reply to comments on the school facebook at weekends",
]


def measure(bot, concurrency: int, total: int) -> tuple[list[float], float]:
    bodies = [bot.command_body("/policy", QUESTIONS[i % len(QUESTIONS)]) for i in range(total)]

    def one(body: bytes) -> float:
        start = time.perf_counter()
        reply = bot.signed(body, "application/x-www-form-urlencoded")
        assert reply.status == 200, reply.status
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        timings = list(pool.map(one, bodies))
    return timings, total / (time.perf_counter() - start)


def serve(slack: FakeSlack, db: Path, port: int) -> subprocess.Popen:
    """`policybot serve --http` in its own process, so the load generator does not share its GIL."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "POLICYBOT_SCHOOL": "dobcroft",
        "POLICYBOT_SLT_CHANNEL": "GSLT0001",
        "POLICYBOT_DB": str(db),
    }
    return subprocess.Popen(
        ["policybot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    slack = FakeSlack(members={"GSLT0001": ["UHEAD0001"]}).start()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        process = serve(slack, Path(tmp) / "bench.db", port)
        bot = RunningBot(slack, f"http://127.0.0.1:{port}", None, None)
        deadline = time.monotonic() + 30
        while True:
            try:
                if bot.get("/healthz").status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        try:
            measure(bot, 4, 40)  # warm-up
            print("| concurrent | requests | p50 (ms) | p99 (ms) | max (ms) | throughput (req/s) |")
            print("|---|---|---|---|---|---|")
            for concurrency, total in ((1, 300), (50, 1000)):
                timings, rate = measure(bot, concurrency, total)
                print(
                    f"| {concurrency} | {total} | {statistics.median(timings):.1f} | "
                    f"{percentile(timings, 99):.1f} | {max(timings):.1f} | {rate:.0f} |"
                )
        finally:
            process.terminate()
            process.wait(timeout=10)
            slack.stop()


if __name__ == "__main__":
    main()
