#!/usr/bin/env bash
# One entry point for set-up and the everyday commands:
#   bash build.sh demo    the rolling-update proof: ExCluster on 3 nodes, every node replaced under load (SIGTERM, then SIGKILL)
#   bash build.sh process-demo  a tour of processes and supervision on one node
#   bash build.sh host-demo  three Generic Host nodes form a cluster from configuration; SIGTERM drains one
#   bash build.sh tanx    the Tanx game on three nodes behind a load balancer (port 8080 or $1); r = rolling update
#   bash build.sh test    build (warnings are errors), check formatting, run every test
#   bash build.sh bench   run the benchmarks (see benchmarks/README.md)
#   bash build.sh pack    produce the NuGet packages in artifacts/packages
# Everything a command needs (Debian packages, NuGet packages) it installs itself.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Installs the Debian packages that are missing (the tests start real servers and browsers).
need_debs() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

test_debs=(dnsmasq chromium)

cmd="${1:-}"; shift || true
case "$cmd" in
  demo)
    dotnet run --project samples/ExCluster.Demo -c Release -- "$@"
    ;;
  process-demo)
    dotnet run --project samples/ProcessDemo -c Release -- "$@"
    ;;
  host-demo)
    bash samples/HostDemo/demo.sh
    ;;
  tanx)
    dotnet build samples/Tanx -c Release -nologo -clp:ErrorsOnly -v quiet
    dotnet run --project samples/Tanx.Launcher -c Release -- demo "$@"
    ;;
  test)
    [ ${#test_debs[@]} -eq 0 ] || need_debs "${test_debs[@]}"
    dotnet build Horde.Net.sln -c Release -warnaserror -nologo -clp:ErrorsOnly
    dotnet format Horde.Net.sln --verify-no-changes --no-restore
    log=$(mktemp)
    set +e
    # A hung test must not hang CI: the whole run is bounded.
    dotnet test --solution Horde.Net.sln -c Release --no-build --timeout 15m "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    passed=$(grep -E '^\s*succeeded: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
    failed=$(grep -E '^\s*failed: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
    rm -f "$log"
    echo "Tests: ${passed} passed, ${failed} failed"
    exit "$status"
    ;;
  bench)
    dotnet run --project benchmarks/Horde.Net.Benchmarks -c Release -- "$@"
    ;;
  pack)
    dotnet pack Horde.Net.sln -c Release -o artifacts/packages -nologo
    ;;
  *)
    echo "usage: bash build.sh demo|process-demo|host-demo|tanx|test|bench|pack" >&2
    exit 2
    ;;
esac
