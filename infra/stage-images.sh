#!/usr/bin/env bash
# Stages the docker build context for infra/Dockerfile from what `./chard build` made on the host:
#   target/roles/<role>/   the role module's jar, its runtime classpath (target/runtime-classpath.txt) and, for the
#                          roles that run or dispatch tasks (worker, admin, beat), the example tasks' jar
#   target/roles/files/    entrypoint.sh, aot-train.sh, healthcheck.sh, logback.xml
# Usage: infra/stage-images.sh [--build]    (--build runs ./chard build first)
# Jars of this project's own modules are taken from this tree's module/target, never from ~/.m2 (which may hold
# an older install). The folder is rebuilt from scratch each time.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [[ "${1:-}" == "--build" ]]; then ./chard build; fi

out="$root/target/roles"
version="0.1.0-SNAPSHOT"

# role:module pairs, and whether the role carries the example tasks
roles=(worker:worker-function admin:admin-api beat:beat-function recorder:history)
with_tasks() { [[ "$1" != recorder ]]; }

module_jar() { # module_jar MODULE -> this tree's packaged jar of MODULE
  local jar="$root/$1/target/chard-$1-$version.jar"
  [[ -f "$jar" ]] || { echo "stage-images: $jar is missing: run ./chard build first" >&2; exit 1; }
  echo "$jar"
}

rm -rf "$out"
mkdir -p "$out/files"
cp infra/entrypoint.sh infra/aot-train.sh infra/healthcheck.sh infra/logback.xml "$out/files/"
chmod 755 "$out/files/entrypoint.sh" "$out/files/aot-train.sh" "$out/files/healthcheck.sh"

for pair in "${roles[@]}"; do
  role="${pair%%:*}" module="${pair##*:}"
  classpath_file="$root/$module/target/runtime-classpath.txt"
  [[ -f "$classpath_file" ]] || { echo "stage-images: $classpath_file is missing: run ./chard build first" >&2; exit 1; }
  dir="$out/$role"
  mkdir -p "$dir"
  cp "$(module_jar "$module")" "$dir/"
  with_tasks "$role" && cp "$(module_jar examples)" "$dir/"
  IFS=: read -r -a entries < "$classpath_file" || true   # (no newline at its end)
  jars=()
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
  cp "${jars[@]}" "$dir/"
  count=("$dir"/*.jar)
  echo "stage-images: $role: ${#count[@]} jars"
done
