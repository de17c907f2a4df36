// The core's kernels alone in headless Chromium (NOT part of the Playwright test run): the
// `bench-exports` timing entry points of browser-bench.mjs, without the page-level budgets, so a
// change to a kernel can be measured in a minute. Prints ms per call (median of 5 batches) and,
// when `cargo bench --bench models` has run, the ratio to the native criterion median.
//
// Usage (repository root): node end2end/bench/kernel-bench.mjs [--no-build] [--port N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const port = Number((portAt >= 0 && args[portAt + 1]) || process.env.BENCH_PORT || 8097);
const benchDist = join(root, 'target', 'bench-dist');
const MODELS = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];

if (!args.includes('--no-build')) {
  const r = spawnSync('trunk', ['build', '--release', '--features', 'bench-exports', '--dist', benchDist], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('trunk build (bench-exports) failed');
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function criterionMs(...parts) {
  const file = join(root, 'target', 'criterion', ...parts.map(String), 'new', 'estimates.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).median.point_estimate / 1e6 : NaN;
}

const server = spawn(process.execPath, [join(root, 'end2end', 'serve.mjs'), benchDist, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((ok) => server.stdout.once('data', ok));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) console.log(`console ${m.type()}: ${m.text()}`); });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => typeof window.wasmBindings?.bench_selective_scan === 'function', null, { timeout: 20_000 });
  // 9 batches: the median as in browser-bench.mjs, and the fastest, which is less disturbed
  // when other processes share the cores.
  const batches = async (name, arg) => {
    const times = await page.evaluate(([name, arg]) => {
      const out = [];
      for (let i = 0; i < 9; i++) out.push(window.wasmBindings[name](...arg));
      return out;
    }, [name, arg]);
    return [median(times), Math.min(...times)];
  };
  rows.push(['selective_scan L=1024 D=N=16', await batches('bench_selective_scan', [40]), criterionMs('selective_scan', 'L1024_D16_N16')]);
  for (const m of MODELS) {
    rows.push([`forward ${m} L=64`, await batches('bench_forward', [m, 64, 200]), criterionMs('forward', m, 64)]);
    rows.push([`forward ${m} L=1024`, await batches('bench_forward', [m, 1024, 10]), criterionMs('forward', m, 1024)]);
    rows.push([`influence ${m} L=64`, await batches('bench_influence', [m, 64, 2]), criterionMs('influence', m, 64)]);
  }
} finally {
  await browser.close();
  server.kill();
}
console.log('| kernel | browser ms (median) | browser ms (fastest) | native ms (criterion median) | browser / native (median) |\n| --- | --- | --- | --- | --- |');
for (const [name, [b, fastest], n] of rows) console.log(`| ${name} | ${b.toFixed(4)} | ${fastest.toFixed(4)} | ${n.toFixed(4)} | ${(b / n).toFixed(2)}× |`);
