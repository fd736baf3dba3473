#!/usr/bin/env bash
# Single dispatch over HTTP under wrk, as the issue measures it: 2 threads, 8 keep-alive connections, each request
# POST /api/background_tasks/tasks {"task":"examples.noop"} with a bearer JWT from /login, against a running
# `./chard admin` (authentication on, the per-request session check and its recorder included).
#
# The baseline, run first against the same server with the same token and connections: GET
# /api/background_tasks/admin/me, which passes the same security filter chain and encodes a small JSON answer but
# reads nothing and writes nothing. It is the rate this HTTP stack allows on this machine before any dispatch work,
# so the dispatch's ratio to it is what carries between machines.
#
# Usage: CHARD_ADMIN_PASSWORD=... infra/bench/wrk-dispatch.sh [base URL, default http://127.0.0.1:8080] [duration, 10s]
# Every request enqueues an execution that stays pending: run it against a namespace of its own
# (CHARD_NAMESPACE=... ./chard admin) and remove that namespace's keys afterwards.
set -euo pipefail
base="${1:-http://127.0.0.1:8080}"
duration="${2:-10s}"
login="{\"username\":\"${CHARD_ADMIN_USER:-admin}\",\"password\":\"${CHARD_ADMIN_PASSWORD:?set CHARD_ADMIN_PASSWORD}\"}"
token=$(curl -sf -H 'Content-Type: application/json' -d "$login" "$base/login" \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
cat > "$workdir/floor.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat > "$workdir/dispatch.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"task":"examples.noop"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

# run NAME PATH: one wrk run, its whole report shown and kept for the summary.
run() {
  echo "== $1: $base$2"
  wrk -t2 -c8 -d"$duration" --latency -s "$workdir/$1.lua" "$base$2" | tee "$workdir/$1.out"
}
run floor /api/background_tasks/admin/me
run dispatch /api/background_tasks/tasks

# rate NAME, p99 NAME: read off wrk's report.
rate() { awk '/^Requests\/sec:/ {print $2}' "$workdir/$1.out"; }
p99() { awk '$1 == "99%" {print $2}' "$workdir/$1.out"; }
for name in floor dispatch; do
  if ! grep -q '^ *Non-2xx' "$workdir/$name.out"; then continue; fi
  echo "wrk-dispatch: the $name run had answers other than 2xx (above); its rate is not a measure" >&2
  exit 1
done
awk -v d="$(rate dispatch)" -v f="$(rate floor)" -v dp="$(p99 dispatch)" -v fp="$(p99 floor)" 'BEGIN {
  printf "\n| run | requests/s | p99 | ratio to the floor |\n|---|---|---|---|\n"
  printf "| GET /admin/me (the floor: authentication, no work) | %.0f | %s | 1 |\n", f, fp
  printf "| POST /tasks {\"task\":\"examples.noop\"} | %.0f | %s | %.3f |\n", d, dp, d / f
}'
