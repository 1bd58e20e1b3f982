#!/usr/bin/env bash
# Tracklight container entrypoint: one image, one role per container.
#
#   jobmanager              a Flink standalone session JobManager (REST on rest.port, 8081)
#   taskmanager             a Flink TaskManager joining jobmanager.rpc.address
#   run ARGS...             the live job (`tracklight run`): embedded, or --jobmanager HOST:PORT
#   batch-worker ARGS...    one AWS Batch job (`tracklight batch-worker`)
#   health                  exit 0 when this container's role serves (the image's HEALTHCHECK)
#   replay|detect|models|…  any other `tracklight` subcommand
#
# The Flink roles run Flink's own entry points from the shaded jar (no Flink distribution needed),
# the way tools/flink-local-cluster.sh does: memory flags derived from the configuration with
# Flink's BashJavaUtils, the Java 17 --add-opens list, DJL offline, and the jar on the system class
# path, so the native bindings (DJL, ONNX Runtime, JavaCPP) load once per JVM (docs/cluster.md).
# The process is exec'ed: it is PID 1, and Kubernetes' or Docker's SIGTERM reaches the JVM.
#
# Environment (all optional):
#   TRACKLIGHT_JAR        the shaded jar (default /opt/tracklight/lib/tracklight.jar)
#   FLINK_CONF_DIR        config.yaml + log4j-console.properties (default: conf/ next to this
#                         script); read only, never written, so a ConfigMap can be mounted there
#   FLINK_PROPERTIES      extra settings, one `key: value` per line (as in Flink's own image),
#                         given to Flink as dynamic properties that override config.yaml
#   JOB_MANAGER_RPC_ADDRESS   shorthand for jobmanager.rpc.address
#   FLINK_PLUGINS_DIR     Flink's plugins folder (default /tmp/tracklight/plugins); the GPU
#                         discovery driver is laid out there when config names it
#   TRACKLIGHT_WORK_DIR   scratch (default /tmp/tracklight): role file, JavaCPP cache
#   TRACKLIGHT_JAVA_OPTS  extra JVM options for every role
#   TRACKLIGHT_REST_PORT  port `health` probes for a JobManager (default 8081)
#   TRACKLIGHT_METRICS_PORT  port `health` probes for a TaskManager or `run` (default 9249, the
#                         Prometheus reporter's port in the default config)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${TRACKLIGHT_JAR:-/opt/tracklight/lib/tracklight.jar}"
conf="${FLINK_CONF_DIR:-$here/conf}"
work="${TRACKLIGHT_WORK_DIR:-/tmp/tracklight}"
plugins="${FLINK_PLUGINS_DIR:-$work/plugins}"

die() { echo "tracklight-entrypoint: $*" >&2; exit 2; }
usage() {
  die "usage: entrypoint.sh jobmanager | taskmanager | run ARGS | batch-worker ARGS | health | <tracklight subcommand> ARGS"
}

JAVA17_OPENS=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# Every role: DJL never reaches the network; JavaCPP unpacks natives into the scratch folder
# (the image pre-fills it at build time, so a start does not unpack hundreds of MB).
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
common_jvm=(-Dai.djl.offline=true "-Dorg.bytedeco.javacpp.cachedir=${TRACKLIGHT_JAVACPP_CACHE:-$work/javacpp}")
# shellcheck disable=SC2206  # word splitting of the user's options is intended
extra_jvm=(${TRACKLIGHT_JAVA_OPTS:-})

require_jar() {
  [ -f "$jar" ] || die "no shaded jar at $jar (set TRACKLIGHT_JAR)"
  command -v java >/dev/null || die "java is not on PATH"
}

# FLINK_PROPERTIES and JOB_MANAGER_RPC_ADDRESS as Flink dynamic properties (-Dkey=value).
dynamic_properties() {
  local line key value
  if [ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]; then
    printf '%s\n' "-Djobmanager.rpc.address=$JOB_MANAGER_RPC_ADDRESS"
  fi
  while IFS= read -r line; do
    line="${line%%#*}"
    [[ "$line" =~ ^[[:space:]]*$ ]] && continue
    [[ "$line" == *:* ]] || die "FLINK_PROPERTIES: expected 'key: value' lines, got '$line'"
    key="${line%%:*}"; value="${line#*:}"
    key="$(echo "$key" | tr -d '[:space:]')"; value="$(echo "$value" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')"
    [ -n "$key" ] || die "FLINK_PROPERTIES: empty key in '$line'"
    printf '%s\n' "-D$key=$value"
  done <<<"${FLINK_PROPERTIES:-}"
}

