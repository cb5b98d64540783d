"""Messaging: who is told what, and how it gets on its way.

- outbox: writing outbound messages as rows in the caller's transaction (escaping included);
- enqueue: putting jobs on the RQ queues (queue names, job names) after the commit;
- notices: recipients and texts of the office, admin and reminder notices;
- ratelimit: the token's one rate limit in Redis, shared by the send workers and the bot.
Delivery itself (the sender, rate limits, the Telegram client) is the worker's (workers/).
"""
