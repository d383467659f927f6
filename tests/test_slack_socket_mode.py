"""Socket Mode, the default for schools: a slash command arrives over a local WebSocket and the
answer goes back in the envelope acknowledgement."""

from __future__ import annotations

import copy
import json
import queue
import threading

from websockets.sync.server import serve

from bot.slack.app import build_app
from bot.slack.services import build_services
from tests.slack_app import answers_friending_a_parent, fixture_json, settings_for


def test_policy_over_socket_mode(slack, tmp_path) -> None:
    acks: queue.Queue[dict] = queue.Queue()
    envelope = copy.deepcopy(fixture_json("socket_mode_slash_commands.json"))
    envelope["payload"].update(command="/policy", text="can I accept a friend request from a parent?")

    def session(websocket) -> None:
        websocket.send(json.dumps(fixture_json("socket_mode_hello.json")))
        websocket.send(json.dumps(envelope))
        for message in websocket:
            acks.put(json.loads(message))

    with serve(session, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        slack.socket_url = f"ws://127.0.0.1:{port}/link"
        services = build_services(settings_for(slack, tmp_path / "socket.db", SLACK_APP_TOKEN="xapp-test"))
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(build_app(services), "xapp-test")
        handler.connect()
        try:
            ack = acks.get(timeout=15)
        finally:
            handler.close()
            server.shutdown()
    assert ack["envelope_id"] == envelope["envelope_id"]
    assert ack["payload"]["response_type"] == "ephemeral"
    assert answers_friending_a_parent(json.dumps(ack["payload"]["blocks"]))
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == "xapp-test"
