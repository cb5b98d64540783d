# Shared set-up, sourced by scripts/run.sh and scripts/test.sh:
# Python 3.11 virtual environment in .venv/ with the pinned packages, and a running Redis.
# Installs what a fresh Debian machine lacks (apt-get; run as root or with sudo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m[wadul]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  if [ -z "${WADUL_APT_UPDATED:-}" ]; then as_root apt-get update -qq; export WADUL_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

ensure_python() {
  PYTHON="${PYTHON:-}"
  for candidate in python3.11 python3; do
    if [ -z "$PYTHON" ] && command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      PYTHON="$candidate"
    fi
  done
  if [ -z "$PYTHON" ]; then
    say "installing Python 3.11"
    apt_install python3 python3-venv python3-dev
    PYTHON=python3
  fi
}

ensure_venv() {
  ensure_python
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    "$PYTHON" -m venv .venv || { apt_install python3-venv; "$PYTHON" -m venv .venv; }
  fi
  # requirements.lock pins every package (pip included) with its hashes: pip refuses a file
  # whose hash differs and any package the lock does not name. Re-installs when the lock changes.
  local stamp=".venv/.requirements.sha256"
  local want; want="$(sha256sum requirements.lock | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages (requirements.lock)"
    .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
    echo "$want" > "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

ensure_redis() {
  local host="${1:-127.0.0.1}" port="${2:-6379}"
  port_open "$host" "$port" && return 0
  if ! command -v redis-server >/dev/null; then
    say "installing Redis"
    apt_install redis-server
  fi
  say "starting Redis on $host:$port"
  redis-server --daemonize yes --bind "$host" --port "$port" --save "" --appendonly no \
    --logfile "${TMPDIR:-/tmp}/wadul-redis.log"
  for _ in $(seq 50); do port_open "$host" "$port" && return 0; sleep 0.1; done
  say "Redis did not start; see ${TMPDIR:-/tmp}/wadul-redis.log"; return 1
}

ensure_postgres() {
  port_open 127.0.0.1 5432 && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  local version; version="$(ls /etc/postgresql | sort -V | tail -n1)"
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
  for _ in $(seq 100); do port_open 127.0.0.1 5432 && break; sleep 0.1; done
  # A fresh cluster allows password logins on 127.0.0.1: give the test role a known one.
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
}

ensure_chromium() {
  # Browser tests drive Debian's Chromium through Playwright (never Playwright's own download).
  command -v chromium >/dev/null && return 0
  say "installing Chromium for the browser tests"
  apt_install chromium fonts-liberation
}
