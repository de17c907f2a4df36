// Measurement, not a test (run by hand: npx playwright test -c measure/measure.config.ts): training
// rate of a 2 × 2000-step cnn+rnn delayed-copy run in steps/s, on Learn and while Flow is open, and
// the share of wall time the page's main thread spends in tasks (CDP TaskDuration): the gaps are
// time the scheduler leaves idle. DIST=<folder> serves another build.
import { test, expect } from '../tests/fixtures';

const steps = (page) => page.getByTestId('learn-progress').getAttribute('data-steps').then(Number);

test('rate', async ({ app, page }) => {
  test.setTimeout(240_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-task').selectOption('delayed-copy');
  await page.getByTestId('learn-steps').selectOption('2000');
  for (const f of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    const box = page.getByTestId(`learn-family-${f}`);
    if (['cnn', 'rnn'].includes(f)) await box.check(); else await box.uncheck();
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => ((await cdp.send('Performance.getMetrics')) as any).metrics.find((m) => m.name === 'TaskDuration').value as number;
  await page.getByTestId('learn-train').click();
  await expect.poll(() => steps(page), { timeout: 20_000 }).toBeGreaterThan(2);
  const t0 = Date.now(); const s0 = await steps(page); const k0 = await task();
  await page.waitForTimeout(10_000);
  const t1 = Date.now(); const s1 = await steps(page); const k1 = await task();
  await app.show('flow');
  await page.waitForTimeout(10_000);
  await app.show('learn');
  const t2 = Date.now(); const s2 = await steps(page); const k2 = await task();
  const t3 = Date.now();
  if (!process.env.TO_DONE) { console.log(`RATE on-learn ${((s1 - s0) / ((t1 - t0) / 1000)).toFixed(2)} steps/s; away(flow) ${((s2 - s1) / ((t2 - t1) / 1000)).toFixed(2)} steps/s; main-thread busy on-learn ${(100 * (k1 - k0) / ((t1 - t0) / 1000)).toFixed(1)}% away ${(100 * (k2 - k1) / ((t2 - t1) / 1000)).toFixed(1)}%; steps per busy s on-learn ${((s1 - s0) / (k1 - k0)).toFixed(1)} away ${((s2 - s1) / (k2 - k1)).toFixed(1)}`); return; }
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 220_000 });
  const t4 = Date.now();
  console.log(`RATE on-learn ${((s1 - s0) / ((t1 - t0) / 1000)).toFixed(2)} steps/s; away(flow) ${((s2 - s1) / ((t2 - t1) / 1000)).toFixed(2)} steps/s; from ${s2} to done(500 total) in ${((t4 - t3) / 1000).toFixed(1)} s; total since first read ${((t4 - t0)/1000).toFixed(1)} s`);
});
