#!/usr/bin/env bash
# Runs one libFuzzer harness for a bounded time on a copy of its seed corpus
# and reports as TAP: executions, coverage, and any crash, leak or
# sanitizer report (which fails the test).
# Usage: run-fuzzer.sh FUZZER SEED_DIR [SECONDS]   (default: $NEXUS_FUZZ_SECONDS or 60)
set -u
fuzzer=$1
seeds=$2
seconds=${3:-${NEXUS_FUZZ_SECONDS:-60}}
name=$(basename "$fuzzer")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/corpus"
cp "$seeds"/* "$work/corpus/"
echo "1..1"
"$fuzzer" -max_total_time="$seconds" -max_len=16384 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
status=$?
runs=$(grep -o 'Done [0-9]* runs' "$work/log" | grep -o '[0-9]*' | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*')
ft=$(grep -o 'ft: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*')
if [ $status -eq 0 ]; then
  echo "ok 1 - $name: ${runs:-?} runs in ${seconds} s, coverage ${cov:-?} edges, ${ft:-?} features"
else
  echo "not ok 1 - $name: exit status $status after ${runs:-?} runs"
  sed 's/^/# /' "$work/log" | tail -60
  for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$artifact" ] && echo "# artifact $(basename "$artifact"): $(base64 -w0 "$artifact")"
  done
fi
exit $status
