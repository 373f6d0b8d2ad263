# Parcours — everything a developer or CI runs. `make help` lists the targets.
SHELL := /bin/bash
CARGO ?= cargo
# PostgreSQL used by the test suites (each test creates its own database from a migrated template).
export PARCOURS_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

LINT_TOOLS := target/lint/node_modules/.bin

.PHONY: fuzz-api sdk-check openapi-publish lint-contract help run test test-clock test-domain ci fmt fmt-check lint boundary openapi openapi-check docs migrations-data release bench bench-http clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# The sandbox unless PARCOURS_ENV says otherwise: demo data, development keys, movable clocks (docs/sandbox.md).
run: ## Start the API in sandbox mode on var/sandbox.sqlite3 (demo data, a clock per organisation); PARCOURS_ENV=development for an empty one
	@mkdir -p var
	PARCOURS_ENV=$${PARCOURS_ENV:-sandbox} $(CARGO) run --release -p parcours-api --bin parcours -- serve

# `--tests`: unit and integration tests, no benches or doctests to link. The black-box suite drives the
# `parcours` binary that this same build produces, so no release build is needed here.
test: ## Run the whole suite (the PostgreSQL half is skipped, loudly, when no server answers)
	$(CARGO) test --workspace --tests

test-clock: ## The whole suite with the machine's clock moved to 2030-01-01 (needs faketime): nothing may depend on the wall clock
	@command -v faketime >/dev/null || { echo "faketime is missing (Debian package faketime; .ci/run installs it)"; exit 1; }
	faketime '2030-01-01 10:00:00' $(CARGO) test --workspace --tests --locked

release: ## Build the release binary (target/release/parcours), used by the black-box suite
	$(CARGO) build --release -p parcours-api --bin parcours

test-domain: ## Only the rules engine
	$(CARGO) test -p parcours-domain

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint: ## Clippy on every target, warnings are errors
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

boundary: ## The domain crate must not depend on diesel, actix or any IO crate (pure rules)
	@deps=$$($(CARGO) tree -p parcours-domain -e normal --prefix none --locked | awk '{print $$1}' | sort -u); \
	for crate in diesel diesel_migrations actix-web actix-http actix-rt tokio r2d2 libsqlite3-sys pq-sys; do \
	  if grep -qx "$$crate" <<<"$$deps"; then echo "boundary violation: parcours-domain depends on $$crate"; exit 1; fi; \
	done; echo "boundary ok: parcours-domain depends on no IO crate ($$(wc -l <<<"$$deps") crates checked)"

openapi: ## Regenerate openapi/openapi.json from the route registration
	$(CARGO) run -q -p parcours-api --bin parcours -- openapi --output openapi/openapi.json

# Node.js comes with the machine; the two linters come from the npm registry, pinned, into target/lint.
lint-contract: ## Redocly (recommended, strict) and Spectral (spectral:oas) on openapi/openapi.json: 0 errors and 0 warnings
	@command -v npm >/dev/null || { echo "lint-contract needs Node.js and npm"; exit 1; }
	@[ -x $(LINT_TOOLS)/redocly ] && [ -x $(LINT_TOOLS)/spectral ] || { mkdir -p target/lint && cd target/lint && \
	  { [ -f package.json ] || echo '{"private": true}' > package.json; } && \
	  npm install --silent --no-audit --no-fund @redocly/cli@2.77.0 @stoplight/spectral-cli@6.16.3 >/dev/null; }
	cd openapi && ../$(LINT_TOOLS)/redocly lint openapi.json --config redocly.yaml --format=summary
	$(LINT_TOOLS)/spectral lint openapi/openapi.json --ruleset openapi/spectral.yaml --fail-severity warn

openapi-publish: ## At a release: record openapi/openapi.json as the published contract that the breaking-change test compares with
	cp openapi/openapi.json openapi/published.json

# Python from PyPI and Node packages from npm, pinned, into target/sdk; needs python3, node and curl.
sdk-check: ## The Python client (openapi-python-client) and the TypeScript types (openapi-typescript) drive a pathway against a sandbox
	$(CARGO) build --locked -p parcours-api --bin parcours
	tests/sdk/run.sh

fuzz-api: ## schemathesis (PyPI, pinned) against a sandbox, with a token per role and without: no 5xx, every answer in the contract; FUZZ_SECONDS per role (30)
	$(CARGO) build --locked -p parcours-api --bin parcours
	tests/fuzz/run.sh

openapi-check: ## Fail when openapi/openapi.json differs from the code
	$(CARGO) test -p parcours-api --test api --locked openapi_contract_matches_the_committed_file

migrations-data: ## Regenerate the reference-data migration from crates/parcours-domain/data
	PARCOURS_UPDATE_MIGRATIONS=1 $(CARGO) test -p parcours-store --test store reference_data_migration

docs: ## Regenerate docs/rules.md (rules engine), docs/events.md (event catalogue) and docs/personal-data.md (inventory)
	PARCOURS_UPDATE_DOCS=1 $(CARGO) test -p parcours-domain --test rules docs_
	PARCOURS_UPDATE_DOCS=1 $(CARGO) test -p parcours-store --lib personal_data::tests::docs_

bench: ## Benchmarks: rules engine and statistics releases at the pathway's volume (criterion), 100,000 attendance lines on PostgreSQL, public verification, statistics over 1,000,000 cases and a simulation over 100,000 determinations, attestation rendering; figures go to docs/performance.md
	$(CARGO) bench -p parcours-domain --bench determinations
	$(CARGO) bench -p parcours-domain --bench disclosure
	$(CARGO) bench -p parcours-api --bench attendance
	$(CARGO) bench -p parcours-api --bench verification
	$(CARGO) bench -p parcours-api --bench statistics
	$(CARGO) bench -p parcours-documents --bench render

# The servers run on core 0 and the load generator on core 1 where `taskset` exists (util-linux).
bench-http: ## Parcours over HTTP against its ceilings (an actix echo, the arrival as plain SQL) and as cases grow to 10k, 100k and 1M (PARCOURS_BENCH_SIZES); prints the tables of docs/performance.md
	$(CARGO) build --release --locked -p parcours-api --bin parcours -p parcours-echo --bin parcours-echo
	$(CARGO) bench --locked -p parcours-api --bench http --no-run
	$$(command -v taskset >/dev/null && echo taskset -c 1) $(CARGO) bench --locked -p parcours-api --bench http

ci: fmt-check lint boundary openapi-check lint-contract ## Everything CI checks: format, clippy, boundary, contract drift and lint, tests on SQLite and PostgreSQL, on the release binary, with the clock in 2030, and the generated clients
	$(CARGO) build --release --locked -p parcours-api --bin parcours
	PARCOURS_REQUIRE_POSTGRES=1 $(CARGO) test --workspace --tests --locked
	PARCOURS_BIN=$(CURDIR)/target/release/parcours $(CARGO) test -p parcours-blackbox --test blackbox --locked
	PARCOURS_REQUIRE_POSTGRES=1 $(MAKE) test-clock
	PARCOURS_BIN=$(CURDIR)/target/release/parcours $(MAKE) sdk-check
	PARCOURS_BIN=$(CURDIR)/target/release/parcours $(MAKE) fuzz-api

clean:
	$(CARGO) clean
