#!/usr/bin/env bash
# Set up and run the whole system locally: panel (web), worker, clock and bot, with the
# database initialised and the Ketapang demo loaded on first run.
# Settings come from the environment or .env (see README, "Configuration").
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
umask 077   # every file the processes write (database, media, logs) is the owner's alone
[ -f .env ] && set -a && source .env && set +a
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export WEB_PORT="${WEB_PORT:-5000}"
redis_hostport="${REDIS_URL#*://}"; redis_hostport="${redis_hostport%%/*}"; redis_hostport="${redis_hostport##*@}"
ensure_redis "${redis_hostport%%:*}" "$(echo "$redis_hostport" | awk -F: '{print ($2 == "" ? 6379 : $2)}')"
mkdir -p instance

flask --app panel init-db   # an existing database of an earlier version is upgraded first
if [ ! -f instance/demo-logins.txt ]; then
  say "first run: loading the Ketapang demo directory"
  flask --app panel seed-demo | tee instance/demo-logins.txt
  chmod 600 instance/demo-logins.txt
fi

processes=(web worker sender clock bot)
env_files=".env"
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  # No token: the sandbox (a local Telegram, sandbox/) stands in, and the real bot and worker
  # talk to it through TELEGRAM_API_URL. With a token, nothing of the sandbox runs.
  export SANDBOX_API_PORT="${SANDBOX_API_PORT:-8081}" SANDBOX_CHAT_PORT="${SANDBOX_CHAT_PORT:-8080}"
  export PANEL_URL="${PANEL_URL:-http://127.0.0.1:$WEB_PORT}"
  python -m sandbox env > instance/sandbox.env   # TELEGRAM_BOT_TOKEN=<local token>, TELEGRAM_API_URL
  set -a && source instance/sandbox.env && set +a
  env_files=".env,instance/sandbox.env"           # honcho reads .env again: the sandbox's values win
  processes+=(sandbox)
  say "no TELEGRAM_BOT_TOKEN: running the sandbox, a local Telegram"
  say "sandbox chat: http://127.0.0.1:$SANDBOX_CHAT_PORT  (talk to the bot as simulated Telegram users)"
fi
say "panel: http://127.0.0.1:$WEB_PORT/admin/  (demo logins: instance/demo-logins.txt)"
# SEND_WORKERS sender processes (default 2), each with 8 calls in flight; the shared limit in Redis paces them together.
exec honcho start -f Procfile -e "$env_files" -c "sender=${SEND_WORKERS:-2}" "${processes[@]}"
