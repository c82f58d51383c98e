from __future__ import annotations

from bot.dialogue.types import Event
from bot.ops.metrics import Metrics


def test_metrics_count_outcomes_feedback_errors_and_version() -> None:
    m = Metrics()
    m.set_content_version("abc123")
    m.record_update("text", 0.01, [Event("matched", topic="permit_renew", language="th",
                                         outcome="answer"),
                                   Event("topic_shown", topic="permit_renew", language="th")])
    m.record_update("text", 0.02, [Event("matched", language="my", outcome="fallback")])
    m.record_update("button", 0.001, [Event("feedback", topic="permit_renew", language="th",
                                            value=-1)])
    m.record_error(TimeoutError())
    m.set_content_version("def456")
    text = m.exposition().decode()
    assert 'migrantbot_updates_total{kind="text"} 2.0' in text
    assert ('migrantbot_replies_total{language="th",outcome="answer",topic="permit_renew"} 1.0'
            in text)
    assert 'migrantbot_fallbacks_total{language="my"} 1.0' in text
    assert 'migrantbot_feedback_total{language="th",topic="permit_renew",vote="down"} 1.0' in text
    assert 'migrantbot_errors_total{type="TimeoutError"} 1.0' in text
    assert "migrantbot_handler_seconds_count 3.0" in text
    assert 'migrantbot_content_info{version="def456"} 1.0' in text
    assert 'version="abc123"' not in text
