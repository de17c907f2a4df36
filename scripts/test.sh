#!/usr/bin/env bash
# Sets up what is missing, then runs every check; stops at the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# A one-shot run gains nothing from incremental caches, and they were a third of the target folder
# (several GB): the disk of a CI machine is not ours to assume. Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --target wasm32-unknown-unknown --lib --bins -- -D warnings

step "Dependency licences and bans (offline, from cargo metadata)"
node scripts/check-deps.mjs

step "Native tests (cargo test --workspace)"
cargo test --workspace

step "Component tests in headless Chromium (wasm-bindgen-test)"
export CHROMEDRIVER=/usr/bin/chromedriver
cargo test --target wasm32-unknown-unknown --test browser --test simd_wasm

step "Release build (trunk build --release)"
trunk build --release

step "Browser tests (Playwright, release build served on 127.0.0.1)"
(cd end2end && npx playwright test)

step "All checks passed"
