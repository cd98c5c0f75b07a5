# Shared set-up for scripts/run and scripts/test: install what is missing, configure once, build incrementally.
# Sourced, not run. Idempotent: a second call installs nothing and rebuilds only what changed.
set -euo pipefail
TC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TC_BUILD="${TC_BUILD:-$TC_HOME/build}"
TC_CMAKE_ARGS="${TC_CMAKE_ARGS:-}"

# Debian packages the build and the default run need. Test-only tools are added by scripts/test.
TC_PACKAGES=(g++ cmake git ninja-build pkg-config ca-certificates curl
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libyaml-dev
  libboost1.81-dev libcurl4-openssl-dev libssl-dev libcli11-dev libre2-dev libjemalloc-dev)

# Tools our own tests use beside the build (Node.js runs the independent JWT and schema checks), and
# the stock gateway the pack is also run through (compose/examples/apache-gateway: httpd's binary and
# modules only, no service; openssl makes its JWKS listener's certificate).
TC_TEST_PACKAGES=(libxml2-utils apache2-bin libapache2-mod-auth-openidc openssl)

# The instrumented build (scripts/test --sanitize, scripts/fuzz): clang and its libFuzzer and sanitizer
# runtimes (only recommended by clang, so named here). One build folder serves both: everything built
# once with ASan, UBSan and libFuzzer's coverage; no benchmarks (timing under sanitizers means nothing).
TC_FUZZ_PACKAGES=(clang libclang-rt-14-dev)
if [ -n "${TC_INSTRUMENTED:-}" ]; then
  TC_BUILD="$TC_HOME/build-instrumented"
  TC_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DTENANTCHECK_FUZZ=ON -DTENANTCHECK_BENCH=OFF"
  TC_PACKAGES+=("${TC_FUZZ_PACKAGES[@]}")
fi

tc_log() { printf '[tenantcheck] %s\n' "$*" >&2; }

# tc_install PKG...: installs those of PKG... that dpkg does not report installed.
tc_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  tc_log "installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# tc_build [TARGET...]: configures once, then builds those targets (default: everything, tests and
# benchmarks included). A run needs only tenantcheck and tenantcheck-stub. ccache is used when installed.
tc_build() {
  tc_install "${TC_PACKAGES[@]}"
  if [ ! -f "$TC_BUILD/build.ninja" ]; then
    local launcher=()
    command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # shellcheck disable=SC2086  # TC_CMAKE_ARGS is a list of options
    cmake -S "$TC_HOME" -B "$TC_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" $TC_CMAKE_ARGS >/dev/null
  fi
  local targets=() t
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$TC_BUILD" -j "$(nproc)" "${targets[@]}"
}

# tc_node: Node.js and npm, from Debian unless some node is already on the PATH.
tc_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  tc_install nodejs npm
}

# tc_npm_ci DIR...: installs each folder's locked npm dependencies when node_modules is missing or stale.
tc_npm_ci() {
  local d
  for d in "$@"; do
    [ -f "$TC_HOME/$d/package-lock.json" ] || continue
    if [ ! -d "$TC_HOME/$d/node_modules" ] || [ "$TC_HOME/$d/package-lock.json" -nt "$TC_HOME/$d/node_modules" ]; then
      tc_log "npm ci in $d"
      (cd "$TC_HOME/$d" && npm ci --silent --no-audit --no-fund >/dev/null && touch node_modules)
    fi
  done
}