# The JVM flags and dynamic properties Flink derives for a role (what bin/config.sh does).
resource_params() {
  local kind="$1"; shift
  local out
  out="$(java -cp "$jar" org.apache.flink.runtime.util.bash.BashJavaUtils "$kind" --configDir "$conf" "$@" 2>&1)" \
    || die "Flink rejected the configuration in $conf: $(grep -m1 -i 'exception\|error' <<<"$out" || tail -n1 <<<"$out")"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

# The GPU discovery driver is an external-resource driver, which Flink loads from plugins only:
# when config.yaml or FLINK_PROPERTIES names it, the shaded jar writes it out as a small plugin jar
# (not the whole shaded jar: its Flink service entries would be registered twice).
lay_out_gpu_plugin() {
  if grep -qs '^[^#]*ScriptGpuDriverFactory' "$conf/config.yaml" || [[ "${FLINK_PROPERTIES:-}" == *ScriptGpuDriverFactory* ]]; then
    java -cp "$jar" dev.tracklight.operators.flink.gpu.GpuDriverPlugin "$plugins/tracklight-gpu/tracklight-gpu.jar" \
      || die "could not write the GPU driver plugin into $plugins"
  fi
}

flink_role() {
  local role="$1" main="$2" kind="$3"
  require_jar
  [ -f "$conf/config.yaml" ] || die "no config.yaml in $conf (set FLINK_CONF_DIR)"
  mkdir -p "$work" "$plugins"
  echo "$role" >"$work/role"
  lay_out_gpu_plugin
  local dynamic=() props params jvm_line dyn_line
  props="$(dynamic_properties)" || exit 2  # a bad FLINK_PROPERTIES line: its message is on stderr
  [ -z "$props" ] || mapfile -t dynamic <<<"$props"
  params="$(resource_params "$kind" "${dynamic[@]}")"
  jvm_line="$(sed -n 1p <<<"$params")"
  dyn_line="$(sed -n '$p' <<<"$params")"
  local log4j="$conf/log4j-console.properties"
  [ -f "$log4j" ] || log4j="$here/conf/log4j-console.properties"
  # shellcheck disable=SC2086  # Flink's derived flags are space-separated words
  FLINK_PLUGINS_DIR="$plugins" exec java $jvm_line "${JAVA17_OPENS[@]}" "${common_jvm[@]}" "${extra_jvm[@]}" \
    "-Dlog4j.configurationFile=file:$log4j" -cp "$jar" "$main" --configDir "$conf" $dyn_line "${dynamic[@]}"
}

cli() {
  require_jar
  mkdir -p "$work"
  # `run --jobmanager` is a client of a cluster: it serves no metrics, so alive is healthy
  if [ "$1" = run ] && [[ " $* " == *" --jobmanager"* ]]; then echo run-client >"$work/role"; else echo "$1" >"$work/role"; fi
  # An embedded run reports metrics as config.yaml says (Prometheus on 9249 in the image)
  export FLINK_CONF_DIR="$conf"
  exec java "${JAVA17_OPENS[@]}" "${common_jvm[@]}" "${extra_jvm[@]}" -jar "$jar" "$@"
}

# A TCP connect and one HTTP request with bash alone (JRE images carry no curl).
http_ok() {
  local port="$1" path="$2" status
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  IFS= read -r -t 5 status <&3 || return 1
  exec 3>&-
  [[ "$status" == HTTP/1.?\ 200* ]]
}

health() {
  local role
  role="$(cat "$work/role" 2>/dev/null)" || die "health: no role started in this container yet"
  case "$role" in
    jobmanager) http_ok "${TRACKLIGHT_REST_PORT:-8081}" /overview ;;
    taskmanager|run) http_ok "${TRACKLIGHT_METRICS_PORT:-9249}" /metrics ;;
    *) return 0 ;;  # run-client, batch-worker and one-shot commands: alive is healthy
  esac
}

[ $# -ge 1 ] || usage
role="$1"; shift
case "$role" in
  jobmanager) [ $# -eq 0 ] || die "jobmanager takes no arguments (configure it with config.yaml or FLINK_PROPERTIES)"
    flink_role jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS ;;
  taskmanager) [ $# -eq 0 ] || die "taskmanager takes no arguments (configure it with config.yaml or FLINK_PROPERTIES)"
    flink_role taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS ;;
  health) health ;;
  -h|--help|help) usage ;;
  -*) die "unknown option '$role'; the first argument is the role" ;;
  *) cli "$role" "$@" ;;
esac
