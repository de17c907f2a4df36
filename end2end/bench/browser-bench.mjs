// Browser benchmark of seqmix (NOT part of the Playwright test run).
//
// Builds the release site (unless --no-build), serves dist/ on loopback with end2end/serve.mjs,
// drives /usr/bin/chromium through playwright-core, measures the budgets of issue 7, reads the
// native criterion results of `cargo bench --bench models` from target/criterion, prints a
// table and writes BENCHMARKS.md at the repository root.
//
// Usage (from the repository root): node end2end/bench/browser-bench.mjs [--no-build] [--port N]
import { spawn, spawnSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { sliderProbe } from './slider-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const port = Number(args.includes('--port') ? args[args.indexOf('--port') + 1] : process.env.BENCH_PORT || 8099);
const build = !args.includes('--no-build');
const LAUNCH_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const MODELS = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const r = q * (s.length - 1), lo = Math.floor(r), hi = Math.ceil(r);
  return s[lo] + (s[hi] - s[lo]) * (r - lo);
}
function slope(points) { // least squares of ln y on ln x
  const p = points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)]);
  if (p.length < 2) return NaN;
  const mx = p.reduce((a, q) => a + q[0], 0) / p.length, my = p.reduce((a, q) => a + q[1], 0) / p.length;
  const sxx = p.reduce((a, q) => a + (q[0] - mx) ** 2, 0), sxy = p.reduce((a, q) => a + (q[0] - mx) * (q[1] - my), 0);
  return sxx > 0 ? sxy / sxx : NaN;
}
const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const fmtMs = (v) => (!Number.isFinite(v) ? 'n/a' : v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(3) : v.toFixed(4));

// ---------- build and download size ----------
if (build) {
  console.log('building the release site (trunk build --release)…');
  const r = spawnSync('trunk', ['build', '--release'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('trunk build failed');
}
const dist = join(root, 'dist');
// A second release build with the `bench-exports` feature (timing entry points over the same
// workloads as the native benches; never part of the served site), into target/bench-dist.
const benchDist = join(root, 'target', 'bench-dist');
if (build) {
  console.log('building the bench-exports site (trunk build --release --features bench-exports)…');
  const r = spawnSync('trunk', ['build', '--release', '--features', 'bench-exports', '--dist', benchDist], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('trunk build (bench-exports) failed');
}
const files = readdirSync(dist).filter((f) => statSync(join(dist, f)).isFile());
const sizes = files.map((f) => {
  const body = readFileSync(join(dist, f));
  return { file: f, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
});
const totalGzip = sizes.reduce((a, s) => a + s.gzip, 0);

// Flow view: time from a slider change to the exact influence matrix being complete (it fills
// in progressively, in slices that yield to the browser), per model at L = 64, d = 16.
async function measureInfluence(page) {
  const out = {};
  for (const model of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    await page.getByTestId('model-select').selectOption(model);
    await page.waitForSelector('[data-testid=influence-progress][data-complete=true]', { timeout: 60_000 });
    const times = [];
    for (let k = 0; k < 3; k++) {
      times.push(await page.evaluate(async (k) => {
        const el = document.querySelector('[data-testid=pane] input[type=range][data-testid^=slider-]');
        const flag = () => document.querySelector('[data-testid=influence-progress]').dataset.complete;
        const values = () => document.querySelector('[data-testid=influence-heatmap]').dataset.values;
        const before = values();
        const lo = Number(el.min), hi = Number(el.max);
        el.value = String(k % 2 ? lo + (hi - lo) * 0.3 : lo + (hi - lo) * 0.6);
        const t0 = performance.now();
        el.dispatchEvent(new Event('input', { bubbles: true }));
        let seenPending = false;
        return await new Promise((done) => {
          const poll = () => {
            const f = flag();
            if (f === 'false') seenPending = true;
            // Done when complete again with a new matrix (a fast model may finish within the
            // first frame, before 'false' is ever seen).
            if ((f === 'true' && (seenPending || values() !== before)) || performance.now() - t0 > 20_000) done(performance.now() - t0);
            else requestAnimationFrame(poll);
          };
          requestAnimationFrame(poll);
        });
      }, k));
    }
    out[model] = median(times);
  }
  return out;
}

// ---------- native (criterion) ----------
function criterionMs(...parts) {
  const file = join(root, 'target', 'criterion', ...parts.map(String), 'new', 'estimates.json');
  if (!existsSync(file)) return NaN;
  return JSON.parse(readFileSync(file, 'utf8')).median.point_estimate / 1e6;
}
const native = {};
for (const m of MODELS) {
  native[m] = { forward: {}, influence: {} };
  for (const n of [64, 256, 1024, 4096]) native[m].forward[n] = criterionMs('forward', m, n);
  for (const n of [64, 256]) native[m].influence[n] = criterionMs('influence', m, n);
}
const nativeScan = criterionMs('selective_scan', 'L1024_D16_N16');

// ---------- browser ----------
const server = spawn(process.execPath, [join(root, 'end2end', 'serve.mjs'), dist, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((ok) => server.stdout.once('data', ok));
const base = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
const consoleProblems = [];
async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) consoleProblems.push(m.text()); });
  page.on('pageerror', (e) => consoleProblems.push(e.message));
  await page.addInitScript(() => {
    window.__ready = null;
    window.__longtasks = [];
    new MutationObserver(() => {
      if (window.__ready === null && document.querySelector('[data-testid=app-ready]')) window.__ready = performance.now();
    }).observe(document, { childList: true, subtree: true });
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push(e.duration); })
        .observe({ type: 'longtask', buffered: true });
    } catch { /* no long-task API */ }
  });
  return { context, page };
}

