"""Domain operations that touch the database: the status door, the outbox, complaints.

Pure rules live in `core/`; entry points (bot, panel, workers) call these.
"""
