#!/usr/bin/env bash
# A standalone Flink session cluster on loopback, started from Tracklight's shaded jar alone (no
# Flink distribution): one JobManager and N TaskManagers as separate JVM processes, the way a real
# deployment runs them, so `tracklight replay|run --jobmanager 127.0.0.1:PORT` can be tried for real,
# TaskManagers killed and added.
#
#   tools/flink-local-cluster.sh start [--taskmanagers N] [--slots N] [--scheduler default|adaptive]
#                                      [--state-backend hashmap|rocksdb] [--rest-port P] [--rpc-port P]
#                                      [--state-dir DIR] [--jar JAR]
#   tools/flink-local-cluster.sh start --application "run --config FILE" [--reactive] [options above]
#   tools/flink-local-cluster.sh add-taskmanager [--rest-port P] [--state-dir DIR]
#   tools/flink-local-cluster.sh restart-jobmanager [--rest-port P] [--state-dir DIR]
#   tools/flink-local-cluster.sh stop  [--rest-port P] [--state-dir DIR]
#
# start: writes STATE/conf/config.yaml, starts the JVMs (pids in STATE/jobmanager.pid and
# STATE/taskmanager-<i>.pid, i = 1..N; logs in STATE/log/), waits until the REST endpoint reports N
# TaskManagers, prints the REST address (HOST:PORT) on stdout.
# add-taskmanager: starts TaskManager i = (highest index so far) + 1 with the same configuration,
# waits until the cluster counts one more, prints i. A TaskManager killed with `kill -9 $(cat
# STATE/taskmanager-<i>.pid)` is what a lost machine looks like to Flink.
# stop: ends every JVM it started (by pid, TERM then KILL) and removes the pid files; a stop with
# nothing running succeeds. STATE defaults to ${TMPDIR:-/tmp}/tracklight-flink-<rest port>.
#
# Failure detection: heartbeats every 1 s, a TaskManager silent for 10 s is lost (Flink's defaults
# are 10 s and 50 s; a loopback cluster has no network to wait for). The scheduler "adaptive" lets
# `tracklight scale` change a running job's parallelism (declarative resource requirements).
# --application ARGS starts an application cluster instead: its JobManager runs `tracklight ARGS`
# (space-separated, no quoting) as the cluster's one job; --reactive adds Flink's reactive mode, in
# which the job always runs at the parallelism the TaskManagers' slots allow: add-taskmanager raises
# it, losing one lowers it.
# --ha-zookeeper HOST:PORT turns on Flink's ZooKeeper high availability (job graphs and checkpoint
# pointers in ZooKeeper and STATE/ha): restart-jobmanager then starts a new JobManager (after a
# `kill -9 $(cat STATE/jobmanager.pid)`, or killing the running one itself) that recovers the jobs
# from their latest checkpoints while the TaskManagers reconnect. Without HA a JobManager takes its
# jobs with it.
#
# The TaskManager inherits TRACKLIGHT_ASSETS from the caller but needs it only to resolve model
# names: the replay client pins the model to an absolute path, and videos and outputs are absolute
# paths too, so TaskManagers must see the same file system as the client (docs/cluster.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
[ $# -gt 0 ] && shift
rest_port=8081
rpc_port=""
slots=2
taskmanagers=1
scheduler=default
state_backend=hashmap
application=""
reactive=false
ha_zookeeper=""
state=""
jar="$here/pipeline/target/tracklight.jar"
# Bounded waits: a JVM start plus TaskManager registration takes ~10-20 s on 2 busy cores.
START_TIMEOUT_S="${START_TIMEOUT_S:-90}"
STOP_TIMEOUT_S=20

die() { echo "flink-local-cluster: $*" >&2; exit 2; }
usage() { die "usage: $0 start|add-taskmanager|restart-jobmanager|stop [--taskmanagers N] [--slots N] [--scheduler default|adaptive] [--state-backend hashmap|rocksdb] [--rest-port P] [--rpc-port P] [--state-dir DIR] [--jar JAR]"; }
is_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --rest-port) [ $# -ge 2 ] || usage; rest_port="$2"; shift 2 ;;
    --rpc-port) [ $# -ge 2 ] || usage; rpc_port="$2"; shift 2 ;;
    --slots) [ $# -ge 2 ] || usage; slots="$2"; shift 2 ;;
    --taskmanagers) [ $# -ge 2 ] || usage; taskmanagers="$2"; shift 2 ;;
    --scheduler) [ $# -ge 2 ] || usage; scheduler="$2"; shift 2 ;;
    --state-backend) [ $# -ge 2 ] || usage; state_backend="$2"; shift 2 ;;
    --application) [ $# -ge 2 ] || usage; application="$2"; shift 2 ;;
    --reactive) reactive=true; shift ;;
    --ha-zookeeper) [ $# -ge 2 ] || usage; ha_zookeeper="$2"; shift 2 ;;
    --state-dir) [ $# -ge 2 ] || usage; state="$2"; shift 2 ;;
    --jar) [ $# -ge 2 ] || usage; jar="$2"; shift 2 ;;
    *) usage ;;
  esac
