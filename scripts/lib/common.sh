# shellcheck shell=bash
# Shared helpers for scripts/services.sh (sourced, not run).
# Everything the services script starts keeps its pid, data and logs under $SNF_STATE
# (.snf/ at the repo root, gitignored), so `down` only ever stops what `up` started.

say() { printf '%s\n' "$*"; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

# host:port from "redis://host:port/db", "host:port" or "host"; $2 is the default port.
host_of() { local s=${1#*://}; s=${s#*@}; s=${s%%/*}; s=${s%%,*}; printf '%s' "${s%%:*}"; }
port_of() {
  local s=${1#*://}; s=${s#*@}; s=${s%%/*}; s=${s%%,*}
  if [[ $s == *:* ]]; then printf '%s' "${s##*:}"; else printf '%s' "$2"; fi
}

is_local_host() { [[ $1 == 127.* || $1 == localhost || $1 == ::1 ]]; }

# True when something accepts TCP connections on host:port (bash's /dev/tcp, 1 s cap).
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# pid from a pid file, only if that process is alive and its command line matches $2
# (guards against a recycled pid after a reboot or crash).
live_pid() {
  local file=$1 pattern=$2 pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  printf '%s' "$pid"
}

# Stop a process we started: TERM, wait up to $3 seconds for it to exit, then KILL.
stop_pid() {
  local pid=$1 name=$2 grace=${3:-20} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name: did not stop within ${grace}s, killing"
  kill -KILL "$pid" 2>/dev/null || true
}

APT_UPDATED=0
# Install Debian packages non-interactively; `apt-get update` at most once per run, and only
# when the package lists are missing or the first install attempt fails.
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  [[ $(id -u) == 0 ]] || die "need root to apt-get install $* (or install it yourself)"
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then apt_update; fi
  if ! apt-get install -y -q --no-install-recommends "$@" >"$SNF_STATE/apt.log" 2>&1; then
    apt_update
    apt-get install -y -q --no-install-recommends "$@" >"$SNF_STATE/apt.log" 2>&1 ||
      { tail -n 20 "$SNF_STATE/apt.log" >&2; die "apt-get install $* failed (log: $SNF_STATE/apt.log)"; }
  fi
}
apt_update() {
  ((APT_UPDATED)) && return 0
  say "apt: updating package lists…"
  apt-get update -q >"$SNF_STATE/apt-update.log" 2>&1 ||
    { tail -n 20 "$SNF_STATE/apt-update.log" >&2; die "apt-get update failed"; }
  APT_UPDATED=1
}

# Ensure command $1 exists, installing Debian package $2 when it does not.
need_cmd() {
  command -v "$1" >/dev/null && return 0
  say "$1: not found, installing Debian package $2…"
  apt_install "$2"
  command -v "$1" >/dev/null || die "$1 still not found after installing $2"
}

# Wait until "$@" succeeds, polling every 0.2 s, for at most $WAIT_S seconds.
wait_until() {
  local deadline=$((SECONDS + WAIT_S))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
