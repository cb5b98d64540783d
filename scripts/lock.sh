#!/usr/bin/env bash
# Make requirements.lock from requirements.txt: every package the project installs, transitive
# ones included, pinned to one version with the sha256 of each of its files (uv pip compile).
# Run it after editing requirements.txt and commit both files.
#   scripts/lock.sh                        keeps the versions already locked that still fit
#   scripts/lock.sh --upgrade-package X    moves X (and what it needs) to its newest version
#   scripts/lock.sh --upgrade              moves every transitive dependency to its newest version
# The lock is "universal" (any OS; Python 3.11, the version scripts/setup.sh uses), so an
# install from it is the same on every machine. scripts/setup.sh installs from it with
# pip --require-hashes; scripts/test.sh checks it still matches requirements.txt.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
uv pip compile requirements.txt --universal --python-version 3.11 --generate-hashes \
  --custom-compile-command "scripts/lock.sh" --output-file requirements.lock --quiet "$@"
say "requirements.lock written: commit it with requirements.txt"