done
is_port "$rest_port" || die "--rest-port must be a port number 1..65535, got '$rest_port'"
# The RPC port only has to differ from the REST port; derive it so two clusters on different REST
# ports never collide on Flink's fixed default 6123.
rpc_port="${rpc_port:-$(( rest_port > 1000 ? rest_port - 1000 : rest_port + 1000 ))}"
is_port "$rpc_port" || die "--rpc-port must be a port number 1..65535, got '$rpc_port'"
[ "$rpc_port" != "$rest_port" ] || die "--rpc-port and --rest-port must differ (both $rest_port)"
[[ "$slots" =~ ^[0-9]+$ ]] && [ "$slots" -ge 1 ] && [ "$slots" -le 16 ] \
  || die "--slots must be 1..16, got '$slots'"
[[ "$taskmanagers" =~ ^[0-9]+$ ]] && [ "$taskmanagers" -ge 1 ] && [ "$taskmanagers" -le 8 ] \
  || die "--taskmanagers must be 1..8, got '$taskmanagers'"
case "$scheduler" in default|adaptive) ;; *) die "--scheduler must be default or adaptive, got '$scheduler'" ;; esac
case "$state_backend" in hashmap|rocksdb) ;; *) die "--state-backend must be hashmap or rocksdb, got '$state_backend'" ;; esac
if [ "$reactive" = true ] && [ -z "$application" ]; then
  die "--reactive needs --application: reactive mode runs an application cluster's one job"
fi
state="${state:-${TMPDIR:-/tmp}/tracklight-flink-$rest_port}"
rocksdb_dir="${TMPDIR:-/tmp}/tl-rocksdb-$rest_port"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_one() {
  local pidfile="$1" pid waited=0
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt $((STOP_TIMEOUT_S * 5)) ]; do
      sleep 0.2; waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "flink-local-cluster: pid $pid ignored TERM for ${STOP_TIMEOUT_S}s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

taskmanager_pidfiles() { compgen -G "$state/taskmanager-*.pid" || true; }

# The highest TaskManager index started so far (0 if none), from the pid files and logs.
last_taskmanager_index() {
  local max=0 f i
  for f in "$state"/taskmanager-*.pid "$state"/log/taskmanager-*.log; do
    [ -e "$f" ] || continue
    i="$(basename "$f" | sed -n 's/^taskmanager-\([0-9]*\)\..*$/\1/p')"
    [ -n "$i" ] && [ "$i" -gt "$max" ] && max="$i"
  done
  echo "$max"
}

stop_cluster() {
  # TaskManagers first: they would otherwise spend their time reconnecting to a JobManager that is gone.
  local f
  for f in $(taskmanager_pidfiles); do stop_one "$f"; done
  stop_one "$state/jobmanager.pid"
  rm -rf "$rocksdb_dir"
}

