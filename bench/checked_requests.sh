#!/usr/bin/env bash
# The same 150 checked GETs against one loopback target (nginx answering a fixed JSON document),
# through tenantcheck, raw curl (no checks), Newman and Step CI, measured in one run, interleaved
# (each round in a rotated order), and their wall-time ratios. Each tool checks what the others check: status 200, the Content-Type
# header and two JSON fields. Newman and Step CI are pinned by bench/peers/package-lock.json and
# installed here (npm ci). Then tenantcheck and curl again with the placement fixed (taskset). Usage:
# bench/checked_requests.sh [repetitions=5]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/lib.sh"
source "$here/bench/nginx.sh"
tc_install nginx-light curl python3
tc_node
tc_npm_ci bench/peers
tc_build tenantcheck tenantcheck-stub >/dev/null
reps="${1:-5}"; n=150
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
target="http://127.0.0.1:$port"
bench_nginx "$work" "$port" "  keepalive_requests 100000;" '    location /items/ {
      default_type application/json;
      return 200 '"'"'{"tenant":"tenant-alpha","items":[{"id":"plat-alpha-1","name":"first"},{"id":"plat-alpha-2","name":"second"}]}'"'"';
    }'
for _ in $(seq 100); do curl -fs "$target/items/0" >/dev/null 2>&1 && break; sleep 0.05; done

# tenantcheck: one scenario of 150 steps against an external component.
{
  echo "profile: $here/fixtures/contracts/reference.yaml"
  echo "components:"
  echo "  target: {external: {url: \"$target\"}}"
} > "$work/topology.yaml"
{
  echo "scenarios:"
  echo "  - name: checked requests"
  echo "    steps:"
  for i in $(seq 1 $n); do
    cat <<STEP
      - name: get $i
        request: {url: "{{target}}/items/$i"}
        expect:
          status: 200
          headers: {Content-Type: application/json}
          json:
            - {pointer: /tenant, equals: tenant-alpha}
            - {pointer: /items/0/id, equals: plat-alpha-1}
STEP
  done
} > "$work/scenario.yaml"

# raw curl: the same GETs in one process over one keep-alive connection, nothing checked.
curl_args=()
for i in $(seq 1 $n); do curl_args+=(-o /dev/null "$target/items/$i"); done

# Newman: a collection of 150 requests, each with the same checks as tests.
python3 - "$work/collection.json" "$target" "$n" <<'PY'
import json, sys
out, target, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
test = ["pm.test('checked', function () {",
        "  pm.response.to.have.status(200);",
        "  pm.expect(pm.response.headers.get('Content-Type')).to.eql('application/json');",
        "  const b = pm.response.json();",
        "  pm.expect(b.tenant).to.eql('tenant-alpha');",
        "  pm.expect(b.items[0].id).to.eql('plat-alpha-1');",
        "});"]
items = [{"name": f"get {i}", "request": {"method": "GET", "url": f"{target}/items/{i}"},
          "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": test}}]} for i in range(1, n + 1)]
