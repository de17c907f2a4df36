// Browser benchmark of the Learn view (NOT part of the Playwright test run): for each family,
// the wall time of 500 training steps on the default task (selective copying, 16 noise tokens,
// seed 42) from pressing Train to the run being done, and the longest main-thread task seen
// meanwhile (PerformanceObserver 'longtask': tasks over 50 ms). Serves the existing dist/.
//
// Usage (from the repository root, after `trunk build --release`):
//   node end2end/bench/learn-bench.mjs [--port N] [--families mamba,transformer] [--task delayed-copy|selective-copy|recall] [--together]
//   node end2end/bench/learn-bench.mjs --preset <id> [--families mamba,s4d]
//     (a Learn preset of issue #20: its task, sizes and steps, each family trained alone; the
//      time is press-Train-to-done, what "≤ 2 minutes per family" is measured against)
//   node end2end/bench/learn-bench.mjs --screenshot docs/learn.png [--steps 250]
//     (trains the six families together and saves a full-page screenshot for the README)
import { spawn } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const port = Number(arg('--port', process.env.BENCH_PORT || 8098));
const FAMILIES = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];
const chosen = arg('--families', FAMILIES.join(',')).split(',');
const STEPS = arg('--steps', '500');
const screenshot = arg('--screenshot', null);
const TASK = arg('--task', 'selective-copy');
// --together: one run with every chosen family training at once (what the page does by default).
const together = args.includes('--together');
// --preset: a Learn preset (select `learn-preset`); its own task and steps replace --task/--steps.
const PRESET = arg('--preset', null);

const server = spawn(process.execPath, [join(root, 'end2end', 'serve.mjs'), join(root, 'dist'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((ok) => server.stdout.once('data', ok));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
try {
  if (screenshot) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('nav-learn').click();
    await page.getByTestId('learn-task').selectOption('selective-copy');
    await page.getByTestId('learn-steps').selectOption(STEPS);
    const t0 = Date.now();
    await page.getByTestId('learn-train').click();
    await page.waitForSelector('[data-testid=learn-progress][data-status=done]', { timeout: 1_200_000 });
    console.log(`six families × ${STEPS} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await page.screenshot({ path: join(root, screenshot), fullPage: true });
    await page.close();
    chosen.length = 0;
  }
  const groups = together ? [chosen.join(',')] : chosen;
  for (const family of groups) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      window.__longtasks = [];
      // Frame gaps: the time between consecutive animation frames (a frozen page shows as a gap).
      window.__gaps = [];
      let last = 0;
      const frame = (t) => { if (last) window.__gaps.push([last, t - last]); last = t; requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('nav-learn').click();
    if (PRESET) {
      await page.getByTestId('learn-preset').selectOption(PRESET);
    } else {
      await page.getByTestId('learn-task').selectOption(TASK);
      await page.getByTestId('learn-steps').selectOption(STEPS);
    }
    for (const f of FAMILIES) {
      if (!family.split(',').includes(f)) await page.getByTestId(`learn-family-${f}`).uncheck();
    }
    // Only what starts after this mark counts: the observer reports the page load's long tasks
    // late, and a frame gap is recorded when the frame after it arrives.
    await page.evaluate(() => { window.__t0 = performance.now(); });
    const t0 = Date.now();
    await page.getByTestId('learn-train').click();
    await page.waitForSelector('[data-testid=learn-progress][data-status=done]', { timeout: 600_000 });
    const seconds = (Date.now() - t0) / 1000;
    const long = await page.evaluate(() => window.__longtasks.filter(([t]) => t >= window.__t0).map(([, d]) => d));
    const gaps = await page.evaluate(() => window.__gaps.filter(([t]) => t >= window.__t0).map(([, d]) => d));
    const maxGap = gaps.length ? Math.max(...gaps) : 0;
    const evalText = (await Promise.all(family.split(',').map((f) => page.getByTestId(`learn-eval-${f}`).textContent()))).join(' / ');
    rows.push({ family, seconds, longTasks: long.length, longestMs: long.length ? Math.max(...long) : 0, maxGap, evalText });
    console.log(`${family} (${PRESET ?? TASK}): ${PRESET ? 'preset' : STEPS} steps in ${seconds.toFixed(1)} s; long tasks ${long.length}, longest ${long.length ? Math.max(...long).toFixed(0) : '-'} ms; longest frame gap ${maxGap.toFixed(0)} ms; held-out ${evalText}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`\n| family (${PRESET ?? TASK}) | ${PRESET ? 'preset' : STEPS} steps (s) | tasks > 50 ms | longest task (ms) | longest frame gap (ms) | held-out accuracy |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.family} | ${r.seconds.toFixed(1)} | ${r.longTasks} | ${r.longestMs ? r.longestMs.toFixed(0) : '–'} | ${r.maxGap.toFixed(0)} | ${r.evalText} |`);
