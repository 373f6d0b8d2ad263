#!/usr/bin/env bash
# `make fuzz-api`: schemathesis (from PyPI, pinned, into target/fuzz) against a sandbox of its own, once per
# role with a token of that role and once without a token, each run bounded in time (FUZZ_SECONDS per run,
# 30 by default: about four minutes in all). Fails on any 5xx, any answer that does not match the contract
# (body, status code, Content-Type, headers). An answer may take up to 60 s (a year's statistics report on a
# loaded machine); `make ci` runs the release binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/target/fuzz
bin=${PARCOURS_BIN:-$root/target/debug/parcours}
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$work"
if [ ! -x "$work/venv/bin/schemathesis" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi

# A sandbox of its own, on a free port.
. tests/sandbox.sh
start_sandbox "$work/serve.log"
operator=$(grep -o 'operator:[0-9a-f-]*' "$work/serve.log" | head -1)

fuzz() {
  local who=$1; shift
  echo "== schemathesis as $who (${seconds}s)"
  # From target/fuzz, where hypothesis keeps its `.hypothesis/` directory, out of the checkout.
  (cd "$work" && HYPOTHESIS_STORAGE_DIRECTORY="$work/.hypothesis" "$work/venv/bin/schemathesis" run "$root/openapi/openapi.json" --url "http://127.0.0.1:$port" "$@" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
    --phases examples,fuzzing --max-examples 25 --workers 2 --max-time "$seconds" --no-color --generation-database :memory: \
    --request-timeout 60 \
    > "$work/$who.txt" 2>&1) || { sed -n '/FAILURES/,$p' "$work/$who.txt"; echo "fuzz-api: failures as $who (target/fuzz/$who.txt)"; exit 1; }
  grep -E '^ +[0-9]+ generated' "$work/$who.txt" || true
}
token() { "$bin" token --org "$1" --role "$2" --ttl 1h; }
fuzz anonymous
fuzz commune_agent -H "Authorization: Bearer $(token commune:62063 commune_agent)"
fuzz cri_agent -H "Authorization: Bearer $(token cri:CRIPEL cri_agent)"
fuzz operator_agent -H "Authorization: Bearer $(token "$operator" operator_agent)"
fuzz region_admin -H "Authorization: Bearer $(token region:SPW region_admin)"
fuzz cpas_agent -H "Authorization: Bearer $(token cpas:62063 cpas_agent)"
fuzz sanctions_officer -H "Authorization: Bearer $(token region:SPW sanctions_officer)"
fuzz privacy_officer -H "Authorization: Bearer $(token region:SPW privacy_officer)"
if grep -q 'panicked' "$work/serve.log"; then
  echo "fuzz-api: the server panicked:"; grep -A3 'panicked' "$work/serve.log" | head -20; exit 1
fi
echo "fuzz-api ok: no 5xx and no answer outside the contract, for every role"
