# shellcheck shell=bash
# Redis for tests: reuse whatever answers at $REDIS_URL, else start Debian's redis-server
# daemonized on loopback, without persistence (tests own their keys; nothing to keep).

REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
REDIS_HOST=$(host_of "$REDIS_URL")
REDIS_PORT=$(port_of "$REDIS_URL" 6379)
REDIS_DIR=$SNF_STATE/redis
REDIS_PIDFILE=$REDIS_DIR/redis.pid

# PING over a raw socket, so redis-cli is not needed to tell whether Redis answers.
redis_pings() {
  # shellcheck disable=SC2016 # $0/$1 expand in the inner shell
  timeout 2 bash -c '
    exec 3<>/dev/tcp/$0/$1 || exit 1
    printf "PING\r\n" >&3
    IFS= read -r -t 1 line <&3 && [[ $line == +PONG* || $line == -NOAUTH* ]]
  ' "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
}

redis_up() {
  if redis_pings; then
    say "redis: up at $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  port_open "$REDIS_HOST" "$REDIS_PORT" &&
    die "redis: something listens on $REDIS_HOST:$REDIS_PORT but does not answer PING"
  is_local_host "$REDIS_HOST" ||
    die "redis: $REDIS_URL does not answer, and it is not on this machine (unset REDIS_URL to use a local one)"
  need_cmd redis-server redis-server
  # Installing the package may have started the distribution's own server on the same port.
  if redis_pings; then say "redis: up at $REDIS_HOST:$REDIS_PORT (started by the package)"; return 0; fi
  say "redis: starting on $REDIS_HOST:$REDIS_PORT…"
  mkdir -p "$REDIS_DIR"
  redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR" \
    --save '' --appendonly no --protected-mode yes 9>&- ||
    die "redis: redis-server failed to start (log: $REDIS_DIR/redis.log)"
  WAIT_S=${SNF_REDIS_TIMEOUT_S:-20} wait_until redis_pings || {
    tail -n 20 "$REDIS_DIR/redis.log" >&2
    die "redis: no PONG from $REDIS_HOST:$REDIS_PORT within ${SNF_REDIS_TIMEOUT_S:-20}s"
  }
  say "redis: up at $REDIS_HOST:$REDIS_PORT (pid $(<"$REDIS_PIDFILE"))"
}

redis_status() {
  local pid
  if pid=$(live_pid "$REDIS_PIDFILE" redis-server); then
    if redis_pings; then
      say "redis: up at $REDIS_HOST:$REDIS_PORT (pid $pid, started by services.sh)"
    else
      say "redis: pid $pid alive but not answering at $REDIS_HOST:$REDIS_PORT"
    fi
  elif redis_pings; then
    say "redis: up at $REDIS_HOST:$REDIS_PORT (not started by services.sh)"
  else
    say "redis: down ($REDIS_HOST:$REDIS_PORT)"
    return 1
  fi
}

redis_down() {
  local pid
  if pid=$(live_pid "$REDIS_PIDFILE" redis-server); then
    say "redis: stopping pid $pid…"
    stop_pid "$pid" redis 10
  else
    say "redis: nothing started by services.sh is running"
  fi
  rm -f "$REDIS_PIDFILE"
}