write_config() {
  mkdir -p "$state/conf" "$state/log" "$state/tmp" "$state/plugins" "$rocksdb_dir"
  # Memory: sized for a 24 GB / 2-core machine shared with other work. The TaskManager runs two
  # ONNX models at most (their weights and arenas are native memory, outside Flink's budget, hence
  # the generous JVM overhead) and frames of 2.7 MB each in task heap; no managed memory is used
  # (heap state backend), so it is kept small instead of Flink's 40 % default.
  cat >"$state/conf/config.yaml" <<EOF
# Generated by tools/flink-local-cluster.sh; loopback only.
jobmanager:
  rpc:
    address: 127.0.0.1
    port: $rpc_port
  bind-host: 127.0.0.1
  memory:
    process:
      size: 1g
taskmanager:
  host: 127.0.0.1
  bind-host: 127.0.0.1
  numberOfTaskSlots: $slots
  # Spread a job's subtasks over the TaskManagers (Flink's default fills one first): losing one
  # TaskManager then takes part of the job, and parallelism 2 over 2 TaskManagers uses both CPUs' worth.
  load-balance:
    mode: slots
  memory:
    process:
      size: 4g
    managed:
      size: 128m
    jvm-overhead:
      min: 1g
      max: 1g
rest:
  address: 127.0.0.1
  bind-address: 127.0.0.1
  port: $rest_port
blob:
  server:
    port: "0"
io:
  tmp:
    dirs: $state/tmp
parallelism:
  default: 1
# Native libraries (DJL's PyTorch and ONNX Runtime, JavaCPP's FFmpeg/OpenCV) can be loaded by one
# class loader per JVM only: loaded child-first from each job's jar, the second job on a TaskManager
# fails with "Native Library ... already loaded in another classloader". Their Java bindings are on
# the TaskManager's class path (the shaded jar; lib/ on a Flink distribution), so load them from there.
# Kafka's clients too: here the TaskManager's class path is the job's own jar, and Kafka instantiates
# classes by name (its JmxReporter) through the context class loader, so a child-first copy of the
# client meets the parent's copy of the class ("ClassCastException: ... JmxReporter"). On a stock
# Flink distribution, whose lib/ has no Kafka, the job jar's copy is the only one.
classloader:
  parent-first-patterns:
    additional: [ai.djl., ai.onnxruntime., org.bytedeco., org.apache.kafka.]
# tracklight replay's progress bar reads the sink's metrics over REST; the JobManager refreshes
# them this often (default 10 s: a bar that jumps in 10 s steps).
metrics:
  fetcher:
    update-interval: 2000
# A failed replay must fail, not retry forever (jobs set their own strategy when they checkpoint).
restart-strategy:
  type: none
heartbeat:
  interval: 1000
  timeout: 10000
jobmanager.scheduler: $( [ "$scheduler" = adaptive ] && echo Adaptive || echo Default )
$( [ "$reactive" = true ] && echo "scheduler-mode: reactive" )
$( [ -n "$ha_zookeeper" ] && printf 'high-availability.type: zookeeper\nhigh-availability.zookeeper.quorum: %s\nhigh-availability.storageDir: file://%s/ha\nhigh-availability.cluster-id: /tracklight-%s\n' "$ha_zookeeper" "$state" "$rest_port" )
# Adaptive scheduler (tracklight scale): rescale within seconds of a request or a new TaskManager
# instead of Flink's defaults (30 s cool-down, 60 s to let resources settle), which suit a large
# fleet whose machines come and go, not a loopback cluster.
jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling: 2 s
jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout: 2 s
jobmanager.adaptive-scheduler.submission.resource-stabilization-timeout: 2 s
# Where a job that checkpoints keeps its state while it runs (the checkpoints go to the job's
# --checkpoint-dir either way): on the heap, or in RocksDB on local disk (spills to disk, larger state).
state.backend.type: $state_backend
# RocksDB names its LOG file after the database path, inside Flink's log folder: under a deep
# temporary folder (test runs) a rescale's temporary database gives a name past the file system's
# 255 bytes. A short local folder keeps it within.
state.backend.rocksdb.localdir: $rocksdb_dir
EOF
  # Flink's entry points log through log4j2 to \${log.file}; the jar's own log4j2.properties (CLI:
  # warnings to stderr) would otherwise win.
  cat >"$state/conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
appender.file.name = file
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.djl.name = ai.djl
logger.djl.level = ERROR
EOF
}

# What Flink's own config.yaml passes on Java 17 (env.java.opts.all): Kryo and Flink's RPC reflect
# into these JDK packages (docs/platform-notes.md §3).
JAVA17_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

