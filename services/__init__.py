"""The domain: what Wadul does with complaints, cut by concept (complaints/, messaging/,
feedback/, and flat modules for linking, stats, access, regions, media, auth, demo, tx,
runtime, wiring).

It imports only the ground (models, migrations, core, config, i18n), never an entry point
(bot, panel, workers, sandbox), which call it; tests/test_layering.py keeps that true.
"""
