#!/bin/sh
# Runs one Chard role (worker, admin, recorder, beat) in the container image, from the jars in /app/lib (staged by
# infra/stage-images.sh). SIGTERM reaches the JVM (exec), which stops gracefully. JAVA_OPTS adds JVM options.
# `function HANDLER` is a Lambda function image's role: the AWS Lambda runtime interface client (Lambda sets
# AWS_LAMBDA_RUNTIME_API) serving HANDLER; CHARD_LAMBDA_MAIN replaces the client for the cache's training run.
# The role's JDK 25 AOT cache (/app/ROLE.aot, made by infra/aot-train.sh when the image was built) is used when
# present, unless CHARD_AOT=off. A cache that does not match the JVM (another JDK as BASE_IMAGE's java, other
# options in JAVA_OPTS) is skipped by the JVM with a warning and the role starts without it (-XX:AOTMode=auto);
# JAVA_OPTS=-XX:AOTMode=on makes it refuse to start instead (the compose smoke test checks the cache that way).
set -e
role="${1:-worker}"
[ $# -gt 0 ] && shift
aot=""
if [ -n "${CHARD_AOT_OUTPUT:-}" ]; then
  aot="-XX:AOTCacheOutput=$CHARD_AOT_OUTPUT"
elif [ -f "/app/$role.aot" ] && [ "${CHARD_AOT:-on}" != off ]; then
  aot="-XX:AOTCache=/app/$role.aot"
fi
case "$role" in
  worker)   exec java $aot $CHARD_WORKER_JAVA_OPTS ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.worker.WorkerMain "$@" ;;
  admin)    exec java $aot ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.admin.AdminMain "$@" ;;
  recorder) exec java $aot ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.history.RecorderMain "$@" ;;
  beat)     exec java $aot ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.beat.function.BeatMain "$@" ;;
  function) exec java $aot $CHARD_FUNCTION_JAVA_OPTS ${JAVA_OPTS:-} -cp '/app/lib/*' \
              "${CHARD_LAMBDA_MAIN:-com.amazonaws.services.lambda.runtime.api.client.AWSLambda}" "$@" ;;
  *) echo "usage: worker [--queues a,b] [--concurrency N] | admin | recorder | beat | function HANDLER" >&2; exit 2 ;;
esac
