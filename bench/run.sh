#!/usr/bin/env bash
# The Alert Relay benchmark, one command: builds the jar, starts the relay on a fresh embedded
# database (temporary data dir, free port, its own JWT secret and master key), measures this
# machine's ceilings (pgbench, wrk) and drives flags on loopback only, then prints a table and
# writes bench/results/<timestamp>.json. Everything it starts, it stops.
#
#   bench/run.sh                 # the full run: about 5 minutes
#   bench/run.sh --smoke         # a few seconds per phase, to check that it works (fails on lost flags or
#                                # missing/unverifiable deliveries: --check; CI runs it after the tests)
#   bench/run.sh --seconds 30 --concurrency 64 --e2e-rate 500 --ingest-rate 1000 --label mine
#   bench/run.sh --profile       # also records a JFR profile of the relay next to the JSON
#   bench/run.sh --no-kafka      # without the Kafka phase (it starts the tests' KRaft broker otherwise)
#   bench/run.sh --kafka-rate 300  # signed partner records per second in the Kafka phase (default 100)
#
# The bench program is bench/src/io/alertrelay/bench/ (RelayBench and a class per step), compiled here.
# Environment: BENCH_JAVA_OPTS (JVM options of the relay, default below), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20 warmup=40 ceiling=10 concurrency=32 e2e_rate=500 ingest_rate=1000 label="" build=1 profile=0 keep=0 check=0
kafka=1 kafka_rate=100
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --ceiling-seconds) ceiling=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --e2e-rate) e2e_rate=$2; shift 2 ;;
    --ingest-rate) ingest_rate=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    --profile) profile=1; shift ;;
    --keep) keep=1; shift ;;
    --smoke) seconds=3 warmup=2 ceiling=2 e2e_rate=100 ingest_rate=200 concurrency=8 kafka_rate=20 label=${label:-smoke} check=1; shift ;;
    --check) check=1; shift ;;
    --no-kafka) kafka=0; shift ;;
    --kafka-rate) kafka_rate=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- tools: Java and Maven to build, wrk and pgbench for the ceilings (Debian packages)
need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)
[ -n "$pgbench" ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >/dev/null
    pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)
  else
    echo "missing ${need[*]}: install them (Debian: apt-get install ${need[*]}); ceilings without them are skipped" >&2
  fi
fi
# as root, the embedded PostgreSQL runs as this unprivileged user
if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres; fi

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: results are only meaningful when this is low)"
# another relay (a bench run still going, or one left behind) would share the same cores
if pgrep -f 'alert-relay.jar' >/dev/null 2>&1; then
  echo "WARNING: another alert-relay.jar process is running; the figures will be skewed:" >&2
  pgrep -fa 'alert-relay.jar' | cut -c1-150 >&2
fi
if [ "$build" = 1 ]; then
  echo "building target/alert-relay.jar ..."
  mvn -q -DskipTests package
fi
# the bench itself (bench/src), against the relay's classes and libraries in the jar, with the tests'
# Kafka broker (support/KafkaBroker.java: a KRaft broker in a child JVM, its classpath resolved by Maven once)
rm -rf target/bench-classes
javac -d target/bench-classes -cp target/alert-relay.jar $(find bench/src -name '*.java') \
  src/test/java/io/alertrelay/support/KafkaBroker.java

# ---- a relay of our own: temporary data dir, free port, secrets we know
work=$(mktemp -d /tmp/alert-relay-bench.XXXXXX)
chmod 755 "$work"
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
port=$(free_port)
jwt_secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
master_key=$(head -c 32 /dev/urandom | base64)
results=bench/results
mkdir -p "$results"
stamp=$(date -u +%Y%m%d-%H%M%S)

java_opts=${BENCH_JAVA_OPTS:--Xmx256m -XX:+ExitOnOutOfMemoryError}
jfr=""
if [ "$profile" = 1 ]; then
  jfr="$PWD/$results/$stamp${label:+-$label}.jfr"
  jfr_opts="-XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true"
fi

