from __future__ import annotations

import io
import logging

from bot.logs import REDACTED, configure_logging

TOKEN = "123456:AAH-secret-token_value"


def test_token_is_redacted_from_messages_args_and_tracebacks() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=(TOKEN,), stream=stream)
    log = logging.getLogger("kutip.test")
    log.debug("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info(f"plain {TOKEN}")
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    text = stream.getvalue()
    assert TOKEN not in text
    assert text.count(REDACTED) >= 3
    assert "RuntimeError" in text


def test_httpx_stays_at_warning_even_in_debug() -> None:
    configure_logging("DEBUG", secrets=(TOKEN,), stream=io.StringIO())
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
