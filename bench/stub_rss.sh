#!/usr/bin/env bash
# Resident memory of every stub after 10,000 and after 100,000 audited requests, and their ratio
# (goal: ≤ 1.2 — bounded audit memory). Loopback only; each loop sends a fixed number of requests on
# one keep-alive connection, so the run is bounded. The gateway and the platform backend are driven
# together (every gateway request is forwarded and both record it); the authority is driven with
# console requests (each is a decision it records). Every stub writes its audit file.
# Usage: bench/stub_rss.sh [first=10000] [total=100000]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/lib.sh"
tc_install python3
first="${1:-10000}"; total="${2:-100000}"
source "$here/bench/stub_lib.sh"
export MINT=$(yaml_get "$profile" paths mint) CONSOLE=$(yaml_get "$profile" paths console_tenants)
export AUTH_HEADER=$(yaml_get "$profile" headers authorization) BEARER=$(yaml_get "$profile" values bearer_scheme)
export CID_HEADER=$(yaml_get "$profile" headers correlation_id)
export TENANT=$(yaml_get "$bindings" tenants alpha) SUB=$(yaml_get "$bindings" users one sub)
export SCOPE=$(yaml_get "$bindings" scopes read)
for v in MINT CONSOLE AUTH_HEADER BEARER CID_HEADER TENANT SUB SCOPE; do
  [ -n "${!v}" ] || { echo "stub_rss: cannot read $v from the profile or the bindings" >&2; exit 2; }
done
export TC_SHARED_SECRET="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_stub authority authority --enable-mint; export AUTHORITY=$URL; authority_pid=$PID
start_stub platform backend --role platform; backend=$URL; backend_pid=$PID
start_stub gateway gateway --authority "$AUTHORITY" --backend "platform=$backend"; export GATEWAY=$URL; gateway_pid=$PID
export AUTHORITY_PID=$authority_pid BACKEND_PID=$backend_pid GATEWAY_PID=$gateway_pid FIRST=$first TOTAL=$total

python3 - <<'PY'
import http.client, json, os, urllib.parse

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

def connection(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)

a = connection(os.environ["AUTHORITY"])
a.request("POST", os.environ["MINT"], json.dumps({"sub": os.environ["SUB"], "tenant": os.environ["TENANT"],
          "scope": os.environ["SCOPE"], "exp_in": 3600}), {"Content-Type": "application/json"})
r = a.getresponse(); token = json.loads(r.read())["access_token"]; a.close()
auth = {os.environ["AUTH_HEADER"]: os.environ["BEARER"] + " " + token}
gateway_path = "/api/platform/items"

def drive(url, path, n, start):
    # A connection per call: one left idle while the other stub is driven outlives the stubs' read
    # timeout and is closed by them.
    conn = connection(url)
    for i in range(start, start + n):
        conn.request("GET", path, headers={**auth, os.environ["CID_HEADER"]: f"rss-{i}"})
        resp = conn.getresponse(); resp.read()
        if resp.status != 200:
            raise SystemExit(f"stub_rss: {path} answered {resp.status}")
    conn.close()

first, total = int(os.environ["FIRST"]), int(os.environ["TOTAL"])
pids = {"authority": int(os.environ["AUTHORITY_PID"]), "gateway": int(os.environ["GATEWAY_PID"]),
        "backend": int(os.environ["BACKEND_PID"])}
A, G = os.environ["AUTHORITY"], os.environ["GATEWAY"]
drive(A, os.environ["CONSOLE"], first, 0); drive(G, gateway_path, first, 0)
at_first = {k: rss_kb(p) for k, p in pids.items()}
drive(A, os.environ["CONSOLE"], total - first, first); drive(G, gateway_path, total - first, first)
at_total = {k: rss_kb(p) for k, p in pids.items()}
with open("/proc/loadavg") as f:
    load = " ".join(f.read().split()[:3])
print(f"load average: {load}")
print(f"{'stub':<10} {'RSS @' + str(first):>14} {'RSS @' + str(total):>15} {'ratio':>7}")
worst = 0.0
for k in pids:
    ratio = at_total[k] / at_first[k]; worst = max(worst, ratio)
    print(f"{k:<10} {at_first[k]:>11} kB {at_total[k]:>12} kB {ratio:>7.2f}")
print(f"worst ratio: {worst:.2f} (goal <= 1.20)")
PY
