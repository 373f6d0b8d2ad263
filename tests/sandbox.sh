# Sourced by tests/sdk/run.sh and tests/fuzz/run.sh: `start_sandbox <log file>` starts `$bin serve` as a
# sandbox on a fresh SQLite file and a free port, without rate limits (one client sending thousands of
# requests a minute), waits until it is ready, and sets `port` (the server is stopped when the script exits).
start_sandbox() {
  local log=$1
  local db
  db=$(mktemp -d)/sandbox.sqlite3
  port=$((20000 + RANDOM % 20000))
  PARCOURS_ENV=sandbox PARCOURS_DATABASE_URL="sqlite://$db" PARCOURS_BIND="127.0.0.1:$port" RUST_LOG=warn \
    PARCOURS_RATE_TOKEN_PER_MINUTE=0 PARCOURS_RATE_ADDRESS_PER_MINUTE=0 PARCOURS_VERIFY_PER_MINUTE=100000 \
    PARCOURS_VERIFY_BURST=100000 "$bin" serve > "$log" 2>&1 &
  sandbox_pid=$!
  trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the sandbox did not start:"; cat "$log"; exit 1
}
