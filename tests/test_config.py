"""Settings from the environment: defaults, parsing, and one clear error per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_BASE_URL, ConfigError, Settings, load_settings

VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "DATABASE_PATH", "CONTENT_DIR",
             "LOCALES_DIR", "BOT_MODE", "WEBHOOK_URL", "WEBHOOK_LISTEN", "WEBHOOK_PORT",
             "WEBHOOK_SECRET_TOKEN", "HEALTH_PORT", "ADMIN_IDS", "LOG_LEVEL", "LOG_FORMAT")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_base_url == DEFAULT_BASE_URL
    assert settings.database_path == Path("./data/migrant-bot.sqlite3")
    assert settings.bot_mode == "polling"
    assert (settings.webhook_listen, settings.webhook_port) == ("0.0.0.0", 8443)
    assert settings.health_port == 8080
    assert settings.admin_ids == ()
    assert (settings.log_level, settings.log_format) == ("INFO", "text")


def test_everything_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    values = {
        "TELEGRAM_BOT_TOKEN": "123456:ABC-def_ghi", "TELEGRAM_BASE_URL":
        "http://127.0.0.1:8081/bot", "DATABASE_PATH": str(tmp_path / "x" / "db.sqlite3"),
        "CONTENT_DIR": "/srv/content", "LOCALES_DIR": "/srv/locales", "BOT_MODE": "Webhook",
        "WEBHOOK_URL": "https://bot.example.org/tg/hook", "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": "8080", "WEBHOOK_SECRET_TOKEN": "s3cret_-X", "ADMIN_IDS": "1, 22,333",
        "LOG_LEVEL": "debug", "LOG_FORMAT": "JSON", "HEALTH_PORT": "9090",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    settings.check_for_run()
    assert settings.token() == "123456:ABC-def_ghi"
    assert settings.secret_token() == "s3cret_-X"
    assert settings.bot_mode == "webhook" and settings.webhook_port == 8080
    assert settings.health_port == 9090
    assert settings.webhook_path() == "tg/hook"
    assert settings.admin_ids == (1, 22, 333)
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert settings.content_dir == Path("/srv/content")
    assert settings.ensure_database_folder().parent.is_dir()


def test_secrets_are_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-def_ghi")
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "s3cret")
    text = repr(load_settings())
    assert "ABC-def_ghi" not in text and "s3cret" not in text


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "")
    monkeypatch.setenv("ADMIN_IDS", "")
    settings = load_settings()
    assert settings.webhook_url is None and settings.admin_ids == ()


@pytest.mark.parametrize("name,value", [
    ("TELEGRAM_BOT_TOKEN", "abc:123"),
    ("TELEGRAM_BOT_TOKEN", "987654"),
    ("TELEGRAM_BOT_TOKEN", "123:abc def"),
    ("TELEGRAM_BASE_URL", "127.0.0.1:8081/bot"),
    ("BOT_MODE", "push"),
    ("WEBHOOK_URL", "bot.example.org/hook"),
    ("WEBHOOK_PORT", "eighty"),
    ("WEBHOOK_PORT", "0"),
    ("HEALTH_PORT", "65536"),
    ("HEALTH_PORT", "-1"),
    ("WEBHOOK_SECRET_TOKEN", "has spaces"),
    ("ADMIN_IDS", "1;2"),
    ("LOG_LEVEL", "chatty"),
    ("LOG_FORMAT", "yaml"),
])
def test_a_malformed_variable_is_named(monkeypatch: pytest.MonkeyPatch, name: str,
                                       value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert error.value.variable == name
    assert str(error.value).startswith(f"{name}: ")
    assert "\n" not in str(error.value)
    if "TOKEN" in name:
        assert value not in str(error.value), "a secret is never echoed"


def test_health_port_zero_disables_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTH_PORT", "0")
    assert load_settings().health_port == 0


def test_run_needs_a_token() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings().check_for_run()
    assert error.value.variable == "TELEGRAM_BOT_TOKEN"


@pytest.mark.parametrize("missing", ["WEBHOOK_URL", "WEBHOOK_SECRET_TOKEN"])
def test_webhook_mode_needs_url_and_secret(monkeypatch: pytest.MonkeyPatch,
                                           missing: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:a")
    monkeypatch.setenv("BOT_MODE", "webhook")
    for name, value in {"WEBHOOK_URL": "https://x.org/h",
                        "WEBHOOK_SECRET_TOKEN": "abc"}.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings().check_for_run()
    assert error.value.variable == missing


def test_an_impossible_database_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = Settings(database_path=blocker / "sub" / "db.sqlite3")
    with pytest.raises(ConfigError) as error:
        settings.ensure_database_folder()
    assert error.value.variable == "DATABASE_PATH"
