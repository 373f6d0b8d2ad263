#!/usr/bin/env bash
# `make sdk-check`: generates the Python client (openapi-python-client) and the TypeScript types
# (openapi-typescript) from openapi/openapi.json into target/sdk, starts a sandbox on a fresh SQLite file
# and runs tests/sdk/check.py and tests/sdk/typescript/check.ts against it. Nothing generated is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/target/sdk
bin=${PARCOURS_BIN:-$root/target/debug/parcours}
mkdir -p "$work"

# Python: the generator and the client's dependencies, pinned, in a virtual environment of their own.
if [ ! -x "$work/venv/bin/openapi-python-client" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check openapi-python-client==0.29.1
fi
rm -rf "$work/python"
"$work/venv/bin/openapi-python-client" generate --path openapi/openapi.json --output-path "$work/python/parcours_client" \
  --meta none --config tests/sdk/python-client.yaml > "$work/python-generate.log" 2>&1 \
  || { cat "$work/python-generate.log"; exit 1; }
# A warning means an operation or a response the client lacks: the contract must say what generators need.
if grep -q '^WARNING' "$work/python-generate.log"; then
  echo "openapi-python-client skipped parts of the contract:"; cat "$work/python-generate.log"; exit 1
fi

# TypeScript: the types, then the script type-checked against them (tsc) and run (node).
ts=$work/typescript
mkdir -p "$ts"
cp tests/sdk/typescript/package.json tests/sdk/typescript/tsconfig.json tests/sdk/typescript/check.ts "$ts/"
(cd "$ts" && { [ -d node_modules ] || npm install --silent --no-audit --no-fund >/dev/null; } \
  && npx openapi-typescript "$root/openapi/openapi.json" --output schema.d.ts >/dev/null \
  && npx tsc -p tsconfig.json)

# A sandbox of its own, on a free port.
. tests/sandbox.sh
start_sandbox "$work/serve.log"

export PARCOURS_URL="http://127.0.0.1:$port" PARCOURS_BIN="$bin"
COMMUNE_TOKEN=$("$bin" token --org commune:62063 --role commune_agent --ttl 1h)
CRI_TOKEN=$("$bin" token --org cri:CRIPEL --role cri_agent --ttl 1h)
REGION_TOKEN=$("$bin" token --org region:SPW --role region_admin --ttl 1h)
export COMMUNE_TOKEN CRI_TOKEN REGION_TOKEN
PYTHONPATH="$work/python" "$work/venv/bin/python" tests/sdk/check.py
node "$ts/dist/check.js"
echo "sdk-check ok: the Python client and the TypeScript types drove the pathway against the sandbox"
