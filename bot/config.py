"""Settings from the environment (pydantic-settings), checked once at start.

A missing or malformed setting becomes a ``ConfigError`` naming the variable,
so the command line can print one plain line and exit 2 instead of a traceback.

==========================  ==============================================================
TELEGRAM_BOT_TOKEN          from @BotFather, ``123456:ABC...``; required by ``run``
TELEGRAM_BASE_URL           Bot API URL the token is appended to (default Telegram's);
                            e.g. ``http://127.0.0.1:8081/bot`` for a local/fake server
DATABASE_PATH               SQLite file (default ``./data/migrant-bot.sqlite3``; folder made)
CONTENT_DIR, LOCALES_DIR    content and catalogues (default ``./content``, ``./locales``)
CACHE_DIR                   the start-up cache of built content (bot/build_cache.py; read
                            there, not here: every command loads content); ``off`` to
                            build at every start
BOT_MODE                    ``polling`` (default) or ``webhook``
WEBHOOK_URL                 public https URL Telegram posts to (webhook mode); its path is
                            also the path the built-in server listens on
WEBHOOK_LISTEN / _PORT      address and port of that server (default 0.0.0.0:8443)
WEBHOOK_SECRET_TOKEN        required in webhook mode; requests without it get 403
HEALTH_PORT                 port of /healthz, /metrics and /reload in polling mode (default
                            8080, all addresses; 0 = no server); in webhook mode they are
                            served beside the webhook on WEBHOOK_PORT
ADMIN_IDS                   comma-separated Telegram user ids allowed to /reload content
LOG_LEVEL, LOG_FORMAT       ``INFO`` (default) ...; ``text`` (default) or ``json`` lines
HANDOFF_CHAT_ID             talk to a person: the staff supergroup (with topics) where
                            caseworkers answer; unset = "talk to a person" lists hotlines
HANDOFF_CHAT_ID_<LANG>      a group of its own for one language (EN TH MY KM LO VI)
HANDOFF_HOURS               when caseworkers work, Bangkok time (``mon-fri 09:00-17:00``)
HANDOFF_LANGUAGES           languages the caseworkers can answer in (``th,en,my``)
==========================  ==============================================================
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["DEFAULT_BASE_URL", "HANDOFF_LANGUAGE_GROUPS", "ConfigError", "Settings",
           "load_settings"]

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# Languages that may have a staff group of their own (HANDOFF_CHAT_ID_<LANG>).
HANDOFF_LANGUAGE_GROUPS = ("en", "th", "my", "km", "lo", "vi")
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# Telegram accepts 1-256 characters A-Z a-z 0-9 _ - as a webhook secret token.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or malformed; ``variable`` is the environment name."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable
        self.message = message


class Settings(BaseSettings):
    """Everything the Telegram adapter and storage read from the environment."""

    # An empty variable (WEBHOOK_URL=) means "not set", as in a shell script.
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore",
                                      env_ignore_empty=True)

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = DEFAULT_BASE_URL
    database_path: Path = Path("./data/migrant-bot.sqlite3")
    # PostgreSQL for several replicas (postgresql://user:password@host/db); when set it
    # is used instead of DATABASE_PATH. A secret: it may hold a password.
    database_url: SecretStr | None = None
    content_dir: Path | None = None
    locales_dir: Path | None = None
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret_token: SecretStr | None = None
    health_port: int = 8080
    # Polling mode: where /healthz, /metrics and /reload listen. Loopback by default;
    # the container image sets 0.0.0.0 so Docker can publish it (on the host's loopback).
    health_listen: str = "127.0.0.1"
    # How long a reply is retried through a Bot API outage before it is given up.
    send_give_up_seconds: float = 120.0
    # Expiry reminders: sent only between these hours, Bangkok time ("8-20": 08:00 to
    # 19:59); the days before the end date (empty: content/reminders.yaml decides).
    reminder_send_hours: str = "8-20"
    reminder_steps: Annotated[tuple[int, ...], NoDecode] = ()
    # NoDecode: a plain "1,2,3" rather than the JSON list pydantic-settings expects.
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Talk to a person (bot/app/handoff/): the staff group(s) and when staff work.
    handoff_chat_id: int | None = None
    handoff_chat_id_en: int | None = None
    handoff_chat_id_th: int | None = None
    handoff_chat_id_my: int | None = None
    handoff_chat_id_km: int | None = None
    handoff_chat_id_lo: int | None = None
    handoff_chat_id_vi: int | None = None
    handoff_hours: str = "mon-fri 09:00-17:00"
    handoff_languages: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("telegram_bot_token", mode="after")
    @classmethod
    def _token_format(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("must look like 123456789:ABCdef... (digits, a colon, then "
                             "letters, digits, _ or -)")
        return value

    @field_validator("telegram_base_url", mode="after")
    @classmethod
    def _base_url_format(cls, value: str) -> str:
        if urlparse(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8081/bot")
        return value

    @field_validator("webhook_url", mode="after")
    @classmethod
    def _webhook_url_format(cls, value: str | None) -> str | None:
        if value and urlparse(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL such as https://bot.example.org/telegram")
        return value or None

    @field_validator("webhook_secret_token", mode="after")
    @classmethod
    def _secret_format(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters: letters, digits, _ or -")
        return value

    @field_validator("webhook_port", "health_port", mode="after")
    @classmethod
    def _port_range(cls, value: int, info: ValidationInfo) -> int:
        off_allowed = info.field_name == "health_port"  # 0 turns the health server off
        if not (0 if off_allowed else 1) <= value <= 65535:
            raise ValueError("must be a port number between 1 and 65535"
                             + (" (0 = no health server)" if off_allowed else ""))
        return value

    @field_validator("database_path", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        # Once here, so the bot, its lock and the CLI (backup, reload) agree on the file.
        return value.expanduser()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be comma-separated Telegram user ids, e.g. 123,456")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("database_url", mode="after")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
                ("postgresql://", "postgres://")):
            # Never echo the value: it may hold a password.
            raise ValueError("must be a PostgreSQL URL: postgresql://user:password@host/db "
                             "(leave it empty to use the SQLite file DATABASE_PATH)")
        return value

    def database(self) -> str:
        """Where the bot stores its data: DATABASE_URL if set, else DATABASE_PATH."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return str(self.database_path)

    @property
    def shared_database(self) -> bool:
        """True with PostgreSQL: replicas may share it (no file lock, no file to watch)."""
        return self.database_url is not None

    @field_validator("reminder_send_hours", mode="after")
    @classmethod
    def _hours(cls, value: str) -> str:
        from bot.reminders.schedule import parse_hours

        parse_hours(value)  # ValueError says how to write it
        return value

    @field_validator("reminder_steps", mode="before")
    @classmethod
    def _split_steps(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.isdigit() and 0 < int(p) <= 400 for p in parts):
                raise ValueError("must be comma-separated days before the end date, "
                                 "e.g. 120,60,30,14,7,1")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("handoff_hours", mode="after")
    @classmethod
    def _hours_format(cls, value: str) -> str:
        from bot.app.handoff.hours import OfficeHours  # here: config stays light to import

        OfficeHours.parse(value)  # ValueError says what is wrong
        return value

    @field_validator("handoff_languages", mode="before")
    @classmethod
    def _split_languages(cls, value: object) -> object:
        if isinstance(value, str):
            codes = tuple(p.strip().lower() for p in value.split(",") if p.strip())
            if not all(re.fullmatch(r"[a-z]{2,3}", c) for c in codes):
                raise ValueError("must be comma-separated language codes, e.g. th,en,my")
            return codes
        return value

    def handoff_routes(self) -> dict[str, int]:
        """Staff group per language ('' = every language without a group of its own)."""
        routes = {lang: chat for lang in HANDOFF_LANGUAGE_GROUPS
                  if (chat := getattr(self, f"handoff_chat_id_{lang}")) is not None}
        if self.handoff_chat_id is not None:
            routes[""] = self.handoff_chat_id
        return routes

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        # LOG_LEVEL=info is an obvious intent; accept it.
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("bot_mode", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    # -- checks that depend on what is being started -----------------------------
    def token(self) -> str:
        """The bot token, or ConfigError when it is not set (``run`` needs it)."""
        if self.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN", "is not set; get a token from @BotFather")
        return self.telegram_bot_token.get_secret_value()

    def secret_token(self) -> str | None:
        """The webhook secret token as plain text, if set."""
        return self.webhook_secret_token.get_secret_value() if self.webhook_secret_token \
            else None

    def check_for_run(self) -> None:
        """Raise ConfigError for anything ``migrant-bot run`` would trip over later."""
        self.token()
        if self.bot_mode == "webhook":
            if not self.webhook_url:
                raise ConfigError("WEBHOOK_URL", "is required when BOT_MODE=webhook")
            if self.webhook_secret_token is None:
                raise ConfigError("WEBHOOK_SECRET_TOKEN", "is required when BOT_MODE=webhook")

    def webhook_path(self) -> str:
        """The path the webhook server listens on: the path of WEBHOOK_URL."""
        return urlparse(self.webhook_url or "").path.strip("/")

    def ensure_database_folder(self) -> Path:
        """Create the folder of DATABASE_PATH; ConfigError when that is impossible."""
        folder = self.database_path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError("DATABASE_PATH", f"cannot create folder {folder}: "
                              f"{exc.strerror or exc}") from None
        return self.database_path


def load_settings() -> Settings:
    """Read the settings from the environment; ConfigError names the bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(field.upper(), message) from None

