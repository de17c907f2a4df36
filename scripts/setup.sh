#!/usr/bin/env bash
# Installs what seqmix needs to build and test, skipping what is already there.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again and again.
# Only the package registries are used (crates.io, npm, Debian): nothing from GitHub or a CDN.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each step prints the seconds since the command started, so a run's log shows where the time went.
step() { printf '\n==> %s  [%ss]\n' "$*" "$SECONDS"; }
# `cargo install` puts binaries in $CARGO_HOME/bin (by default ~/.cargo/bin): that folder must be on PATH
# even when CARGO_HOME points elsewhere (e.g. an empty one, to check what a fresh machine sees).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)

step "Rust target wasm32-unknown-unknown"
rustup target add wasm32-unknown-unknown

step "Crates of Cargo.lock, every target (cargo fetch --locked)"
# The offline steps (the licence check's `cargo metadata --offline`) need every crate of every target
# in Cargo.lock, including ones no build for this machine downloads; a fresh cache has none of them.
cargo fetch --locked

step "trunk $TRUNK_VERSION"
if trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  echo "already installed"
else
  # 0.22 needs a newer rustc than this machine has; --locked keeps its tested dependency set.
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  echo "already installed"
else
  # Not --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

step "Chromium, ChromeDriver and the DejaVu fonts (Debian packages)"
# The fonts: the charts' sans-serif text must not depend on what else happens to be installed
# (a base image may have DejaVu, a minimal one only what Chromium pulls in).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/truetype/dejavu ]; then
  echo "already installed"
else
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y chromium chromium-driver fonts-dejavu-core
fi

step "npm packages of end2end/ (Playwright, binaryen's wasm-opt)"
if [ -x end2end/node_modules/.bin/wasm-opt ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
  echo "already installed"
else
  (cd end2end && npm ci --no-audit --no-fund)
fi
