"""The ground under the domain: rules as plain code with no database and no queue (status
machine, routing, deadlines, tracking codes, time formatting) and the small process helpers
every layer needs (logsafe: no token in logs; private_files: owner-only files and folders).
Nothing here imports services/ or an entry point."""
