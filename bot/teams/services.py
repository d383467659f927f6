"""What the Teams adapter needs, built once per process: the core's services (bot/wiring.py), plus the
token check for incoming activities, the Bot Connector client, and where conversations are."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from bot.store.conversation_refs import ConversationRef, ConversationRefs
from bot.teams.auth import TokenValidator
from bot.teams.connector import BotToken, Connector
from bot.wiring import Core, core_parts

PLATFORM = "teams"


@dataclass(kw_only=True)
class TeamsServices(Core):
    validator: TokenValidator
    connector: Connector
    refs: ConversationRefs

    @property
    def app_id(self) -> str:
        return self.settings.teams_app_id or ""

    def channel_ref(self, channel_id: str) -> ConversationRef | None:
        """Where to post in a configured channel: its own serviceUrl if an activity from its team
        was seen, else the last serviceUrl any activity came with (one tenant, one service)."""
        known = self.refs.get(f"channel:{channel_id}")
        if known is not None:
            return known
        latest = self.refs.get("service")
        return ConversationRef(channel_id, latest.service_url) if latest else None

    def remember_name(self, user_id: str, name: str) -> None:
        """A person's display name as Teams last sent it, for cards drawn later (the report card)."""
        if user_id and name:
            self.refs.remember(f"name:{user_id}", ConversationRef(name[:200], ""))

    def known_name(self, user_id: str) -> str | None:
        known = self.refs.get(f"name:{user_id}") if user_id else None
        return known.conversation if known else None

    def name_of(self, user_id: str) -> str:
        return self.known_name(user_id) or "a member of staff"

    def personal_chat(self, user_id: str) -> ConversationRef | None:
        """The user's 1:1 chat with the bot, opened through the connector if none is known."""
        known = self.refs.get(f"user:{user_id}")
        if known is not None:
            return known
        latest = self.refs.get("service")
        if latest is None:
            return None
        conversation = self.connector.open_personal_chat(latest.service_url, user_id, self.settings.teams_tenant_id)
        ref = ConversationRef(conversation, latest.service_url)
        self.refs.remember(f"user:{user_id}", ref)
        return ref

    def start_background(self) -> None:
        from bot.delivery.runner import OutboxRunner
        from bot.teams.transport import TeamsTransport

        OutboxRunner(self.db, TeamsTransport(self), self.outbox_signal).start()


def build_services(settings: Settings, core: dict | None = None) -> TeamsServices:
    """Built once, at start-up (`policybot serve` names the settings it can run without but should not).

    `core`: the core's parts (`core_parts`) when Slack is served by the same process (one database,
    one policy index); each adapter keeps its own outbox wake-up signal."""
    app_id, timeout = settings.teams_app_id or "", settings.teams_timeout
    token = BotToken(settings.teams_token_endpoint, app_id, settings.teams_app_password or "", timeout)
    parts = core or core_parts(settings)
    return TeamsServices(
        **parts,
        validator=TokenValidator(app_id, settings.teams_openid_metadata_url, timeout),
        connector=Connector(token, settings.teams_timeout),
        refs=ConversationRefs(parts["db"], PLATFORM),
    )
