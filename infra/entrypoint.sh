#!/bin/sh
# Runs one Chard role (worker, admin, recorder, beat) in the container image, from the jars in /app/lib (staged by
# infra/stage-images.sh). SIGTERM reaches the JVM (exec), which stops gracefully. JAVA_OPTS adds JVM options.
# `function HANDLER` is a Lambda function image's role: the AWS Lambda runtime interface client (Lambda sets
# AWS_LAMBDA_RUNTIME_API) serving HANDLER; CHARD_LAMBDA_MAIN replaces the client for the cache's training run.
# The role's JDK 25 AOT cache (/app/ROLE.aot, made by infra/aot-train.sh when the image was built) is used when
# present, unless CHARD_AOT=off. A cache that does not match the JVM (another JDK as BASE_IMAGE's java, other
# options in JAVA_OPTS) is skipped by the JVM with a warning and the role starts without it (-XX:AOTMode=auto);
# JAVA_OPTS=-XX:AOTMode=on makes it refuse to start instead (the compose smoke test checks the cache that way).
# CHARD_AOT_STEP is for infra/aot-train.sh only: `record` runs the role recording /app/ROLE.aotconf, `create` makes
# /app/ROLE.aot from it and `check` starts a JVM that must map the cache; the last two run no main class.
set -e
role="${1:-worker}"
[ $# -gt 0 ] && shift
case "$role" in
  worker)   opts="$CHARD_WORKER_JAVA_OPTS";   main=io.chard.worker.WorkerMain ;;
  admin)    opts="";                          main=io.chard.admin.AdminMain ;;
  recorder) opts="";                          main=io.chard.history.RecorderMain ;;
  beat)     opts="";                          main=io.chard.beat.function.BeatMain ;;
  function) opts="$CHARD_FUNCTION_JAVA_OPTS"; main="${CHARD_LAMBDA_MAIN:-com.amazonaws.services.lambda.runtime.api.client.AWSLambda}" ;;
  *) echo "usage: worker [--queues a,b] [--concurrency N] | admin | recorder | beat | function HANDLER" >&2; exit 2 ;;
esac
# JAVA_OPTS comes last, so its options win; but a maximum heap in it below the worker's -Xms64m would stop the JVM
# at start (initial above maximum), so the role's initial size goes when JAVA_OPTS sets a maximum.
case " ${JAVA_OPTS:-} " in
  *" -Xmx"*) opts=$(printf '%s\n' "$opts" | sed -e 's/-Xms[0-9]*[kKmMgG]\{0,1\}//g') ;;
esac
# Netty uses sun.misc.Unsafe on JDK 25 only with this (else it links malloc and free through the foreign-function
# API at its first use: a slower start and slower buffers; see the launcher, ./chard).
opts="--sun-misc-unsafe-memory-access=allow $opts"
cache="/app/$role.aot"
case "${CHARD_AOT_STEP:-}" in
  record) exec java -XX:AOTMode=record -XX:AOTConfiguration="$cache"conf $opts ${JAVA_OPTS:-} -cp '/app/lib/*' "$main" "$@" ;;
  create) exec java -XX:AOTMode=create -XX:AOTConfiguration="$cache"conf -XX:AOTCache="$cache" $opts ${JAVA_OPTS:-} \
            -cp '/app/lib/*' ;;
  check)  exec java -XX:AOTMode=on -XX:AOTCache="$cache" $opts ${JAVA_OPTS:-} -cp '/app/lib/*' -version ;;
  "")     ;;
  *) echo "CHARD_AOT_STEP must be record, create or check" >&2; exit 2 ;;
esac
aot=""
if [ -f "$cache" ] && [ "${CHARD_AOT:-on}" != off ]; then
  aot="-XX:AOTCache=$cache"
fi
exec java $aot $opts ${JAVA_OPTS:-} -cp '/app/lib/*' "$main" "$@"
