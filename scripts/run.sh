#!/usr/bin/env bash
# Set up and run the whole system locally: panel (web), worker, clock and bot, with the
# database initialised and the Ketapang demo loaded on first run.
# Settings come from the environment or .env (see README, "Configuration").
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
[ -f .env ] && set -a && source .env && set +a
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export WEB_PORT="${WEB_PORT:-5000}"
redis_hostport="${REDIS_URL#*://}"; redis_hostport="${redis_hostport%%/*}"; redis_hostport="${redis_hostport##*@}"
ensure_redis "${redis_hostport%%:*}" "$(echo "$redis_hostport" | awk -F: '{print ($2 == "" ? 6379 : $2)}')"
mkdir -p instance

flask --app panel init-db
if [ ! -f instance/demo-logins.txt ]; then
  say "first run: loading the Ketapang demo directory"
  flask --app panel seed-demo | tee instance/demo-logins.txt
  chmod 600 instance/demo-logins.txt
fi

processes=(web worker clock)
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  processes+=(bot)
else
  python -m bot || true   # explains what it needs
fi
say "panel: http://127.0.0.1:$WEB_PORT  (demo logins: instance/demo-logins.txt)"
exec honcho start -f Procfile "${processes[@]}"
