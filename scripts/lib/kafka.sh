# shellcheck shell=bash
# Kafka for tests: reuse whatever answers at $KAFKA_BROKERS, else run a single-node KRaft
# broker (no ZooKeeper) from the jars scripts/kafka/pom.xml pins, fetched once from Maven
# Central into .snf/kafka/libs (later runs reuse them and ~/.m2).

KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
KAFKA_HOST=$(host_of "$KAFKA_BROKERS")
KAFKA_PORT=$(port_of "$KAFKA_BROKERS" 9092)
KAFKA_CONTROLLER_PORT=${SNF_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
KAFKA_DIR=$SNF_STATE/kafka
KAFKA_LIBS=$KAFKA_DIR/libs
KAFKA_PIDFILE=$KAFKA_DIR/kafka.pid
KAFKA_LOG=$KAFKA_DIR/kafka.log
KAFKA_POM=$SCRIPTS_DIR/kafka/pom.xml
KAFKA_TIMEOUT_S=${SNF_KAFKA_TIMEOUT_S:-120}

kafka_port_open() { port_open "$KAFKA_HOST" "$KAFKA_PORT"; }

# The broker is usable when a real client can list topics and sees a registered broker.
# Needs the repo's kafkajs; before `npm ci` only the open port can be checked.
kafka_ready() {
  if [[ ! -d $ROOT/node_modules/kafkajs ]]; then
    say "kafka: node_modules/kafkajs missing (run npm ci), so only the open port was checked"
    return 0
  fi
  KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT" node "$SCRIPTS_DIR/kafka/ready.js" "$@"
}

# Jars are fetched again only when the pom changes (its hash is kept beside them).
kafka_fetch_jars() {
  local want have=''
  want=$(sha256sum "$KAFKA_POM" | cut -c1-16)
  [[ -f $KAFKA_LIBS/.pom-hash ]] && have=$(<"$KAFKA_LIBS/.pom-hash")
  if [[ $want == "$have" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then return 0; fi
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  say "kafka: downloading broker jars (first run)…"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >"$KAFKA_DIR/mvn.log" 2>&1 || {
    tail -n 30 "$KAFKA_DIR/mvn.log" >&2
    rm -rf "$KAFKA_LIBS"
    die "kafka: mvn dependency:copy-dependencies failed (log: $KAFKA_DIR/mvn.log)"
  }
  printf '%s\n' "$want" >"$KAFKA_LIBS/.pom-hash"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
# Written by scripts/services.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
# Test data only: keep the disk small.
log.retention.hours=6
log.segment.bytes=16777216
PROPS
  # The broker logs through log4j2; one console appender, captured into kafka.log.
  cat >"$KAFKA_DIR/log4j2.properties" <<'PROPS'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
PROPS
}

# Base64url of 16 random bytes, as Kafka's own Uuid; ids starting with '-' confuse CLIs.
kafka_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id != -* ]] && { printf '%s' "$id"; return; }
  done
}

# A modest heap: tests push little data, and the machine is shared.
KAFKA_JAVA=(java -Xms128m -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" -cp "$KAFKA_LIBS/*")

kafka_format() {
  [[ -f $KAFKA_DIR/data/meta.properties ]] && return 0
  say "kafka: formatting storage…"
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --config "$KAFKA_DIR/server.properties" \
    --cluster-id "$(kafka_cluster_id)" --ignore-formatted >"$KAFKA_DIR/format.log" 2>&1 || {
    tail -n 30 "$KAFKA_DIR/format.log" >&2
    die "kafka: storage format failed (log: $KAFKA_DIR/format.log)"
  }
}

kafka_fail() {
  say "kafka: $1; last lines of $KAFKA_LOG:" >&2
  tail -n 40 "$KAFKA_LOG" >&2 || true
  die "kafka: $1 (try: bash scripts/services.sh reset, then up)"
}

kafka_up() {
  local pid
  # The jars are fetched even when a broker already answers: the chaos tests start brokers of
  # their own from them (test/chaos/own-kafka.ts).
  mkdir -p "$KAFKA_DIR"
  kafka_fetch_jars
  if kafka_port_open; then
    # Answering is not enough: it may be a broker another shell is still starting.
    kafka_ready "$KAFKA_TIMEOUT_S" || kafka_fail "$KAFKA_HOST:$KAFKA_PORT answers but is not a usable broker"
    say "kafka: up at $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  is_local_host "$KAFKA_HOST" ||
    die "kafka: $KAFKA_BROKERS does not answer, and it is not on this machine (unset KAFKA_BROKERS to use a local one)"
  if pid=$(live_pid "$KAFKA_PIDFILE" kafka.Kafka); then
    say "kafka: pid $pid is alive but not listening yet, waiting…"
  else
    kafka_write_config
    kafka_format
    say "kafka: starting broker on $KAFKA_HOST:$KAFKA_PORT…"
    # setsid: the broker outlives this shell and is not hit by the caller's Ctrl-C;
    # 9>&-: it must not inherit (and so hold forever) services.sh's lock.
    # Keep one previous log; the broker appends for as long as it runs.
    [[ -f $KAFKA_LOG ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
    setsid "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" \
      >>"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$KAFKA_PIDFILE"
  fi
  local deadline=$((SECONDS + KAFKA_TIMEOUT_S))
  until kafka_port_open; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$KAFKA_PIDFILE"; kafka_fail "broker exited during startup"; }
    ((SECONDS < deadline)) || kafka_fail "port $KAFKA_PORT not open after ${KAFKA_TIMEOUT_S}s"
    sleep 0.2
  done
  kafka_ready "$((deadline - SECONDS > 5 ? deadline - SECONDS : 5))" ||
    kafka_fail "broker listens but is not usable"
  say "kafka: up at $KAFKA_HOST:$KAFKA_PORT (pid $pid)"
}

kafka_status() {
  local pid
  if pid=$(live_pid "$KAFKA_PIDFILE" kafka.Kafka); then
    if kafka_port_open; then
      say "kafka: up at $KAFKA_HOST:$KAFKA_PORT (pid $pid, started by services.sh)"
    else
      say "kafka: pid $pid alive but not listening on $KAFKA_HOST:$KAFKA_PORT"
    fi
  elif kafka_port_open; then
    say "kafka: up at $KAFKA_HOST:$KAFKA_PORT (not started by services.sh)"
  else
    say "kafka: down ($KAFKA_HOST:$KAFKA_PORT)"
    return 1
  fi
}

kafka_down() {
  local pid
  if pid=$(live_pid "$KAFKA_PIDFILE" kafka.Kafka); then
    say "kafka: stopping pid $pid…"
    stop_pid "$pid" kafka 30
  else
    say "kafka: nothing started by services.sh is running"
  fi
  rm -f "$KAFKA_PIDFILE"
}

# Drop the broker's data (topics, offsets, cluster id); the jars stay.
kafka_reset() { kafka_down; rm -rf "$KAFKA_DIR/data"; say "kafka: data removed"; }
