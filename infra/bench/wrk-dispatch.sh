#!/usr/bin/env bash
# Single dispatch over HTTP under wrk, as the issue measures it: 2 threads, 8 keep-alive connections, each request
# POST /api/background_tasks/tasks {"task":"examples.noop"} with a bearer JWT from /login, against a running
# `./chard admin` (authentication on, the per-request session check and its recorder included).
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
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"' EXIT
cat > "$script" <<LUA
wrk.method = "POST"
wrk.body = '{"task":"examples.noop"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
wrk -t2 -c8 -d"$duration" --latency -s "$script" "$base/api/background_tasks/tasks"
