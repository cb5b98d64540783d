"""The one place where the domain's extension tables are filled: explicit calls, no import
side effects. Every process calls `wire()` once at start (panel's create_app, the bot's
build_application, the worker's main, the test suite's conftest); calling it again is
harmless.

- the status door writes the "resolved" message with its "is it fixed?" buttons
  (services.feedback.messages) instead of its plain text.
"""
from __future__ import annotations

from core import status as st
from services.complaints import status_door
from services.feedback import messages


def wire() -> None:
    """Register the builders the status door uses for particular statuses."""
    status_door.register(st.RESOLVED, messages.resolved_message)
