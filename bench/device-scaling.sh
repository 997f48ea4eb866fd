#!/usr/bin/env bash
# bench/scaling.js on a separate many-core Linux x86-64 machine that has no Node installed.
# Run from the repository root (with node_modules/ and a built dist/ present), a Node binary
# carried as .dev/node.xz (xz-compressed), and $OUT naming the folder the results go to:
#
#   OUT=/some/dir bash bench/device-scaling.sh
#
# It unpacks Node to /tmp/node, runs `/tmp/node bench/scaling.js --max-workers 16 --control` (full
# sizes, no --stream-rss; about 1–3 minutes on 16 cores, well under 7), and copies the markdown
# result, the raw JSON and the console output to "$OUT/". Nothing is fetched from the network.
# Then bench/cores-control.js --max 16 (independent processes at 1, 2, 4, 8, 16; about a minute)
# and bench/echo-floor.js at 16 workers, with and without waiting awake (about 15 s), and
# bench/exchange.js at 8 and 16 workers (shared memory against messages, about 30 s).
# Overrides (for trying it elsewhere): NODE_XZ (default .dev/node.xz), SCALING_ARGS (default
# "--max-workers 16 --control"), SCALING_TIMEOUT (seconds, default 420), CONTROL_TIMEOUT
# (seconds, default 120; 0 skips the control), ECHO_TIMEOUT (seconds each, default 60; 0 skips),
# EXCHANGE_TIMEOUT (seconds, default 90; 0 skips).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
: "${OUT:?set OUT to the folder the results go to}"
mkdir -p "$OUT"
NODE_XZ=${NODE_XZ:-.dev/node.xz}
NODE=/tmp/node
ARGS=${SCALING_ARGS:---max-workers 16 --control}
LIMIT=${SCALING_TIMEOUT:-420}
LOG="$OUT/scaling-output.txt"
: >"$LOG"
say() { echo "[device-scaling $(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }
T0=$(date +%s)

# 1. Node
[ -f "$NODE_XZ" ] || { say "missing $NODE_XZ (an xz-compressed node binary)"; exit 2; }
if command -v xz >/dev/null 2>&1; then
  xz -dc "$NODE_XZ" >"$NODE.part"
elif command -v unxz >/dev/null 2>&1; then
  unxz -c "$NODE_XZ" >"$NODE.part"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$NODE_XZ" "$NODE.part"
else
  say "neither xz nor python3 is here to unpack $NODE_XZ"; exit 2
fi || { say "could not unpack $NODE_XZ"; exit 2; }
chmod +x "$NODE.part" && mv -f "$NODE.part" "$NODE"
if ! V=$("$NODE" --version 2>>"$LOG"); then
  say "$NODE does not run here (shared libraries?):"; ldd "$NODE" 2>&1 | tee -a "$LOG"; exit 2
fi
say "node $V at $NODE (unpacked in $(( $(date +%s) - T0 )) s)"

# 2. what the benchmark needs from the repository (no network)
for f in dist/entry-node.js dist/gmm.wasm node_modules/@assemblyscript/loader/package.json bench/scaling.js; do
  [ -e "$f" ] || { say "missing $f (the repository needs a built dist/ and node_modules/)"; exit 2; }
done
say "machine: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(nproc) cores; $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}'); $(uname -srm)"
# the topology explains a speedup short of the core count: hyper-threads share a core's SIMD units
if command -v lscpu >/dev/null 2>&1; then
  lscpu | grep -E '^(Thread|Core|Socket|L2|L3|NUMA node\(s\)|CPU max MHz|Model name)' | sed 's/  */ /g' | tee -a "$LOG"
else
  say "topology: $(grep -c '^processor' /proc/cpuinfo) logical, $(grep '^core id' /proc/cpuinfo | sort -u | wc -l) distinct core ids, $(grep '^physical id' /proc/cpuinfo | sort -u | wc -l) sockets, siblings $(grep -m1 '^siblings' /proc/cpuinfo | cut -d: -f2), cpu cores $(grep -m1 '^cpu cores' /proc/cpuinfo | cut -d: -f2)"
fi
say "command: $NODE bench/scaling.js $ARGS (time limit ${LIMIT} s)"

# 3. the benchmark (its progress lines carry elapsed times)
STAMP=$(mktemp)
# shellcheck disable=SC2086
timeout "$LIMIT" "$NODE" bench/scaling.js $ARGS 2>&1 | tee -a "$LOG"
rc=${PIPESTATUS[0]}
say "bench/scaling.js exited with $rc after $(( $(date +%s) - T0 )) s in all"

# 3b. the control at every power of two up to 16 (o8 and o64): where independent processes
#     stop scaling, so does any synchronous EM
CONTROL_LIMIT=${CONTROL_TIMEOUT:-120}
if [ "$CONTROL_LIMIT" -gt 0 ]; then
  say "command: $NODE bench/cores-control.js --max 16 (time limit ${CONTROL_LIMIT} s)"
  timeout "$CONTROL_LIMIT" "$NODE" bench/cores-control.js --max 16 2>&1 | tee -a "$LOG"
  say "cores-control exited with ${PIPESTATUS[0]} after $(( $(date +%s) - T0 )) s in all"
fi

# 3c. the message floor at 16 workers with o8's iteration (27 ms of work, its statistics'
#     size): the relay as fitAsync runs it, and waiting awake 200 µs before sleeping
#     (bench/echo-floor.js), to tell the wake-ups from the waiting for the slowest worker
if [ "${ECHO_TIMEOUT:-60}" -gt 0 ]; then
  for extra in "" "--spin 200"; do
    say "command: $NODE bench/echo-floor.js 16 27 530 5 --relay $extra"
    # shellcheck disable=SC2086
    timeout "${ECHO_TIMEOUT:-60}" "$NODE" bench/echo-floor.js 16 27 530 5 --relay $extra 2>&1 | tee -a "$LOG"
  done
fi

# 3d. the relay's exchange at 8 and 16 workers: shared memory (the default) against messages, the
#     two alternating over one pool (bench/exchange.js; about 30 s)
if [ "${EXCHANGE_TIMEOUT:-90}" -gt 0 ]; then
  say "command: $NODE bench/exchange.js --workers 8,16 --pairs 5"
  timeout "${EXCHANGE_TIMEOUT:-90}" "$NODE" bench/exchange.js --workers 8,16 --pairs 5 2>&1 | tee -a "$LOG"
fi

# 4. results: the markdown report it wrote (full run: bench/scaling-results.md; otherwise
#    bench/.data/scaling-results.md; partial if the run was cut short) and the raw JSON
copied=0
for f in bench/scaling-results.md bench/.data/scaling-results.md; do
  if [ -f "$f" ] && [ "$f" -nt "$STAMP" ]; then cp "$f" "$OUT/scaling-results.md"; copied=1; break; fi
done
[ "$copied" = 1 ] || say "no markdown result was written"
[ -f bench/.data/scaling-raw.json ] && [ bench/.data/scaling-raw.json -nt "$STAMP" ] && cp bench/.data/scaling-raw.json "$OUT/scaling-raw.json"
rm -f "$STAMP"
ls -l "$OUT" | tee -a "$LOG"
exit "$rc"
