#!/usr/bin/env bash
# Stages the functions' code for template.yaml: <module>/target/lambda/lib/*.jar, the layout of the java21
# runtime. The worker functions take sqs-trigger (worker runtime + SQS trigger); beat takes beat-function plus
# sqs-trigger, so that its dispatches to SQS-triggered queues send their messages too.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B package -DskipTests -pl sqs-trigger,beat-function -am

stage() {
  local out="$1/target/lambda"; shift
  rm -rf "$out"; mkdir -p "$out/lib"
  for module in "$@"; do
    cp "$module"/target/chard-*-SNAPSHOT.jar "$out/lib/"
    tr ':' '\n' < "$module/target/runtime-classpath.txt" | while read -r entry; do
      if [[ -d "$entry" ]]; then   # a reactor sibling's classes
        jar cf "$out/lib/$(basename "$(dirname "$(dirname "$entry")")").jar" -C "$entry" .
      elif [[ -f "$entry" ]]; then
        cp "$entry" "$out/lib/"
      fi
    done
  done
  echo "staged $out ($(ls "$out/lib" | wc -l) jars)"
}
stage sqs-trigger sqs-trigger
stage beat-function beat-function sqs-trigger
