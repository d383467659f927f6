"""Answer latency through Teams' /api/messages on loopback: the real Teams adapter behind waitress,
the test suite's fake Bot Framework, and 1:1-chat questions with valid tokens, one at a time. Each
request is one full answer: token check (signature, issuer, audience, serviceurl), matching, the
question log, the Adaptive Card and its POST to the connector (sent before the 200, so the time
includes it).

    python benchmarks/teams_latency.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import QUESTIONS, distinct_question, percentile  # benchmarks/stats.py, beside this script

from tests.fake_bot_framework import FakeBotFramework  # the test suite's fake Bot Framework
from tests.teams_app import start_teams_bot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    fake = FakeBotFramework().start()
    with tempfile.TemporaryDirectory() as folder:
        bot = start_teams_bot(fake, Path(folder) / "policybot.db", deliver=False)
        try:
            bot.send(bot.personal_message("hello"))  # warm: metadata, keys, the bot's token
            times = []
            for n in range(args.rounds * len(QUESTIONS)):
                activity = bot.personal_message(distinct_question(n))
                token = fake.activity_token(activity["serviceUrl"])  # signed outside the timing
                started = time.perf_counter()
                reply = bot.post(activity, token)
                times.append((time.perf_counter() - started) * 1000)
                assert reply.status == 200
        finally:
            bot.stop()
            fake.stop()
    print(f"{len(times)} questions: median {statistics.median(times):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
