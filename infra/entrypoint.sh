#!/bin/sh
# Runs one Chard role (worker, admin, recorder, beat) in the container image, from the jars in /app/lib (staged by
# infra/stage-images.sh). SIGTERM reaches the JVM (exec), which stops gracefully. JAVA_OPTS adds JVM options.
set -e
role="${1:-worker}"
[ $# -gt 0 ] && shift
case "$role" in
  worker)   exec java -Dlogback.configurationFile=/app/logback.xml $CHARD_WORKER_JAVA_OPTS ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.worker.WorkerMain "$@" ;;
  admin)    exec java -Dlogback.configurationFile=/app/logback.xml ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.admin.AdminMain "$@" ;;
  recorder) exec java -Dlogback.configurationFile=/app/logback.xml ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.history.RecorderMain "$@" ;;
  beat)     exec java -Dlogback.configurationFile=/app/logback.xml ${JAVA_OPTS:-} -cp '/app/lib/*' io.chard.beat.function.BeatMain "$@" ;;
  *) echo "usage: worker [--queues a,b] [--concurrency N] | admin | recorder | beat" >&2; exit 2 ;;
esac
