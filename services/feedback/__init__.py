"""Feedback: closing the loop with the reporter.

- closing: confirm and rate, reopen, add information (the reporter's side);
- messages: what the reporter reads when the loop is to be closed (registered with the
  status door by services.wiring);
- notices: what the office is told when the reporter reopens or adds information.
"""