json.dump({"info": {"name": "checked requests", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "item": items}, open(out, "w"))
PY

# Step CI: a workflow of 150 steps with the same checks.
{
  echo 'version: "1.1"'
  echo 'name: checked requests'
  echo 'tests:'
  echo '  bench:'
  echo '    steps:'
  for i in $(seq 1 $n); do
    cat <<STEP
      - name: get $i
        http:
          url: $target/items/$i
          method: GET
          check:
            status: 200
            headers: {Content-Type: application/json}
            jsonpath: {"\$.tenant": tenant-alpha, "\$.items[0].id": plat-alpha-1}
STEP
  done
} > "$work/workflow.yml"

export STEPCI_DISABLE_ANALYTICS=1
peers="$here/bench/peers/node_modules/.bin"
run_tenantcheck() { "$TC_BUILD/harness/tenantcheck" run --env "$work/topology.yaml" --reports "$work/reports" "$work/scenario.yaml"; }
run_curl() { curl -fsS "${curl_args[@]}"; }
run_newman() { "$peers/newman" run "$work/collection.json" --reporters cli --bail; }
run_stepci() { "$peers/stepci" run "$work/workflow.yml"; }
tools=(tenantcheck curl newman stepci)

# Each tool once before timing, and its output checked: a peer that checks nothing measures nothing.
run_tenantcheck > "$work/tc.out" 2>&1 || { cat "$work/tc.out"; echo "tenantcheck failed" >&2; exit 1; }
grep -q "1 passed" "$work/tc.out" || { cat "$work/tc.out"; echo "tenantcheck did not pass" >&2; exit 1; }
run_curl > /dev/null
run_newman > "$work/newman.out" 2>&1 || { cat "$work/newman.out"; echo "newman failed" >&2; exit 1; }
grep -qE "assertions +│ +$n +│ +0" "$work/newman.out" || { cat "$work/newman.out"; echo "newman did not run $n checks" >&2; exit 1; }
run_stepci > "$work/stepci.out" 2>&1 || { cat "$work/stepci.out"; echo "stepci failed" >&2; exit 1; }
grep -qE "Steps: +0 failed, 0 skipped, $n passed" "$work/stepci.out" || { cat "$work/stepci.out"; echo "stepci did not pass $n steps" >&2; exit 1; }

now() { date +%s.%N; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times
for r in $(seq 1 "$reps"); do
  # Each round starts one tool later, so that every tool follows each other one as often: a run
  # right after a Node peer is often slower on this machine, and the same tool always there would
  # carry it alone.
  for k in "${!tools[@]}"; do
    t=${tools[$(((r - 1 + k) % ${#tools[@]}))]}
    s=$(now); "run_$t" > /dev/null 2>&1; e=$(now)
    times[$t]+="$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f ", e - s }')"
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med
for t in "${tools[@]}"; do med[$t]=$(echo "${times[$t]}" | median); done
echo "$n checked GETs against nginx on loopback, median of $reps interleaved runs, order rotated (wall, s)"
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${tools[@]}"; do printf "  %-12s %8.3f   (%s)\n" "$t" "${med[$t]}" "${times[$t]% }"; done
awk -v t="${med[tenantcheck]}" -v c="${med[curl]}" -v nw="${med[newman]}" -v s="${med[stepci]}" 'BEGIN {
  printf "tenantcheck / curl:    %.2f   (goal <= 1.5)\n", t / c
  printf "newman / tenantcheck:  %.1f   (goal >= 20)\n", nw / t
  printf "stepci / tenantcheck:  %.1f   (goal >= 20)\n", s / t
}'

# The same two, tenantcheck and curl, with the placement fixed: unpinned, each run lands beside
# nginx's one worker or on the other core as the scheduler chooses, and a request that crosses cores
# pays a wake-up. nginx's processes on CPU 0, each client run on CPU 0 (beside) and on CPU 1
# (across), interleaved. Shown beside the unpinned figure above, which stays the goal's.
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  for p in "${pids[@]}"; do
    taskset -apc 0 "$p" >/dev/null 2>&1 || true
    for c in $(pgrep -P "$p"); do taskset -apc 0 "$c" >/dev/null 2>&1 || true; done
  done
  declare -A pinned
  all_cpus=$(taskset -pc $$ | sed 's/.*: //')
  for r in $(seq 1 "$reps"); do
    for cpu in 0 1; do
      taskset -pc "$cpu" $$ >/dev/null  # this shell's runs inherit it
      for t in tenantcheck curl; do
        s=$(now); "run_$t" > /dev/null 2>&1; e=$(now)
        pinned[$t$cpu]+="$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f ", e - s }')"
      done
    done
  done
  taskset -pc "$all_cpus" $$ >/dev/null
  for cpu in 0 1; do
    t=$(echo "${pinned[tenantcheck$cpu]}" | median); c=$(echo "${pinned[curl$cpu]}" | median)
    where=$([ "$cpu" = 0 ] && echo "beside nginx" || echo "across from nginx")
    awk -v t="$t" -v c="$c" -v w="$where" 'BEGIN { printf "pinned, client %s: tenantcheck %.3f, curl %.3f: %.2f\n", w, t, c, t / c }'
  done
fi
