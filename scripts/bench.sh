#!/usr/bin/env bash
# Runs every benchmark and rewrites BENCHMARKS.md (date, core count, tables, budgets).
#   native:  cargo bench --bench models   (criterion; every family through family.rs)
#   browser: node end2end/bench/browser-bench.mjs   (trunk build --release, serve dist/,
#            headless Chromium via playwright-core; reads the native results from target/criterion)
# BENCH_ALL=1 also runs the older per-family bench files (linear, mamba, nonlinear).
# About 5–8 minutes on 2 cores with a warm target/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

step "Native benchmarks (cargo bench --bench models)"
cargo bench --bench models
if [ "${BENCH_ALL:-0}" = 1 ]; then
  cargo bench --bench linear --bench mamba --bench nonlinear
fi

step "Browser benchmark (release build, headless Chromium)"
node end2end/bench/browser-bench.mjs "$@"
