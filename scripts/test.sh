#!/usr/bin/env bash
# `npm test`: build, typecheck, bring up Redis and Kafka (scripts/services.sh), then run every
# jest suite (unit, integration, e2e, chaos) and close with one "N passed, N failed" line.
#   npm test                      everything, as CI runs it
#   npm test -- test/unit/sdk     services up, then just `jest <args>` (quick loop)
#   SNF_TEST_SUITES="unit e2e" npm test   the full flow, but only those suites
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STATE=${SNF_STATE_DIR:-$ROOT/.snf}
mkdir -p "$STATE"

say() { printf '%s\n' "$*"; }
die() { printf 'test: error: %s\n' "$*" >&2; exit 1; }
step() { say "== $* ($(date +%T))"; }

export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
export KAFKAJS_NO_PARTITIONER_WARNING=1

JEST_FLAGS=()
[[ ${CI:-} == true || ${CI:-} == 1 ]] && JEST_FLAGS+=(--ci)

if (($# > 0)); then
  bash scripts/services.sh up
  exec npx jest "${JEST_FLAGS[@]}" "$@"
fi

# Real data: SNF_DATA, else ../shared/data. Required under CI; elsewhere the real-data suites
# skip with one line naming SNF_DATA (TESTING.md).
if [[ -z ${SNF_DATA:-} && -d ../shared/data ]]; then SNF_DATA=$(cd ../shared/data && pwd); fi
if [[ -n ${SNF_DATA:-} && -f $SNF_DATA/README.md ]]; then
  export SNF_DATA
  say "data: real data at $SNF_DATA"
elif [[ ${CI:-} == true || ${CI:-} == 1 ]]; then
  die "CI=true but real data is missing: expected ${SNF_DATA:-$(dirname "$ROOT")/shared/data}/README.md (set SNF_DATA)"
else
  unset SNF_DATA
  say "data: no real data (../shared/data absent, SNF_DATA unset): real-data suites will skip"
fi

t0=$SECONDS
step "build"
npm run --silent build
step "typecheck"
npx tsc --noEmit -p tsconfig.json
step "imports (dependency-cruiser: .dependency-cruiser.js)"
npm run --silent lint:imports
step "services"
bash scripts/services.sh up

# One jest run per suite: unit and integration use jest's workers; e2e and chaos start real
# processes on fixed ports, so they run one file at a time. Every suite runs even when an
# earlier one failed, so one CI run shows all failures.
rc=0
results=()
for suite in ${SNF_TEST_SUITES:-unit integration e2e chaos}; do
  if [[ -z $(find "test/$suite" -name '*.test.ts' -print -quit 2>/dev/null) ]]; then
    say "== jest $suite: no test files yet"
    continue
  fi
  step "jest $suite"
  out="$STATE/jest-$suite.json"
  rm -f "$out"
  extra=()
  [[ $suite == e2e || $suite == chaos ]] && extra+=(--runInBand)
  [[ $suite == unit ]] && extra+=(--coverage)
  npx jest --selectProjects "$suite" "${JEST_FLAGS[@]}" "${extra[@]}" --json --outputFile="$out" || rc=1
  results+=("$suite=$out")
done

# The closing line CI reads: totals over all suites; zero tests run is a failure too.
node - "${results[@]}" <<'JS' || rc=1
const fs = require('fs');
let passed = 0, failed = 0, skipped = 0, broken = 0;
for (const arg of process.argv.slice(2)) {
  const [suite, file] = arg.split('=');
  if (!fs.existsSync(file)) { console.log(`jest ${suite}: no result file (jest crashed)`); broken++; continue; }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests; failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  broken += r.numRuntimeErrorTestSuites;
  console.log(`jest ${suite}: ${r.numPassedTests} passed, ${r.numFailedTests} failed` +
    ` in ${r.numTotalTestSuites} files` + (r.numRuntimeErrorTestSuites ? `, ${r.numRuntimeErrorTestSuites} files did not run` : ''));
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) { console.log('test: error: no test ran'); process.exit(1); }
process.exit(failed > 0 || broken > 0 ? 1 : 0);
JS
say "== done in $((SECONDS - t0))s, exit $rc"
exit $rc
