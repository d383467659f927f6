"""Configuration from the environment and an optional `.env` file (pydantic-settings).

Every command reads the same settings the same way (`local_settings()`; `serve` adds Slack's), so a
cron job run from the folder holding `.env` uses the same database as the bot. Every problem is
reported as one line naming the variable, so the IT person can fix them all in one go.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.knowledge.loader import bundled_knowledge_dir

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
_COMMENT = re.compile(r"\s#")
_OURS = ("POLICYBOT_", "SLACK_", "TEAMS_")
# A line's first word is named only when it reads as a setting's name: a line of a secret pasted alone
# ("f00dfeedbeefcafe 1234") would otherwise be half printed into the service's log.
_LEADING_NAME = re.compile(
    r"(?:export\s+)?(?:(?i:policybot|slack|teams|microsoft)_[A-Za-z0-9_]+|[A-Z][A-Z0-9]*_[A-Z0-9_]+)(?=[\s:=]|$)"
)
# A Teams channel's conversation id: 19:<id>@thread.tacv2 (or the older @thread.skype).
_TEAMS_CHANNEL_ID = re.compile(r"^19:[A-Za-z0-9_\-.]+@thread\.(tacv2|skype)$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
BOT_FRAMEWORK_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

# python-dotenv warns of a line it cannot read each time the file is read (five times for one `ask`),
# without naming the file; unreadable_lines says it once, with the file and line.
logging.getLogger("dotenv.main").setLevel(logging.ERROR)


class SettingsError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class LocalSettings(BaseSettings):
    """What every command reads: the school, the database, the knowledge base, retention."""

    # An empty variable (`POLICYBOT_SCHOOL=`) counts as unset, as it would in a shell script.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True)

    school: str | None = Field(None, alias="POLICYBOT_SCHOOL")
    db: Path = Field(Path("policybot.db"), alias="POLICYBOT_DB")
    knowledge_dir: Path = Field(default_factory=bundled_knowledge_dir, alias="POLICYBOT_KNOWLEDGE_DIR")
    # How long closed misuse cases keep their content (`policybot retention purge`).
    retention_years: int = Field(6, alias="POLICYBOT_RETENTION_YEARS")
    # Rank by sentence meaning as well as words (docs/matching.md); `off` for words only.
    meaning: bool = Field(True, alias="POLICYBOT_MEANING")
    # policybot's cache folder (bot/cache_folder.py): the model's unpacked layers and the knowledge files'
    # validated copies, kept between starts; `off` for nowhere. Unset: $XDG_CACHE_HOME/policybot, else
    # ~/.cache/policybot.
    model_cache: str | None = Field(None, alias="POLICYBOT_MODEL_CACHE")

    @field_validator("*", mode="before")
    @classmethod
    def _no_comment(cls, value: object) -> object:
        # .env drops "# ..." after a value, but systemd's EnvironmentFile keeps it as part of the value: the
        # bot would use a database named "policybot.db # live" while cron's commands use policybot.db.
        if isinstance(value, str) and _COMMENT.search(value):
            raise ValueError("holds a comment after the value; put the comment on a line of its own")
        return value

    @field_validator("db", "knowledge_dir")
    @classmethod
    def _home(cls, value: Path) -> Path:
        return value.expanduser()  # "~/kb" from a .env or a service file, where no shell expands it

    @field_validator("school")
    @classmethod
    def _school(cls, value: str | None) -> str | None:
        # School ids are lower case; `Dobcroft` in .env means dobcroft.
        return (value.strip().lower() or None) if value is not None else None

    @field_validator("retention_years", mode="before")
    @classmethod
    def _years(cls, value: object) -> int:
        try:
            years = int(str(value).strip())
        except ValueError:
            years = 0
        if not 1 <= years <= 100:
            raise ValueError("must be a whole number of years from 1 to 100")
        return years


class Settings(LocalSettings):
    """Everything `policybot serve` needs: the local settings and Slack's."""

    slack_bot_token: str | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")
    slt_channel: str | None = Field(None, alias="POLICYBOT_SLT_CHANNEL")
    dsl_channel: str | None = Field(None, alias="POLICYBOT_DSL_CHANNEL")
    admin_channel: str | None = Field(None, alias="POLICYBOT_ADMIN_CHANNEL")
    school_email_domain: str | None = Field(None, alias="POLICYBOT_SCHOOL_EMAIL_DOMAIN")
    # Seconds to wait for one Slack Web API call before treating it as failed (and retrying it).
    slack_timeout: float = Field(10.0, gt=0, le=120, alias="POLICYBOT_SLACK_TIMEOUT")

    # Microsoft Teams (bot/teams): the Entra app registration of the Azure Bot, and the channels.
    teams_app_id: str | None = Field(None, alias="TEAMS_APP_ID")
    teams_app_password: str | None = Field(None, alias="TEAMS_APP_PASSWORD")
    teams_tenant_id: str | None = Field(None, alias="TEAMS_TENANT_ID")
    teams_slt_channel: str | None = Field(None, alias="POLICYBOT_TEAMS_SLT_CHANNEL")
    teams_dsl_channel: str | None = Field(None, alias="POLICYBOT_TEAMS_DSL_CHANNEL")
    teams_admin_channel: str | None = Field(None, alias="POLICYBOT_TEAMS_ADMIN_CHANNEL")
    teams_openid_metadata_url: str = Field(BOT_FRAMEWORK_OPENID_URL, alias="TEAMS_OPENID_METADATA_URL")
    # Default: Microsoft's token endpoint for the tenant (`teams_token_endpoint`).
    teams_token_url: str | None = Field(None, alias="TEAMS_TOKEN_URL")
    # Seconds to wait for one Bot Connector call before treating it as failed (and retrying it).
    teams_timeout: float = Field(10.0, gt=0, le=120, alias="POLICYBOT_TEAMS_TIMEOUT")

    @field_validator("teams_app_id", "teams_tenant_id")
    @classmethod
    def _guid(cls, value: str | None) -> str | None:
        if value is not None and not _GUID.match(value.strip()):
            raise ValueError("must be a GUID such as 00000000-0000-0000-0000-000000000000 (Entra app overview)")
        return value.strip() if value is not None else None

    @field_validator("teams_slt_channel", "teams_dsl_channel", "teams_admin_channel")
    @classmethod
    def _teams_channel(cls, value: str | None) -> str | None:
        if value is not None and not _TEAMS_CHANNEL_ID.match(value.strip()):
            raise ValueError(
                "must be a Teams channel id such as 19:abc123@thread.tacv2 (see docs/teams.md: finding channel ids)"
            )
        return value.strip() if value is not None else None

    @field_validator("teams_openid_metadata_url", "teams_token_url")
    @classmethod
    def _teams_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @property
    def teams_token_endpoint(self) -> str:
        if self.teams_token_url:
            return self.teams_token_url
        return f"https://login.microsoftonline.com/{self.teams_tenant_id}/oauth2/v2.0/token"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb- (OAuth & Permissions page)")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp- (Basic Information page)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("school_email_domain")
    @classmethod
    def _email_domain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        domain = value.strip().lstrip("@").lower()
        if "." not in domain or " " in domain or "@" in domain:
            raise ValueError("must be the school's email domain, such as dobcroft.sheffield.sch.uk")
        return domain

    @field_validator("slt_channel", "dsl_channel", "admin_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL_ID.match(value):
            # Shown as given (a channel id is no secret): a stray space or quote is then plain to see
            raise ValueError(f"must be a channel id such as C0123ABCDEF (channel details > About), not {value!r}")
        return value


_S = TypeVar("_S", bound=LocalSettings)
_ENV_NAMES = {name: field.alias for name, field in Settings.model_fields.items()}


def _read(kind: type[_S]) -> _S:
    try:
        return kind()
    except UnicodeDecodeError as exc:
        # Notepad's "Unicode" is UTF-16: python-dotenv cannot read it, and said so with a traceback.
        env_file = Path(".env").resolve()
        raise SettingsError([f"{env_file}: not UTF-8 text; save it again as UTF-8 ({exc.reason})"]) from exc
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            message = _PLAIN.get(err["type"], err["msg"].removeprefix("Value error, "))
            problems.append(f"{_ENV_NAMES.get(name, name)}: {message}")
        raise SettingsError(problems) from exc


# Pydantic's words for a value of the wrong kind, as the person editing a .env file would put it.
_PLAIN = {
    "bool_parsing": "should be on or off (or true / false, yes / no, 1 / 0)",
    "int_parsing": "should be a whole number",
    "float_parsing": "should be a number of seconds, such as 10",
}


def unknown_variables(environ: dict[str, str] | None = None, env_file: Path = Path(".env")) -> list[str]:
    """Variables that look like policybot's but are not one of its settings (a misspelt name is
    otherwise ignored without a word: POLICYBOT_DSL_CHANEL, and child-risk reports alert nobody).
    Checked: POLICYBOT_* in the environment, and POLICYBOT_*, SLACK_* and TEAMS_* in `.env`."""
    import contextlib
    import difflib
    import os

    from dotenv import dotenv_values

    known = {alias for alias in _ENV_NAMES.values() if alias}
    names = [name for name in (os.environ if environ is None else environ) if name.startswith("POLICYBOT_")]
    with contextlib.suppress(OSError, UnicodeDecodeError):  # said by the settings, which read the same file
        names += [name for name in dotenv_values(env_file) if name.startswith(_OURS)] if env_file.is_file() else []
    lines = []
    for name in dict.fromkeys(names):
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        lines.append(f"{name}: not a policybot setting{hint}; it is ignored")
    return lines


def unreadable_lines(env_file: Path = Path(".env")) -> list[str]:
    """Lines of `.env` that are no setting ("POLICYBOT_DSL_CHANNEL C0123": the `=` is missing). They are
    ignored, so the setting is not set: said once here, in the file's own line numbers, instead of
    python-dotenv's "could not parse statement" each time a part of the bot reads the file. Only the
    name a line starts with is shown: the rest may be a secret, and this goes to the service's log."""
    from dotenv.parser import parse_stream

    if not env_file.is_file():
        return []
    try:
        with env_file.open(encoding="utf-8") as stream:
            bad = [binding.original for binding in parse_stream(stream) if binding.error]
    except (OSError, UnicodeDecodeError):  # said by the settings, which read the same file
        return []
    path = env_file.resolve()
    lines = []
    for original in bad:
        # python-dotenv numbers the blank lines before a statement as its start
        skipped = original.string[: len(original.string) - len(original.string.lstrip())].count("\n")
        name = _LEADING_NAME.match(original.string.lstrip())
        what = f"{name.group(0)}: not read" if name else "not read"
        lines.append(
            f"{path} line {original.line + skipped}: {what} (a setting is NAME=value on one line, a quoted value "
            "closed on the same line; a comment is a line starting with #); it is ignored"
        )
    return lines


def start_line(settings: LocalSettings) -> str:
    """What a server runs on, logged at start-up: a wrong database or folder shows at once."""
    return (
        f"school {settings.school or '(not set)'}; database {settings.db.resolve()}; "
        f"knowledge folder {settings.knowledge_dir}"
    )


def local_settings() -> LocalSettings:
    """The settings every command shares (environment, then `.env` in the current folder), or
    SettingsError. Slack's settings are not read, so a typo there cannot stop `ask` or a cron job."""
    return _read(LocalSettings)


def load_teams_settings(*, known_schools: list[str] | None = None) -> Settings:
    """Settings for `policybot serve --teams`, or SettingsError listing every problem, one line each."""
    settings = _read(Settings)
    problems = []
    if not settings.teams_app_id:
        problems.append("TEAMS_APP_ID: not set (the Microsoft App ID of the Azure Bot, a GUID)")
    if not settings.teams_app_password:
        problems.append("TEAMS_APP_PASSWORD: not set (a client secret of the bot's Entra app registration)")
    if not settings.teams_tenant_id and not settings.teams_token_url:
        problems.append("TEAMS_TENANT_ID: not set (the school's Microsoft 365 tenant id, a GUID)")
    if not settings.teams_slt_channel:
        problems.append("POLICYBOT_TEAMS_SLT_CHANNEL: not set (the id of the private SLT channel, 19:...@thread.tacv2)")
    problems += _school_problems(settings.school, known_schools, settings.knowledge_dir)
    if problems:
        raise SettingsError(problems)
    return settings


_NOT_SET = {
    "dsl": "{name}: not set, so a report of a child at risk alerts no designated safeguarding lead (the SLT card "
    "says to tell the DSL) until it is set",
    "admin": "{name}: not set, so approved account applications cannot reach an administrator (their \"Create "
    "account\" cards are kept undelivered) until it is set",
}


def _channel_warnings(channels: dict[str, tuple[str, str | None]]) -> list[str]:
    """For each channel staff depend on and a server can start without: a line if it is not set."""
    return [_NOT_SET[kind].format(name=name) for kind, (name, value) in channels.items() if not value]


def teams_warnings(settings: Settings) -> list[str]:
    """What `serve --teams` can run without, but should say at start-up, one line each."""
    return _channel_warnings(
        {
            "dsl": ("POLICYBOT_TEAMS_DSL_CHANNEL", settings.teams_dsl_channel),
            "admin": ("POLICYBOT_TEAMS_ADMIN_CHANNEL", settings.teams_admin_channel),
        }
    )


def slack_warnings(settings: Settings) -> list[str]:
    """What `serve` (Slack) can run without, but should say at start-up, one line each."""
    return _channel_warnings(
        {
            "dsl": ("POLICYBOT_DSL_CHANNEL", settings.dsl_channel),
            "admin": ("POLICYBOT_ADMIN_CHANNEL", settings.admin_channel),
        }
    )


def _school_problems(school: str | None, known_schools: list[str] | None, knowledge_dir: Path) -> list[str]:
    """What is wrong with the school setting, for either platform's server."""
    if not school:
        return ["POLICYBOT_SCHOOL: not set (the school id, e.g. dobcroft)"]
    if known_schools == []:  # "~/kb" in a service's .env is the service user's home, not yours
        return [f"POLICYBOT_KNOWLEDGE_DIR: {knowledge_dir} holds no school files (does that folder exist?)"]
    if known_schools is not None and school not in known_schools:
        return [f"POLICYBOT_SCHOOL: unknown school {school!r}; known: {', '.join(known_schools)}"]
    return []


def load_settings(*, http: bool, known_schools: list[str] | None = None) -> Settings:
    """Settings for `policybot serve`, or SettingsError listing every problem, one line each."""
    settings = _read(Settings)
    problems = []
    if not settings.slack_bot_token:
        problems.append("SLACK_BOT_TOKEN: not set (the xoxb- token from the app's OAuth & Permissions page)")
    if http and not settings.slack_signing_secret:
        problems.append("SLACK_SIGNING_SECRET: not set (Basic Information > App Credentials); needed for --http")
    if not http and not settings.slack_app_token:
        problems.append("SLACK_APP_TOKEN: not set (an xapp- token with connections:write), or use --http")
    if not settings.slt_channel:
        problems.append("POLICYBOT_SLT_CHANNEL: not set (the id of the private SLT channel)")
    problems += _school_problems(settings.school, known_schools, settings.knowledge_dir)
    if problems:
        raise SettingsError(problems)
    return settings