const results = { load: [], views: {}, animation: null, cost: null, notes: [] };
try {
  // Load to app-ready: 5 fresh loads (new context each, nothing cached).
  for (let i = 0; i < 5; i++) {
    const { context, page } = await freshPage();
    await page.goto(base);
    await page.waitForSelector('[data-testid=app-ready]', { state: 'attached', timeout: 20_000 });
    results.load.push(await page.evaluate(() => window.__ready));
    await context.close();
  }

  const { context, page } = await freshPage();
  await page.goto(base);
  await page.waitForSelector('[data-testid=app-ready]', { state: 'attached', timeout: 20_000 });
  // L = 64: the shell caps the sentence at 64 tokens.
  const words = 'the cat that the dog chased ran up the old tree and waited below'.split(' ');
  await page.getByTestId('text-input').fill(Array.from({ length: 64 }, (_, i) => words[i % words.length]).join(' '));
  const views = await page.$$eval('[data-testid^=nav-]', (els) => els.map((e) => e.dataset.testid.slice(4)));
  for (const view of views) {
    await page.getByTestId(`nav-${view}`).click();
    await page.waitForSelector(`[data-testid=view-${view}]`);
    await page.waitForTimeout(300);
    const d = await page.$('[data-testid=slider-d-model]');
    if (d) await d.evaluate((el) => { el.value = '16'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    const sliders = await page.$$eval(`[data-testid=view-${view}] input[type=range][data-testid^=slider-]`,
      (els) => els.map((e) => e.dataset.testid).filter((id) => id !== 'slider-speed' && id !== 'slider-d-model'));
    const times = [], drags = [];
    for (const id of sliders.slice(0, 4)) {
      // 15 jumps (25 % ↔ 75 % of the range) and 15 one-step moves, the inputs spread evenly
      // over the frame interval (see slider-probe.mjs). The budget rows use the jumps.
      const t = await page.evaluate(sliderProbe, { id, changes: 15 });
      times.push(...t.map((c) => c.ms));
      const d = await page.evaluate(sliderProbe, { id, changes: 15, step: true });
      drags.push(...d.map((c) => c.ms));
    }
    results.views[view] = {
      sliders, median: median(times), p95: quantile(times, 0.95), count: times.length,
      dragMedian: median(drags), dragP95: quantile(drags, 0.95),
    };
    if (view === 'flow') results.influence = await measureInfluence(page);
  }

  // Animation frame time p95 while the Flow player plays (if it has one).
  await page.getByTestId('nav-flow').click();
  const play = await page.$('[data-testid=view-flow] [data-testid=player-play]');
  if (play) {
    await play.click();
    const frames = await page.evaluate(async () => {
      const out = []; let last = performance.now();
      await new Promise((done) => {
        const f = (t) => { out.push(t - last); last = t; if (out.length < 120) requestAnimationFrame(f); else done(); };
        requestAnimationFrame(f);
      });
      return out.slice(1);
    });
    await play.click();
    results.animation = { p95: quantile(frames, 0.95), median: median(frames), frames: frames.length };
  } else {
    results.notes.push('Flow view has no player yet: animation frame time not measured.');
  }

  // Forward timings: the Cost view's measurement, n = 64 … 4096.
  if (views.includes('cost')) {
    await page.getByTestId('nav-cost').click();
    await page.evaluate(() => { window.__longtasks.length = 0; });
    const frameGaps = page.evaluate(() => new Promise((done) => {
      const out = []; let last = performance.now(); const stopAt = performance.now() + 120_000;
      const f = (t) => {
        out.push(t - last); last = t;
        const s = document.querySelector('[data-testid=cost-status]')?.dataset.state;
        if ((s === 'running' || out.length < 5) && t < stopAt) requestAnimationFrame(f); else done(out);
      };
      requestAnimationFrame(f);
    }));
    await page.getByTestId('cost-run').click();
    await page.waitForSelector('[data-testid=cost-status][data-state=done]', { timeout: 180_000 });
    const gaps = await frameGaps;
    const status = await page.getByTestId('cost-status');
    results.cost = {
      points: JSON.parse(await status.getAttribute('data-points')),
      slopes: JSON.parse(await status.getAttribute('data-slopes')),
      notes: await page.getByTestId('cost-notes').innerText(),
      longtasks: await page.evaluate(() => window.__longtasks.slice()),
      maxFrameGap: Math.max(...gaps),
      p95FrameGap: quantile(gaps, 0.95),
    };
  }
  await context.close();
  results.kernels = await measureKernels();
} finally {
  await browser.close();
  server.kill();
}

// The core's kernels timed inside the browser on the same workloads as the native benches
// (`bench_exports.rs` ↔ `benches/models.rs`): median of 5 batches, ms per call.
async function measureKernels() {
  if (!existsSync(join(benchDist, 'index.html'))) {
    results.notes.push('bench-exports site not built (run without --no-build): kernel ratios not measured.');
    return null;
  }
  const benchServer = spawn(process.execPath, [join(root, 'end2end', 'serve.mjs'), benchDist, String(port + 1)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok) => benchServer.stdout.once('data', ok));
  const { context, page } = await freshPage();
  try {
    await page.goto(`http://127.0.0.1:${port + 1}/`);
    await page.waitForFunction(() => typeof window.wasmBindings?.bench_selective_scan === 'function', null, { timeout: 20_000 });
    const batches = (expr, arg) => page.evaluate(([expr, arg]) => {
      const out = [];
      for (let i = 0; i < 5; i++) out.push(window.wasmBindings[expr](...arg));
      return out;
    }, [expr, arg]);
    const out = { scan: median(await batches('bench_selective_scan', [40])), forward: {}, influence: {} };
    for (const m of MODELS) {
      out.forward[m] = { 64: median(await batches('bench_forward', [m, 64, 200])), 1024: median(await batches('bench_forward', [m, 1024, 10])) };
      out.influence[m] = { 64: median(await batches('bench_influence', [m, 64, 2])) };
    }
    return out;
  } finally {
    await context.close();
    benchServer.kill();
  }
}

// ---------- report ----------
const budgets = [];
const budget = (name, value, limit, unit, profile = '') => {
  const met = Number.isFinite(value) ? value <= limit : null;
  budgets.push({ name, value, limit, unit, met, gap: met === false ? value - limit : 0, profile });
};
const loadMedian = median(results.load);
budget('download, gzip -9 total', totalGzip / 1024, 300, 'KB');
budget('load to app-ready (median of 5)', loadMedian, 500, 'ms');
for (const [view, v] of Object.entries(results.views)) {
  if (!v.count) { results.notes.push(`${view}: no slider in this view (only shell inputs); not measured.`); continue; }
  budget(`${view}: slider → next frame, median`, v.median, 16, 'ms');
  budget(`${view}: slider → next frame, p95`, v.p95, 33, 'ms');
}
if (results.animation) budget('Flow player: frame time p95', results.animation.p95, 20, 'ms');
for (const [model, ms] of Object.entries(results.influence ?? {})) budget(`flow: influence complete after a change, ${model}`, ms, 250, 'ms');
for (const m of MODELS) {
  budget(`native forward ${m}, L = 64`, native[m].forward[64], 1, 'ms');
  budget(`native influence ${m}, L = 64`, native[m].influence[64], 50, 'ms');
}
budget('native selective_scan L = 1024, D = N = 16', nativeScan, 0.4, 'ms');
const browserMs = (m, n) => results.cost?.points.find((p) => p.model === m && p.n === n)?.ms ?? NaN;
for (const m of MODELS) {
  for (const n of [64, 1024, 4096]) {
    const b = browserMs(m, n), nat = native[m].forward[n];
    if (Number.isFinite(b) && Number.isFinite(nat)) budget(`browser / native forward ${m}, L = ${n}`, b / nat, 2, '×');
  }
}
if (results.kernels) {
  const k = results.kernels;
  budget('browser selective_scan L = 1024, D = N = 16', k.scan, 0.8, 'ms');
  budget('browser / native selective_scan', k.scan / nativeScan, 2, '×');
  for (const m of MODELS) {
    budget(`browser / native forward (bench export) ${m}, L = 64`, k.forward[m][64] / native[m].forward[64], 2, '×');
    budget(`browser / native influence ${m}, L = 64`, k.influence[m][64] / native[m].influence[64], 2, '×');
  }
}
if (results.cost) {
  budget('Cost measurement: longest task (page frozen)', Math.max(0, ...results.cost.longtasks), 50, 'ms');
}

const nproc = (() => { try { return execSync('nproc').toString().trim(); } catch { return String(cpus().length); } })();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const lines = [];
lines.push('# seqmix benchmarks', '');
lines.push(`Measured ${date} on ${nproc} cores (${cpu}), headless Chromium (\`/usr/bin/chromium\`) on loopback.`);
lines.push('The machine is shared with other builds, so absolute times carry noise; budgets come from issue 7.', '');
lines.push('Regenerate with `scripts/bench.sh`, which runs:', '```');
lines.push('cargo bench --bench models          # native, criterion (sample_size 10, 1 s per point)');
lines.push('node end2end/bench/browser-bench.mjs   # trunk build --release, serve dist/, Chromium via playwright-core');
lines.push('```', '');
lines.push('## Budgets', '', '| budget | measured | limit | met | gap |', '| --- | --- | --- | --- | --- |');
for (const b of budgets) {
  const v = b.unit === '×' ? fmt(b.value) : b.unit === 'KB' ? fmt(b.value, 1) : fmtMs(b.value);
  lines.push(`| ${b.name} | ${v} ${b.unit} | ${b.limit} ${b.unit} | ${b.met === null ? 'not measured' : b.met ? 'met' : '**not met**'} | ${b.met === false ? `+${b.unit === 'KB' ? fmt(b.gap, 1) : fmt(b.gap)} ${b.unit}` : ''} |`);
}
lines.push('', '## Download size (gzip -9)', '', '| file | raw bytes | gzip -9 bytes |', '| --- | --- | --- |');
for (const s of sizes) lines.push(`| ${s.file.replace(/-[0-9a-f]{16}/, '-…')} | ${s.raw} | ${s.gzip} |`);
lines.push(`| **total** | ${sizes.reduce((a, s) => a + s.raw, 0)} | **${totalGzip}** (${fmt(totalGzip / 1024, 1)} KB) |`);
lines.push('', '## Native forward pass (criterion median, ms; d_model = 16, default configs)', '');
lines.push('| model | L = 64 | 256 | 1024 | 4096 | fitted exponent (1024–4096) | expected | influence L = 64 | influence L = 256 |');
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const m of MODELS) {
  const f = native[m].forward;
  const p = slope([[1024, f[1024]], [4096, f[4096]]]);
  lines.push(`| ${m} | ${fmtMs(f[64])} | ${fmtMs(f[256])} | ${fmtMs(f[1024])} | ${fmtMs(f[4096])} | ${fmt(p)} | ${m === 'transformer' ? 2 : 1} | ${fmtMs(native[m].influence[64])} | ${fmtMs(native[m].influence[256])} |`);
}
lines.push('', `selective_scan, L = 1024, D = N = 16 (with D skip, z gate, Δ bias + softplus): **${fmtMs(nativeScan)} ms**.`);
if (results.kernels) {
  const k = results.kernels;
  lines.push('', '## The same kernels in the browser (`bench-exports` build; median of 5 batches, ms per call)', '');
  lines.push(`selective_scan, L = 1024, D = N = 16: **${fmtMs(k.scan)} ms** in Chromium against ${fmtMs(nativeScan)} ms native (${fmt(k.scan / nativeScan)}×).`, '');
  lines.push('| model | forward L = 64 | ×native | forward L = 1024 | ×native | influence L = 64 | ×native |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const m of MODELS) {
    const f = k.forward[m], i = k.influence[m], nf = native[m].forward, ni = native[m].influence;
    lines.push(`| ${m} | ${fmtMs(f[64])} | ${fmt(f[64] / nf[64])}× | ${fmtMs(f[1024])} | ${fmt(f[1024] / nf[1024])}× | ${fmtMs(i[64])} | ${fmt(i[64] / ni[64])}× |`);
  }
}
if (results.cost) {
  lines.push('', '## Forward pass in the browser (Cost view measurement; median of 5 batches, ms)', '');
  lines.push('| model | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096 | fitted exponent (n ≥ 512) | expected | browser/native at 1024 |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const m of MODELS) {
    const cells = [64, 128, 256, 512, 1024, 2048, 4096].map((n) => fmtMs(browserMs(m, n)));
    const s = results.cost.slopes[m];
    lines.push(`| ${m} | ${cells.join(' | ')} | ${s === null ? 'n/a' : fmt(s)} | ${m === 'transformer' ? 2 : 1} | ${fmt(browserMs(m, 1024) / native[m].forward[1024])}× |`);
  }
  if (results.cost.notes.trim()) lines.push('', 'Notes shown by the view:', '', ...results.cost.notes.trim().split('\n').map((l) => `- ${l}`));
  lines.push('', `During the measurement: longest task ${fmtMs(Math.max(0, ...results.cost.longtasks))} ms (${results.cost.longtasks.length} tasks > 50 ms), longest frame gap ${fmtMs(results.cost.maxFrameGap)} ms, p95 frame gap ${fmtMs(results.cost.p95FrameGap)} ms.`);
}
lines.push('', '## Slider → next frame (L = 64)', '',
  'Per slider 15 jumps between 25 % and 75 % of its range (the budget rows above) and 15 one-step moves',
  '(a drag), each input landing at an even spread of points in the 16.7 ms frame interval',
  '(`end2end/bench/slider-probe.mjs`).', '',
  '| view | sliders | changes | jump median ms | jump p95 ms | one-step median ms | one-step p95 ms |', '| --- | --- | --- | --- | --- | --- | --- |');
for (const [view, v] of Object.entries(results.views)) lines.push(`| ${view} | ${v.sliders.join(', ') || '—'} | ${v.count} | ${fmtMs(v.median)} | ${fmtMs(v.p95)} | ${fmtMs(v.dragMedian)} | ${fmtMs(v.dragP95)} |`);
lines.push('', `Load to app-ready, 5 fresh loads (ms): ${results.load.map((v) => fmtMs(v)).join(', ')}.`);
if (results.animation) lines.push('', `Flow player: ${results.animation.frames} frames, median ${fmtMs(results.animation.median)} ms, p95 ${fmtMs(results.animation.p95)} ms.`);
if (results.notes.length) lines.push('', '## Not measured', '', ...results.notes.map((n) => `- ${n}`));
if (consoleProblems.length) lines.push('', '## Console problems seen', '', ...consoleProblems.map((p) => `- ${p}`));
lines.push('', '## Analysis', '', '<!-- analysis -->', '');

const out = join(root, 'BENCHMARKS.md');
// Keep a hand-written analysis below the marker across runs.
let analysis = '';
if (existsSync(out)) {
  const old = readFileSync(out, 'utf8');
  const at = old.indexOf('<!-- analysis -->');
  if (at >= 0) analysis = old.slice(at + '<!-- analysis -->'.length).trim();
}
writeFileSync(out, lines.join('\n') + (analysis ? analysis + '\n' : ''));
console.log(lines.slice(0, lines.indexOf('## Analysis')).join('\n'));
console.log(`\nwrote ${out}`);
