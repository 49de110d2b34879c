#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Brings up the real services the tests need: Redis and a single-node Kafka (KRaft); installs
# Prometheus + promtool (tests start their own instance); Debian's chromium for the browser tests.
#   bash scripts/services.sh up|down|status|reset
# `up` is idempotent: anything already answering at REDIS_URL / KAFKA_BROKERS is reused,
# otherwise a local server is installed/started and left running for the next test run.
# See scripts/README.md.
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPTS_DIR/.." && pwd)
SNF_STATE=${SNF_STATE_DIR:-$ROOT/.snf}
mkdir -p "$SNF_STATE"

source "$SCRIPTS_DIR/lib/common.sh"
source "$SCRIPTS_DIR/lib/redis.sh"
source "$SCRIPTS_DIR/lib/kafka.sh"
source "$SCRIPTS_DIR/lib/kube.sh"
source "$SCRIPTS_DIR/lib/prometheus.sh"
source "$SCRIPTS_DIR/lib/chromium.sh"

# Several shells may run `up` at once (parallel test runs); one at a time starts things.
lock() {
  exec 9>"$SNF_STATE/services.lock"
  flock -n 9 && return 0
  say "services: another services.sh is running, waiting for it…"
  flock -w 300 9 || die "another services.sh has held $SNF_STATE/services.lock for 5 minutes"
}

# Command-line tools the tests drive for real: tcpdump reads back the pcaps SNF writes.
tools_up() { need_cmd tcpdump tcpdump; }

# Kubernetes API server + helm (lib/kube.sh); SNF_KUBE=off skips it (no Go toolchain, say).
kube_maybe() { [[ ${SNF_KUBE:-on} == off ]] || "kube_$1"; }

cmd=${1:-status}
case $cmd in
  up)     lock; t0=$SECONDS; tools_up; prometheus_up; chromium_up; redis_up; kafka_up; kube_maybe up; say "services: up in $((SECONDS - t0))s" ;;
  down)   lock; kube_maybe down; kafka_down; redis_down ;;
  status) rc=0; redis_status || rc=1; kafka_status || rc=1; prometheus_status || rc=1; chromium_status || rc=1; kube_maybe status || rc=1; exit $rc ;;
  reset)  lock; kafka_reset; redis_down ;;
  *)      die "usage: services.sh up|down|status|reset (got '$cmd')" ;;
esac
