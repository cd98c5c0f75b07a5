#!/usr/bin/env bash
# The pack's wall time, spawn to teardown with every report written (`tenantcheck run`, the default
# topology and scenarios), beside a peer in the same run: the same pack against a copy of the
# topology whose stub audit sources are declared lagging (`synchronous: false`), so every audit
# check waits out its deadline as it did before synchronous sources were read once. Runs are
# interleaved; medians, their ratio and the load average are printed. Every run must pass.
# Usage: bench/pack_wall.sh [repetitions=5]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/lib.sh"
tc_build tenantcheck tenantcheck-stub >/dev/null
reps="${1:-5}"
work="$(mktemp -d)"

cd "$here"
# The lagging copy sits beside the original so that its relative paths resolve the same way.
lagging="compose/.bench-lagging-$$.yaml"
trap 'rm -rf "$work" "$here/$lagging"' EXIT
sed -E 's/audit: stub\}/audit: {stub: true, synchronous: false}}/; s/^(    )audit: stub$/\1audit: {stub: true, synchronous: false}/' \
  compose/local.yaml > "$lagging"
grep -q "synchronous: false" "$lagging" || { echo "pack_wall: could not derive the lagging topology" >&2; exit 2; }

now() { date +%s.%N; }
run() {  # run NAME ARGS...: one pack run; its wall appended to times[NAME]; fails the bench if it fails
  local name=$1; shift
  local s e
  s=$(now)
  "$TC_BUILD/harness/tenantcheck" run --reports "$work/$name" "$@" > "$work/$name.out" 2>&1 \
    || { tail -20 "$work/$name.out"; echo "pack_wall: the $name run failed" >&2; exit 1; }
  e=$(now)
  times[$name]+="$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f ", e - s }')"
}
declare -A times
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq 1 "$reps"); do
  run pack
  run lagging --env "$lagging"
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
p=$(echo "${times[pack]}" | median); l=$(echo "${times[lagging]}" | median)
echo "the pack, spawn to teardown with reports, median of $reps interleaved runs (wall, s)"
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  pack (synchronous stub audit)  $p   (${times[pack]% })"
echo "  peer: audit sources lagging    $l   (${times[lagging]% })"
tail -1 "$work/pack.out"
awk -v p="$p" -v l="$l" 'BEGIN { printf "pack / peer: %.2f   (goal: pack <= 1.0 s)\n", p / l }'
