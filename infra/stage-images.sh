#!/usr/bin/env bash
# Stages the docker build context for infra/Dockerfile from what `./chard build` made on the host:
#   target/roles/<role>/   the role module's jar, its runtime classpath (target/runtime-classpath.txt) and, for the
#                          roles that run or dispatch tasks (worker, admin, beat), the example tasks' jar
#   target/roles/function-worker/, function-beat/
#                          a Lambda function image's jars: the function module's (sqs-trigger, which carries the
#                          worker functions; beat-function), then lambda-local's (the runtime interface client, and
#                          the local Runtime API its AOT training run uses); an artifact already staged in another
#                          version is not staged again, so the function's own versions win
#   target/roles/files/    entrypoint.sh, aot-train.sh, healthcheck.sh, events/ (the functions' training
#                          events)
# Usage: infra/stage-images.sh [--build]    (--build runs ./chard build first)
# Jars of this project's own modules are taken from this tree's module/target, never from ~/.m2 (which may hold
# an older install). The folder is rebuilt from scratch each time.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [[ "${1:-}" == "--build" ]]; then ./chard build; fi

out="$root/target/roles"
version="0.1.0-SNAPSHOT"

# role:module[+module...], and whether the role carries the example tasks
roles=(worker:worker-function admin:admin-api beat:beat-function recorder:history
       function-worker:sqs-trigger+lambda-local function-beat:beat-function+sqs-trigger+lambda-local)
with_tasks() { [[ "$1" != recorder ]]; }

module_jar() { # module_jar MODULE -> this tree's packaged jar of MODULE
  local jar="$root/$1/target/chard-$1-$version.jar"
  [[ -f "$jar" ]] || { echo "stage-images: $jar is missing: run ./chard build first" >&2; exit 1; }
  echo "$jar"
}

rm -rf "$out"
mkdir -p "$out/files"
cp infra/entrypoint.sh infra/aot-train.sh infra/healthcheck.sh "$out/files/"
mkdir -p "$out/files/events"
cp infra/lambda/*.json "$out/files/events/"
chmod 755 "$out/files/entrypoint.sh" "$out/files/aot-train.sh" "$out/files/healthcheck.sh"

# artifact JAR: the jar's name without its version (netty-common-4.2.12.Final.jar -> netty-common)
artifact() { local name="${1##*/}"; [[ "$name" =~ ^(.*)-[0-9][^-]*(-[A-Za-z0-9.]+)*\.jar$ ]] && echo "${BASH_REMATCH[1]}" || echo "$name"; }

for pair in "${roles[@]}"; do
  role="${pair%%:*}" modules="${pair##*:}"
  dir="$out/$role"
  mkdir -p "$dir"
  with_tasks "$role" && cp "$(module_jar examples)" "$dir/"
  declare -A staged=()
  IFS=+ read -r -a module_list <<< "$modules"
  for module in "${module_list[@]}"; do
    classpath_file="$root/$module/target/runtime-classpath.txt"
    [[ -f "$classpath_file" ]] || { echo "stage-images: $classpath_file is missing: run ./chard build first" >&2; exit 1; }
    IFS=: read -r -a entries < "$classpath_file" || true   # (no newline at its end)
    jars=("$(module_jar "$module")")
    for entry in "${entries[@]}"; do
      entry="${entry%$'\n'}"
      [[ -z "$entry" ]] && continue
      # A sibling module (a jar under ~/.m2/.../io/chard/chard-X/ or X/target/...): take X/target's jar.
      sibling=""
      if [[ "$entry" =~ /io/chard/chard-([^/]+)/ ]]; then
        sibling="${BASH_REMATCH[1]}"
      elif [[ "$entry" == "$root"/*/target/* ]]; then
        sibling="${entry#"$root"/}" sibling="${sibling%%/*}"
      fi
      if [[ -n "$sibling" ]]; then
        [[ -d "$root/$sibling" ]] || { echo "stage-images: cannot map $entry to a module of this tree" >&2; exit 1; }
        jars+=("$(module_jar "$sibling")")
      elif [[ -f "$entry" ]]; then
        [[ "$entry" == *-tests.jar ]] || jars+=("$entry")
      else
        echo "stage-images: $entry (from $classpath_file) is not a file" >&2; exit 1
      fi
    done
    for jar in "${jars[@]}"; do
      name="$(artifact "$jar")"
      [[ -n "${staged[$name]:-}" && "${staged[$name]}" != "${jar##*/}" ]] && continue
      staged[$name]="${jar##*/}"
      cp "$jar" "$dir/"
    done
  done
  unset staged
  count=("$dir"/*.jar)
  echo "stage-images: $role: ${#count[@]} jars"
done
