#!/usr/bin/env bash
# Requests/s through the stub gateway to a stub backend, beside nginx proxy_pass to the same backend,
# measured in one run with wrk, and their ratio. Both paths reach the same backend program serving the
# same route; the backend runs with a profile copy whose backend_requires_signature is false, because
# nginx cannot sign the context (so both paths cost the backend the same work).
# Every stub writes its audit file, as in a run.
# Usage: bench/gateway_vs_nginx.sh [seconds=10] [connections=16]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/lib.sh"
source "$here/bench/nginx.sh"
tc_install wrk nginx-light python3 curl
secs="${1:-10}"; conns="${2:-16}"
source "$here/bench/stub_lib.sh"
mint_path=$(yaml_get "$profile" paths mint)
tenant_header=$(yaml_get "$profile" headers tenant)
actor_header=$(yaml_get "$profile" headers actor)
auth_header=$(yaml_get "$profile" headers authorization)
bearer=$(yaml_get "$profile" values bearer_scheme)
tenant=$(yaml_get "$bindings" tenants alpha)
sub=$(yaml_get "$bindings" users one sub)
scope=$(yaml_get "$bindings" scopes read)
for v in mint_path tenant_header actor_header auth_header bearer tenant sub scope; do
  [ -n "${!v}" ] || { echo "gateway_vs_nginx: cannot read $v from the profile or the bindings" >&2; exit 2; }
done
sed -E 's/^([[:space:]]*backend_requires_signature:)[[:space:]]*true/\1 false/' "$profile" > "$work/profile.yaml"
export TC_SHARED_SECRET="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
copy=(--profile "$work/profile.yaml")
start_stub authority authority --enable-mint "${copy[@]}"; authority=$URL
start_stub backend backend --role platform "${copy[@]}"; backend=$URL
start_stub gateway gateway --authority "$authority" --backend "platform=$backend" "${copy[@]}"; gateway=$URL

token=$(curl -fsS -X POST "$authority$mint_path" -H 'Content-Type: application/json' \
  -d "{\"sub\":\"$sub\",\"tenant\":\"$tenant\",\"scope\":\"$scope\",\"exp_in\":3600}" |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
bench_nginx "$work" "$port" "  upstream backend { server ${backend#http://}; keepalive 32; }" "    location / {
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header $tenant_header $tenant;
      proxy_set_header $actor_header $sub;
      proxy_pass http://backend;
    }"
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/platform/items" >/dev/null 2>&1 && break; sleep 0.05; done

rps() { wrk -t2 -c"$conns" -d"${secs}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
gw=$(rps -H "$auth_header: $bearer $token" "$gateway/api/platform/items")
ng=$(rps "http://127.0.0.1:$port/api/platform/items")
direct=$(rps -H "$tenant_header: $tenant" "$backend/api/platform/items")
echo "backend direct:         $direct req/s"
echo "nginx -> backend:       $ng req/s"
echo "gateway -> backend:     $gw req/s"
awk -v g="$gw" -v n="$ng" 'BEGIN { printf "gateway / nginx ratio:  %.2f\n", g / n }'
