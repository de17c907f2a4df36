// Where a slider change spends its time (NOT part of the test run): a developer's profiling aid
// for the "slider → next frame" budget in BENCHMARKS.md.
//
// Builds a release site without wasm-opt (which would drop the function names) into
// target/profile-dist, opens one view at L = 64, d = 16, records a V8 CPU profile over 15 changes
// of each of the view's first sliders, and prints the functions with the most self time plus the
// summed self time of Rust (wasm), JavaScript and the browser (GC, style, layout: "(program)").
//
// Usage (repository root): node end2end/bench/profile-slider.mjs <view> [--no-build] [--port N]
//   [--model <family>] [--callers <function name part>] [--inclusive]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { sliderProbe } from './slider-probe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const view = args.find((a) => !a.startsWith('--')) ?? 'flow';
const port = Number(args.includes('--port') ? args[args.indexOf('--port') + 1] : 8098);
const dist = join(root, 'target', 'profile-dist');

if (!args.includes('--no-build')) {
  // Same page as index.html, but the wasm keeps its names section so the profile can name frames.
  const html = readFileSync(join(root, 'index.html'), 'utf8').replace('data-wasm-opt="z"', 'data-wasm-opt="0" data-keep-debug');
  const htmlPath = join(root, 'target', 'profile-index.html');
  mkdirSync(dirname(htmlPath), { recursive: true });
  // Trunk resolves assets relative to the html file: point them back at the repository root.
  writeFileSync(htmlPath, html.replace('href="style/main.css"', 'href="../style/main.css"').replace('data-trunk rel="rust"', 'data-trunk rel="rust" href="../Cargo.toml"'));
  const r = spawnSync('trunk', ['build', htmlPath, '--release', 'true', '--dist', dist], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('trunk build failed');
}

const server = spawn(process.execPath, [join(root, 'end2end', 'serve.mjs'), dist, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((ok) => server.stdout.once('data', ok));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?view=${view}`);
  await page.waitForSelector('[data-testid=app-ready]', { state: 'attached' });
  const words = 'the cat that the dog chased ran up the old tree and waited below'.split(' ');
  await page.getByTestId('text-input').fill(Array.from({ length: 64 }, (_, i) => words[i % words.length]).join(' '));
  await page.getByTestId(`nav-${view}`).click();
  await page.waitForTimeout(500);
  // --model <id>: the view's first model select set to that family (e.g. Flow with mamba).
  if (args.includes('--model')) await page.getByTestId('model-select').first().selectOption(args[args.indexOf('--model') + 1]);
  const d = await page.$('[data-testid=slider-d-model]');
  if (d) await d.evaluate((el) => { el.value = '16'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForTimeout(500);
  const sliders = await page.$$eval(`[data-testid=view-${view}] input[type=range][data-testid^=slider-]`,
    (els) => els.map((e) => e.dataset.testid).filter((id) => id !== 'slider-speed' && id !== 'slider-d-model'));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const perSlider = {};
  for (const id of sliders.slice(0, 4)) {
    const changes = await page.evaluate(sliderProbe, { id, changes: 15 });
    perSlider[id] = changes.map((c) => c.ms).sort((a, b) => a - b)[7];
  }
  const { profile } = await cdp.send('Profiler.stop');
  // Self time per node from the samples.
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
  const byName = new Map();
  let wasm = 0, js = 0, other = 0;
  for (const n of profile.nodes) {
    const ms = dt.get(n.id) ?? 0;
    const { functionName, url } = n.callFrame;
    const name = `${functionName || '(anonymous)'}${url.includes('.wasm') || url.startsWith('wasm') ? ' [wasm]' : url ? ' [js]' : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
    if (name.endsWith('[wasm]')) wasm += ms; else if (name.endsWith('[js]')) js += ms; else if (functionName !== '(idle)') other += ms;
  }
  console.log(`view ${view}: median ms per slider`, perSlider);
  console.log(`self time: wasm ${wasm.toFixed(1)} ms, js ${js.toFixed(1)} ms, browser ${other.toFixed(1)} ms`);
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(ms.toFixed(1).padStart(8), name.slice(0, 160));
  // --inclusive: time spent in and below each of our own functions (the app, seqmix::…, and
  // the model core, seqmix_core::…), by total.
  if (args.includes('--inclusive')) {
    const total = new Map();
    const walk = (id, onPath) => {
      const n = nodes.get(id);
      const name = n.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '');
      const ours = /^seqmix(_core)?::/.test(name) && !onPath.has(name);
      const below = (dt.get(id) ?? 0) + (n.children ?? []).reduce((a, c) => a + walk(c, ours ? new Set([...onPath, name]) : onPath), 0);
      if (ours) total.set(name, (total.get(name) ?? 0) + below);
      return below;
    };
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    walk(profile.nodes[0].id, new Set());
    for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(1).padStart(8)} incl. ${name.slice(0, 150)}`);
  }
  // --callers <substring>: the call paths (5 frames up) that lead to a function, by self time.
  if (args.includes('--callers')) {
    const wanted = args[args.indexOf('--callers') + 1];
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const paths = new Map();
    for (const n of profile.nodes) {
      if (!n.callFrame.functionName.includes(wanted)) continue;
      const chain = [];
      for (let p = parent.get(n.id); p && chain.length < 5; p = parent.get(p.id)) chain.push(p.callFrame.functionName.slice(0, 90));
      const key = chain.join(' <- ');
      paths.set(key, (paths.get(key) ?? 0) + (dt.get(n.id) ?? 0));
    }
    for (const [path, ms] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${ms.toFixed(1).padStart(8)} ${wanted} <- ${path}`);
  }
} finally {
  await browser.close();
  server.kill();
}
