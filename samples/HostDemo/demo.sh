#!/usr/bin/env bash
# Three HostDemo nodes, each its own OS process, form a cluster from Horde__ environment variables alone; then
# SIGTERM, as Kubernetes sends a pod it stops, drains one: it greets its peers a last time, says goodbye, exits 0.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -nologo -clp:ErrorsOnly -v quiet >/dev/null
base=${HOSTDEMO_PORT:-4401}
logs=$(mktemp -d)
pids=()
export Horde__Cookie="demo-$RANDOM-$RANDOM" Horde__Membership__Topologies__seeds__Strategy=Static
for i in 0 1 2; do export "Horde__Membership__Topologies__seeds__Config__Nodes__$i=node$i@127.0.0.1:$((base + i))"; done
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait || true; [ -n "${HOSTDEMO_KEEP_LOGS:-}" ] && cp -r "$logs" "$HOSTDEMO_KEEP_LOGS"; rm -rf "$logs"; }
trap cleanup EXIT

# Waits (bounded) until a node's output has a line matching a pattern.
await_line() {
  local file=$1 pattern=$2
  for _ in $(seq 300); do grep -q -- "$pattern" "$file" && return 0; sleep 0.1; done
  echo "timed out waiting for '$pattern' in $file:" >&2; cat "$file" >&2; exit 1
}

for i in 0 1 2; do
  Horde__Name="node$i@127.0.0.1:$((base + i))" dotnet bin/Release/net10.0/HostDemo.dll >"$logs/node$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do
  await_line "$logs/node$i.log" "members now (3)"
  for j in 0 1 2; do [ "$i" = "$j" ] || await_line "$logs/node$i.log" "node$i: met node$j"; done
done
echo "== three nodes joined: ==" && grep -h "met node" "$logs"/node*.log | sort

echo "== kill -TERM node2 =="
kill -TERM "${pids[2]}"
set +e; wait "${pids[2]}"; code=$?; set -e
await_line "$logs/node0.log" "node2 is down (Goodbye)"
await_line "$logs/node1.log" "node2 is down (Goodbye)"
grep -h "node2: draining\|node2@.* stopped in\|node2 is down (Goodbye)" "$logs"/node*.log
echo "node2 exited with code $code"
[ "$code" -eq 0 ]
