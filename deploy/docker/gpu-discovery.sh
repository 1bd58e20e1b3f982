#!/usr/bin/env bash
# GPU discovery script for Flink's external-resource framework (entrypoint.sh's standalone roles):
# the same contract as Flink's nvidia-gpu-discovery.sh. Called as `gpu-discovery.sh AMOUNT [ARGS]`
# by the TaskManager's GPU driver; prints AMOUNT GPU indices, comma-separated, on one line; exits
# non-zero (failing the TaskManager's start, on purpose) when fewer GPUs are visible than asked for.
# With CUDA_VISIBLE_DEVICES set, CUDA numbers the visible GPUs 0..n-1 inside this process, so
# those ordinals are what is reported (they are what the inference engine opens).
set -euo pipefail
amount="${1:-}"
[[ "$amount" =~ ^[0-9]+$ ]] || { echo "gpu-discovery: expected the amount of GPUs, got '$amount'" >&2; exit 2; }
command -v nvidia-smi >/dev/null || { echo "gpu-discovery: nvidia-smi not found: no NVIDIA driver in this container" >&2; exit 1; }
mapfile -t found < <(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  IFS=',' read -r -a visible <<<"$CUDA_VISIBLE_DEVICES"
  found=()
  for i in "${!visible[@]}"; do found+=("$i"); done
fi
[ "${#found[@]}" -ge "$amount" ] || {
  echo "gpu-discovery: $amount GPU(s) requested but ${#found[@]} visible (${found[*]:-none})" >&2; exit 1; }
(IFS=','; echo "${found[*]:0:$amount}")
