"""Background work on RQ: assignment, the outbox sender, reminders, escalation and reports."""
