#!/usr/bin/env bash
# A scripted walk through syncschema against the bundled Graph emulator (`make demo`).
#
# Starts .build/debug/graph-emulator on a free port, copies the example project (environments/ and
# schemas/) into a temporary directory pointing at it, and runs the workflow step by step, printing
# each command as you would type it. Exits non-zero when a step does not end as expected.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.build/debug"
for tool in syncschema graph-emulator; do
    if [[ ! -x "$bin/$tool" ]]; then
        echo "demo: $bin/$tool is not built; run \`swift build\` (or \`make demo\`)" >&2
        exit 1
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/syncschema-demo.XXXXXX")"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start the emulator and read its address from the first line it prints.
mkfifo "$work/emulator.out"
"$bin/graph-emulator" --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
exec 3<"$work/emulator.out"
if ! IFS= read -r -t 20 line <&3 || [[ "$line" != "listening on http://127.0.0.1:"* ]]; then
    echo "demo: graph-emulator did not start: ${line:-no output} $(cat "$work/emulator.err")" >&2
    exit 1
fi
base="${line#listening on }"

# The example project, pointed at this emulator instead of http://127.0.0.1:8765.
project="$work/project"
mkdir -p "$project"
cp -R "$root/environments" "$root/schemas" "$project/"
for file in "$project"/environments/*.json; do
    sed "s#http://127.0.0.1:8765#$base#g" "$file" >"$file.tmp" && mv "$file.tmp" "$file"
done
cd "$project"
export SYNCSCHEMA_DEMO_SECRET=demo-secret
export PATH="$bin:$PATH"
export NO_COLOR=1

bold=""; plain=""
if [[ -t 1 ]]; then bold=$'\e[1m'; plain=$'\e[0m'; fi

say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }

# The arguments as a user would type them: quoted where the shell would otherwise change them.
shell_words() {
    local out="" word
    for word in "$@"; do
        if [[ "$word" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+="$word "; else out+="'${word//\'/\'\\\'\'}' "; fi
    done
    printf '%s' "${out% }"
}

# run EXPECTED_EXIT COMMAND…: prints the command, runs it, and stops the demo if the exit code differs.
run() {
    local expected=$1
    shift
    printf '%s$ %s%s\n' "$bold" "$(shell_words "$@")" "$plain"
    local status=0
    "$@" 2>&1 || status=$?
    if [[ $status -ne $expected ]]; then
        echo "demo: \`$(shell_words "$@")\` exited $status, expected $expected" >&2
        exit 1
    fi
}

say "A Graph emulator is running at $base with three tenants: dev, test and prod."
say "The example project: one environment file per tenant, one schema file per app."
run 0 ls environments schemas
run 0 cat environments/dev.json
run 0 syncschema whoami --env dev

say "1. Pull the live schema of dev. The committed file already matches it, and it plans clean against test:
#    only variables differ between tenants (extension_\${extensionAppId}_… for each tenant's extension app id)."
run 0 syncschema pull --env dev
run 0 syncschema plan --env test

say "2. Add an attribute to the API directory and map it to the directory extension badgeId."
run 0 syncschema attribute add --app hr-employees badgeId --namespace contoso
run 0 syncschema mapping set --app hr-employees --target 'extension_${extensionAppId}_badgeId' \
    --source '[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId]'
run 1 diff -u -L a/schemas/hr-employees.json -L b/schemas/hr-employees.json "$root/schemas/hr-employees.json" schemas/hr-employees.json
run 0 syncschema validate

say "3. The plan shows exactly that: two additions."
run 2 syncschema plan --env dev --detailed-exitcode

say "4. Apply to dev: live is snapshotted first, then PUT, then read back and verified."
run 0 syncschema apply --env dev --auto-approve
snapshots=(snapshots/dev/hr-employees/*.json)
if [[ ${#snapshots[@]} -ne 1 ]]; then
    echo "demo: expected the one snapshot apply took, found: ${snapshots[*]}" >&2
    exit 1
fi
pre_apply_snapshot="${snapshots[0]}"

say "5. Promote dev's live schema to test, with test's extension app id."
run 0 syncschema promote --from dev --to test --auto-approve

say "6. Drift check: dev and test match the file; prod has not had the change yet, so it drifts (exit 2)."
run 2 syncschema drift --all

say "7. Take a snapshot of dev, then restore the one apply took before its write."
run 0 syncschema snapshot --env dev
run 0 syncschema restore --env dev --app hr-employees --from "$pre_apply_snapshot" --allow-destructive --auto-approve

say "8. dev is back to its old schema, so it now differs from the schema file: the plan shows the way forward again."
run 2 syncschema plan --env dev --detailed-exitcode

say "Done. The emulator stops now; nothing outside $work was touched."
