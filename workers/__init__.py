"""The worker process (an entry point): RQ jobs, the clock, sweeps and delivery.

- jobs: the RQ job functions, thin wrappers over the domain (services/) that the queue names;
- sender, claims, parts, telegram_api: delivering outbox rows to Telegram;
- clock, sweeps, reminders, reports: what runs on a schedule;
- process, __main__: starting and keeping the worker and clock processes.
What a job decides (routing, deadlines, who is told what) is the domain's, in services/.
"""