relay_pid="" kafka_pid=""
cleanup() {
  if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
    kill "$relay_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$relay_pid" 2>/dev/null || true
  fi
  # a PostgreSQL left behind by a killed relay
  if [ -f "$work/data/postgres/postmaster.pid" ]; then
    pg=$(head -1 "$work/data/postgres/postmaster.pid")
    kill "$pg" 2>/dev/null || true
  fi
  if [ -n "$kafka_pid" ] && kill -0 "$kafka_pid" 2>/dev/null; then
    kill "$kafka_pid" 2>/dev/null || true # its shutdown hook stops the broker and deletes its data
    for _ in $(seq 1 60); do kill -0 "$kafka_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$kafka_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# the relay's own routes plus one bench-only trivial route (GET /bench/ping), the HTTP ceiling
mkdir -p "$work/routes"
cp routes/*.camel.yaml "$work/routes/"
cat >"$work/routes/bench-ping.camel.yaml" <<'YAML'
# Bench only (copied in by bench/run.sh): the trivial endpoint whose rate is the HTTP ceiling.
- route:
    id: bench-ping
    description: Answer 200 with a constant, no database, for the benchmark's HTTP ceiling
    from:
      uri: platform-http:/bench/ping
      parameters:
        httpMethodRestrict: GET
      steps:
        - setBody:
            constant: "pong"
YAML

# ---- a Kafka broker for the Kafka phase: the tests' single-node KRaft broker, on free loopback ports
kafka_brokers="" kafka_skipped="--no-kafka given"
if [ "$kafka" = 1 ]; then
  echo "starting a Kafka broker (KRaft, as the tests do) ..."
  java -cp target/bench-classes:target/alert-relay.jar io.alertrelay.bench.KafkaBrokerLauncher >"$work/kafka.log" 2>&1 &
  kafka_pid=$!
  for _ in $(seq 1 240); do
    kafka_brokers=$(sed -n 's/^KAFKA_BROKERS=//p' "$work/kafka.log" | head -1)
    [ -n "$kafka_brokers" ] && break
    kill -0 "$kafka_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$kafka_brokers" ]; then
    kafka_skipped="no Kafka broker started (its log is printed above the table)"
    echo "no Kafka broker, the Kafka phase is skipped:"; tail -20 "$work/kafka.log"
    kill "$kafka_pid" 2>/dev/null || true
  fi
fi
kafka_opts=""
# partner consumers start within a second of registration instead of the default 10 s
[ -z "$kafka_brokers" ] || kafka_opts="-Drelay.partners.sync-ms=1000"

start_relay() { # $1: extra JVM options
  : >"$work/relay.log"
  # shellcheck disable=SC2086
  env RELAY_DATA_DIR="$work/data" RELAY_HTTP_PORT=$port RELAY_JWT_SECRET=$jwt_secret RELAY_MASTER_KEY=$master_key \
  RELAY_DEMO_DATA=true RELAY_ALLOW_PRIVATE_TARGETS=true RELAY_ROUTES_DIR="$work/routes" \
  ${kafka_brokers:+RELAY_KAFKA_BROKERS=$kafka_brokers} \
    java $java_opts $1 $kafka_opts \
      -Drelay.http.client-rate-limit.per-minute=100000000 \
      -Drelay.delivery.pace.requests-per-period=1000000 \
      -Drelay.routes.reload=false \
      -jar target/alert-relay.jar >"$work/relay.log" 2>&1 &
  relay_pid=$!
  disown "$relay_pid" 2>/dev/null || true
  for _ in $(seq 1 240); do
    grep -q 'Alert Relay ready' "$work/relay.log" 2>/dev/null && return 0
    kill -0 "$relay_pid" 2>/dev/null || { echo "the relay did not start:"; tail -40 "$work/relay.log"; exit 1; }
    sleep 0.5
  done
  echo "the relay was not ready in 120 s:"; tail -40 "$work/relay.log"; exit 1
}
stop_relay() {
  kill "$relay_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.5; done
}

echo "starting the relay on 127.0.0.1:$port (data in $work/data) ..."
if [ "$profile" = 1 ]; then
  # pg_stat_statements must be preloaded: create the cluster, stop, enable it, start again
  start_relay ""
  stop_relay
  printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n" \
    >>"$work/data/postgres/postgresql.conf"
  start_relay "$jfr_opts"
else
  start_relay ""
fi
pg_port=$(sed -n 's/.*Embedded PostgreSQL running on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/relay.log" | head -1)

java -cp target/bench-classes:target/alert-relay.jar io.alertrelay.bench.RelayBench \
  --url "http://127.0.0.1:$port" --db-url "jdbc:postgresql://127.0.0.1:$pg_port/relay" --pid "$relay_pid" \
  --jwt-secret "$jwt_secret" --master-key "$master_key" --out "$results" --label "$label" \
  --seconds "$seconds" --warmup "$warmup" --ceiling-seconds "$ceiling" --concurrency "$concurrency" \
  --e2e-rate "$e2e_rate" --ingest-rate "$ingest_rate" --wrk "$(command -v wrk || true)" --pgbench "$pgbench" --profile "$profile" \
  --check "$check" --kafka-brokers "$kafka_brokers" --kafka-rate "$kafka_rate" --kafka-skipped "$kafka_skipped"

cp "$work/relay.log" "$results/$stamp${label:+-$label}-relay.log"
errors=$(grep -c -E ' ERROR | WARN ' "$work/relay.log" || true)
echo "relay log: $errors WARN/ERROR lines"
[ "$errors" = 0 ] || grep -E ' ERROR | WARN ' "$work/relay.log" | head -5
[ -z "$jfr" ] || echo "JFR profile (written when the relay stops): $jfr"
