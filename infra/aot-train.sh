#!/bin/sh
# The training run of one role's JDK 25 AOT cache (JEP 483/514/515), made at image build time (infra/Dockerfile):
# a cache only serves the JVM that made it, with the same jars at the same paths and compatible options, so it is
# made here, by the image's own JVM through the entrypoint's own command line, never on the host and copied in.
# The role runs for 10 s and is then stopped with SIGTERM; the JVM writes the cache as it exits.
# Redis and PostgreSQL are a port where nothing listens: a build has no servers, and a build with host networking
# must not touch anyone's data. So the cache records the start, the application context and the outage path
# (Lettuce and Netty connecting included), not a task's run: most of what a start loads, and what the cache saves.
# Usage: aot-train.sh ROLE
set -eu
role="$1"
cache="/app/$role.aot"
export CHARD_AOT_OUTPUT="$cache"
export REDIS_URI=redis://127.0.0.1:1 CHARD_JDBC_URL=jdbc:postgresql://127.0.0.1:1/chard
export CHARD_NAMESPACE=chard-aot-training CHARD_ADMIN_PASSWORD=aot-training-only CHARD_HTTP_PORT=0
# The role's exit status does not matter (without servers admin stops at its migrations); the cache does.
timeout -s TERM 10 /app/entrypoint.sh "$role" >/tmp/aot-training.log 2>&1 || true
if [ ! -s "$cache" ]; then
  echo "aot-train: no AOT cache was written for $role; the last lines of its run:" >&2
  tail -20 /tmp/aot-training.log >&2
  exit 1
fi
rm -f /tmp/aot-training.log
echo "aot-train: $cache ($(du -m "$cache" | cut -f1) MB)"
