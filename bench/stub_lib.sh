# What the stub benchmarks share (sourced after scripts/lib.sh): the stub program built alone, a work
# folder and the processes started, both cleaned up on exit, and the spellings read from the profile
# and the bindings rather than written here.
tc_build tenantcheck-stub >/dev/null
stub="$TC_BUILD/stubs/tenantcheck-stub"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# start_stub NAME ARGS... : runs a stub on a port of its choosing, writing its audit file into the
# work folder; waits (at most 10 s) for its URL line and sets URL and PID, or says why it did not start.
start_stub() {
  local name=$1; shift
  "$stub" "$@" --port 0 --audit-file "$work/$name.jsonl" >"$work/$name.out" 2>"$work/$name.err" &
  PID=$!; pids+=("$PID")
  for _ in $(seq 200); do URL=$(head -n1 "$work/$name.out" 2>/dev/null || true); [ -n "$URL" ] && return 0; sleep 0.05; done
  echo "$name did not start: $(cat "$work/$name.err")" >&2; exit 3
}

profile="$TC_HOME/fixtures/contracts/reference.yaml"; bindings="$TC_HOME/fixtures/reference/bindings.yaml"
# yaml_get FILE SECTION KEY [FIELD]: the value of SECTION.KEY (or of FIELD inside KEY's flow map) in a
# two-level YAML file such as the profile and the bindings; the spellings come from there, not from here.
yaml_get() {
  awk -v sec="$2" -v key="$3" -v field="${4:-}" '
    $0 ~ "^" sec ":" { inside = 1; next }
    /^[^ #]/ { inside = 0 }
    inside && $1 == key ":" {
      sub(/^[^:]*:[ ]*/, ""); sub(/[ ]+#.*$/, "")
      if (field != "") { if (match($0, field ": *[^,}]+")) { $0 = substr($0, RSTART, RLENGTH); sub(/^[^:]*: */, "") } else $0 = "" }
      gsub(/"/, ""); print; exit
    }' "$1"
}
