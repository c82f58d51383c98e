"""The logging set-up on its own: redaction filter and JSON lines."""

from __future__ import annotations

import io
import json
import logging

from bot.adapters.telegram.logs import (
    NOISY_LOGGERS,
    PRIVATE_LOGGERS,
    REDACTED,
    JsonFormatter,
    RedactingFilter,
    configure_logging,
)


def test_the_filter_redacts_message_arguments_and_tracebacks() -> None:
    token = "123456:SECRET-token_value"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([token]))
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("url https://api.telegram.org/bot%s/getMe", token)
        log.warning(f"inline {token}")
        try:
            raise RuntimeError(f"failed calling /bot{token}/sendMessage")
        except RuntimeError:
            log.exception("request failed")
        log.warning("stack", stack_info=True, extra={"x": token})
    finally:
        log.removeHandler(handler)
        log.propagate = True
    output = stream.getvalue()
    assert token not in output
    assert output.count(REDACTED) >= 3
    lines = [json.loads(line) for line in output.splitlines()]
    assert lines[0]["message"] == f"url https://api.telegram.org/bot{REDACTED}/getMe"
    assert "RuntimeError" in lines[2]["exception"]


def test_configure_logging_writes_json_lines() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", "json", stream=stream)
    try:
        logging.getLogger("test.json").info("hello %s", "world")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["message"] == "hello world" and record["level"] == "INFO"


def test_text_lines_are_one_line_per_event_even_with_a_traceback() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", "text", stream=stream)
    try:
        log = logging.getLogger("test.oneline")
        log.info("first\nsecond")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("test.oneline: first\\nsecond")
    assert "Traceback" in lines[1] and "ValueError: boom" in lines[1]


def test_json_lines_outside_an_update_have_no_update_id() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", "json", stream=stream)
    try:
        logging.getLogger("test.context").info("two\nlines")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "two\nlines" and "update_id" not in record


def test_quiet_loggers_never_go_below_log_level() -> None:
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in (*NOISY_LOGGERS,
                                                                  *PRIVATE_LOGGERS)}
    handler = configure_logging("ERROR", "text", stream=io.StringIO())
    try:
        for name in (*NOISY_LOGGERS, *PRIVATE_LOGGERS):
            assert logging.getLogger(name).level == logging.ERROR
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, value in saved[1].items():
            logging.getLogger(name).setLevel(value)