# Flink computes -Xmx/-XX:MaxDirectMemorySize/... and the matching dynamic properties from
# config.yaml with this class (what bin/config.sh does); its result lines carry a fixed prefix.
resource_params() {
  local kind="$1" out
  out="$(java -cp "$jar" org.apache.flink.runtime.util.bash.BashJavaUtils "$kind" --configDir "$state/conf" 2>&1)" \
    || die "BashJavaUtils $kind failed: $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

start_process() {
  local name="$1" main="$2" jvm_params="$3" dynamic="$4"
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/tracklight"
  # setsid: the JVM outlives this script in its own session, so a Ctrl-C in the caller's terminal
  # does not reach it; stop ends it by pid.
  # shellcheck disable=SC2086 # the parameter strings are space-separated JVM flags by design
  FLINK_PLUGINS_DIR="$state/plugins" OPT_OUT_TRACKING=true DJL_OFFLINE=true setsid java $jvm_params $JAVA17_OPENS \
    -Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir="$cache/javacpp" \
    -Dlog.file="$state/log/$name.log" -Dlog4j.configurationFile="file:$state/conf/log4j.properties" \
    -cp "$jar" "$main" --configDir "$state/conf" $dynamic \
    >"$state/log/$name.out" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

rest_overview() { curl -sf --max-time 2 "http://127.0.0.1:$rest_port/overview" 2>/dev/null; }

# TaskManagers the JobManager counts now (a killed one until its heartbeat times out).
registered_taskmanagers() {
  local n
  n="$(rest_overview | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p' || true)"
  echo "${n:-0}"
}

# Waits until the cluster counts at least $1 TaskManagers; fails (stopping what `start` started)
# if one of the named processes exits first or the deadline passes.
wait_for_taskmanagers() {
  local want="$1" deadline=$((SECONDS + START_TIMEOUT_S)) p
  shift
  while :; do
    for p in "$@"; do
      if ! alive "$state/$p.pid"; then
        echo "flink-local-cluster: the $p exited during start; last log lines:" >&2
        tail -n 30 "$state/log/$p.log" "$state/log/$p.out" >&2 2>/dev/null || true
        [ "$cmd" = start ] && stop_cluster
        exit 1
      fi
    done
    [ "$(registered_taskmanagers)" -ge "$want" ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      echo "flink-local-cluster: fewer than $want TaskManagers registered within ${START_TIMEOUT_S}s; logs in $state/log" >&2
      [ "$cmd" = start ] && stop_cluster
      exit 1
    fi
    sleep 0.5
  done
}

case "$cmd" in
  start)
    [ -f "$jar" ] && jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")" || die "no shaded jar at $jar; build it: ./mvnw -o -q -pl pipeline -am package -DskipTests"
    command -v curl >/dev/null || die "curl is needed to wait for the REST endpoint"
    if alive "$state/jobmanager.pid"; then
      die "a cluster from $state is already running (stop it: $0 stop --state-dir $state)"
    fi
    if rest_overview >/dev/null; then
      die "port $rest_port already answers REST requests: another cluster? choose --rest-port"
    fi
    [ -n "${TRACKLIGHT_ASSETS:-}" ] \
      || echo "flink-local-cluster: TRACKLIGHT_ASSETS is unset; the TaskManager resolves only absolute model paths" >&2
    mkdir -p "$state" && state="$(cd "$state" && pwd)"  # log4j and Flink need absolute paths
    write_config
    jm_params="$(resource_params GET_JM_RESOURCE_PARAMS)"
    jm_jvm="$(sed -n 1p <<<"$jm_params")"; jm_dyn="$(sed -n 2p <<<"$jm_params")"
    tm_params="$(resource_params GET_TM_RESOURCE_PARAMS)"
    tm_jvm="$(sed -n 1p <<<"$tm_params")"; tm_dyn="$(sed -n 2p <<<"$tm_params")"
    if [ -n "$application" ]; then
      # The application's main is the CLI itself, from the same jar (on the JobManager's class path).
      start_process jobmanager org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint \
        "$jm_jvm" "$jm_dyn --job-classname dev.tracklight.pipeline.cli.TracklightMain $application"
    else
      start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "$jm_jvm" "$jm_dyn"
    fi
    rm -f "$state"/log/taskmanager-*.log "$state"/log/taskmanager-*.out
    printf '%s\n%s\n' "$tm_jvm" "$tm_dyn" >"$state/conf/taskmanager.params"
    echo "$jar" >"$state/conf/jar"
    for i in $(seq 1 "$taskmanagers"); do
      start_process "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$tm_jvm" "$tm_dyn"
    done
    wait_for_taskmanagers "$taskmanagers" jobmanager $(seq -f 'taskmanager-%g' 1 "$taskmanagers")
    echo "127.0.0.1:$rest_port"
    ;;
  add-taskmanager)
    alive "$state/jobmanager.pid" || die "no cluster running from $state (start one first)"
    [ -f "$state/conf/taskmanager.params" ] || die "no TaskManager configuration in $state/conf"
    state="$(cd "$state" && pwd)"
    jar="$(cat "$state/conf/jar")"  # the cluster's own jar: every TaskManager runs the same code
    before="$(registered_taskmanagers)"
    i=$(( $(last_taskmanager_index) + 1 ))
    start_process "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      "$(sed -n 1p "$state/conf/taskmanager.params")" "$(sed -n 2p "$state/conf/taskmanager.params")"
    wait_for_taskmanagers $(( before + 1 )) "taskmanager-$i"
    echo "$i"
    ;;
  restart-jobmanager)
    [ -f "$state/conf/config.yaml" ] || die "no cluster configuration in $state (start one first)"
    state="$(cd "$state" && pwd)"
    jar="$(cat "$state/conf/jar")"
    grep -q '^high-availability.type: zookeeper' "$state/conf/config.yaml" \
      || echo "flink-local-cluster: this cluster has no HA (--ha-zookeeper): the new JobManager starts without the old jobs" >&2
    if alive "$state/jobmanager.pid"; then
      kill -KILL "$(cat "$state/jobmanager.pid")" 2>/dev/null || true
      sleep 0.5
    fi
    mv -f "$state/log/jobmanager.log" "$state/log/jobmanager.before-restart.log" 2>/dev/null || true
    jm_params="$(resource_params GET_JM_RESOURCE_PARAMS)"
    start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      "$(sed -n 1p <<<"$jm_params")" "$(sed -n 2p <<<"$jm_params")"
    wait_for_taskmanagers 1 jobmanager
    echo "127.0.0.1:$rest_port"
    ;;
  stop)
    stop_cluster
    ;;
  *) usage ;;
esac
