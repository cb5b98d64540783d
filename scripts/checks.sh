#!/usr/bin/env bash
# Supply-chain and static checks, run by scripts/test.sh before the tests (so by CI):
#   1. requirements.lock matches requirements.txt (scripts/check_lock.py)
#   2. bandit, static security analysis of the code (settings: [tool.bandit] in pyproject.toml)
#   3. pip-audit, known vulnerabilities of every locked package (requirements.lock)
# Any finding fails. pip-audit needs a vulnerability database, OSV's or PyPI's: when neither
# answers from this machine the audit is SKIPPED with a loud message, and WADUL_REQUIRE_AUDIT=1
# makes that a failure instead.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
status=0

say "check: requirements.lock matches requirements.txt"
python scripts/check_lock.py || status=1

say "check: bandit (static security analysis)"
if bandit -c pyproject.toml -r . -q; then
  echo "bandit: no issues"
else
  echo "bandit: the findings above must be fixed, or marked '# nosec BXXX  # reason' when false"; status=1
fi

say "check: pip-audit (known vulnerabilities of the locked packages)"
# Which vulnerability database answers? Ask each about the locked pip: OSV first (pip-audit's
# default), then PyPI's. One that cannot be reached fails, or skips the package as unknown.
probe="$(mktemp)"; trap 'rm -f "$probe"' EXIT
grep -m1 -E '^pip==' requirements.lock | cut -d' ' -f1 > "$probe"
service=""
for candidate in osv pypi; do
  if pip-audit --no-deps --disable-pip --requirement "$probe" --format json --progress-spinner off \
       --vulnerability-service "$candidate" 2>/dev/null |
     python -c 'import json, sys
try:
    deps = json.load(sys.stdin)["dependencies"]
except ValueError:  # no report: the service could not be reached
    sys.exit(1)
sys.exit(not deps or "skip_reason" in deps[0])'
  then service="$candidate"; break; fi
done
if [ -n "$service" ]; then
  if pip-audit --strict --progress-spinner off --vulnerability-service "$service" \
       --requirement requirements.lock --require-hashes --disable-pip; then
    echo "pip-audit ($service): no known vulnerabilities in requirements.lock"
  else
    echo "pip-audit: upgrade the package named above (scripts/lock.sh --upgrade-package NAME), or explain an"
    echo "  accepted one with --ignore-vuln ID in scripts/checks.sh"
    status=1
  fi
else
  cat <<'MSG'
################################################################################################
##  DEPENDENCY AUDIT SKIPPED: no vulnerability database is reachable from this machine        ##
##  (pip-audit tried OSV and PyPI). The locked packages were NOT checked for known            ##
##  vulnerabilities. Run scripts/checks.sh where one answers; WADUL_REQUIRE_AUDIT=1 turns     ##
##  this skip into a failure.                                                                  ##
################################################################################################
MSG
  [ "${WADUL_REQUIRE_AUDIT:-0}" = 1 ] && status=1
fi
exit $status
