"""Socket Mode (the default) when Slack is unreachable at start-up: a school server that boots before
its network, or a Slack outage. `policybot serve` stays up, says so once per attempt, and answers as
soon as Slack is back."""

from __future__ import annotations

import copy
import json
import queue
import re
import subprocess
import threading
import time

from websockets.sync.server import serve

from tests.cli import POLICYBOT, clean_env
from tests.slack_app import SLT_CHANNEL, answers_friending_a_parent, fixture_json

ATTEMPT = re.compile(r"cannot reach Slack \(attempt (\d+): .*\); Socket Mode will try again in \d+ s")


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_waits_for_slack_and_answers_once_it_is_back(slack, tmp_path) -> None:
    slack.stop()  # Slack's address now refuses connections, as with no route to Slack
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*POLICYBOT, "serve"],
            env=clean_env(
                SLACK_BOT_TOKEN=slack.token,
                SLACK_APP_TOKEN="xapp-test",
                SLACK_API_URL=slack.api_url,
                POLICYBOT_SCHOOL="dobcroft",
                POLICYBOT_SLT_CHANNEL=SLT_CHANNEL,
                POLICYBOT_DB=str(tmp_path / "policybot.db"),
            ),
            stdout=log,
            stderr=log,
            cwd=tmp_path,
        )
    try:
        # Two failed attempts: it neither exited nor gave up.
        _wait_for(lambda: len(ATTEMPT.findall(log_path.read_text())) >= 2, 20, "two attempts logged")
        assert process.poll() is None, log_path.read_text()

        acks: queue.Queue[dict] = queue.Queue()
        envelope = copy.deepcopy(fixture_json("socket_mode_slash_commands.json"))
        envelope["payload"].update(command="/policy", text="can I accept a friend request from a parent?")

        def session(websocket) -> None:
            websocket.send(json.dumps(fixture_json("socket_mode_hello.json")))
            websocket.send(json.dumps(envelope))
            for message in websocket:
                acks.put(json.loads(message))

        with serve(session, "127.0.0.1", 0) as server:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            slack.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
            slack.start()  # Slack is back, on the same address
            ack = acks.get(timeout=30)
            server.shutdown()
    finally:
        process.terminate()
        code = process.wait(timeout=10)
    log = log_path.read_text()
    assert code == 0 and "stopping: SIGTERM received" in log  # systemctl stop, said in the log
    assert ack["envelope_id"] == envelope["envelope_id"]
    assert answers_friending_a_parent(json.dumps(ack["payload"]["blocks"]))
    assert "Traceback" not in log
    assert " ERROR " not in log  # slack_sdk's "Failed to send a request" said each attempt a second time
    attempts = [int(n) for n in ATTEMPT.findall(log)]
    assert attempts == list(range(1, len(attempts) + 1))  # one line per attempt, numbered
    assert "connected to Slack in Socket Mode" in log
