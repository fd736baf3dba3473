#!/bin/sh
# The training run of one role's JDK 25 AOT cache (JEP 483/514/515), made at image build time (infra/Dockerfile):
# a cache only serves the JVM that made it, with the same jars at the same paths and compatible options, so it is
# made here, by the image's own JVM through the entrypoint's own command line, never on the host and copied in.
# Two steps, not the one-step -XX:AOTCacheOutput: the role runs for 10 s (then SIGTERM) recording its configuration,
# which the JVM writes as it exits; a second JVM, under no time limit, then makes the cache from it. (With the one
# step, the exiting JVM makes the cache in a child JVM: a slow build machine's timeout could stop the parent while
# the child still wrote, and the image kept half a cache that no JVM can map.) A last JVM must map the cache, with
# the role's options, or the image build fails.
# Redis and PostgreSQL are a port where nothing listens: a build has no servers, and a build with host networking
# must not touch anyone's data. So the cache records the start, the application context and the outage path
# (Lettuce and Netty connecting included), not a task's run: most of what a start loads, and what the cache saves.
#
# A Lambda function image (`aot-train.sh function HANDLER`) is trained on one invocation of HANDLER through the real
# runtime interface client, served by lambda-local's Runtime API in the same JVM (io.chard.lambda.local.Invoke, whose
# jar the image carries for this), with the event its trigger sends (/app/events). Without servers its handler fails
# at its first Redis call, so the cache holds the init and the event's deserialisation only. A build with host
# networking may pass CHARD_TRAINING_REDIS_URI (and CHARD_TRAINING_JDBC_URL for beat) naming servers of the build
# machine: the invocation then runs its drain for real in a namespace of its own (chard-aot-training-*, empty: it
# runs nothing and leaves the keys of its worker registry entry only), and the cache covers that path too.
# Usage: aot-train.sh ROLE | aot-train.sh function HANDLER
set -eu
role="$1"
cache="/app/$role.aot"
export CHARD_AOT_STEP=record
export REDIS_URI="${CHARD_TRAINING_REDIS_URI:-redis://127.0.0.1:1}"
export CHARD_JDBC_URL="${CHARD_TRAINING_JDBC_URL:-jdbc:postgresql://127.0.0.1:1/chard}"
export CHARD_NAMESPACE="chard-aot-training-$$" CHARD_ADMIN_PASSWORD=aot-training-only CHARD_HTTP_PORT=0
if [ "$role" = function ]; then
  handler="$2"
  case "$handler" in
    *Sqs*) event=/app/events/sqs-event.json ;;
    *)     event=/app/events/scheduled-event.json ;;
  esac
  # What an SQS deployment configures; nothing is sent (the training's message names no execution).
  export CHARD_SQS_QUEUE_URLS="default=http://127.0.0.1:1/000000000000/chard-default"
  # A port of its own: a build with host networking shares the machine's ports.
  export AWS_LAMBDA_RUNTIME_API="127.0.0.1:$((20000 + $$ % 20000))" AWS_LAMBDA_FUNCTION_NAME=chard-aot-training \
         AWS_LAMBDA_FUNCTION_VERSION='$LATEST' AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_REGION=us-east-1 \
         AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/chard-aot-training AWS_LAMBDA_LOG_STREAM_NAME=training
  CHARD_LAMBDA_MAIN=io.chard.lambda.local.Invoke timeout -s TERM 60 /app/entrypoint.sh function "$handler" "$event" \
    >/tmp/aot-training.log 2>&1 || true
else
  # The role's exit status does not matter (without servers admin stops at its migrations); the cache does.
  timeout -s TERM 10 /app/entrypoint.sh "$role" >/tmp/aot-training.log 2>&1 || true
fi
if [ ! -s "${cache}conf" ]; then
  echo "aot-train: no AOT configuration was recorded for $role; the last lines of its run:" >&2
  tail -20 /tmp/aot-training.log >&2
  exit 1
fi
if ! CHARD_AOT_STEP=create /app/entrypoint.sh "$role" >/tmp/aot-training.log 2>&1 \
   || ! CHARD_AOT_STEP=check /app/entrypoint.sh "$role" >>/tmp/aot-training.log 2>&1; then
  echo "aot-train: the AOT cache of $role could not be made or mapped:" >&2
  tail -20 /tmp/aot-training.log >&2
  exit 1
fi
rm -f /tmp/aot-training.log "${cache}conf"
echo "aot-train: $cache ($(du -m "$cache" | cut -f1) MB)"
