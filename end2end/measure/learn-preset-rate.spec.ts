// Measurement, not a test (run by hand: npx playwright test -c measure/measure.config.ts
// learn-preset-rate): the browser's training rate of each family on each Learn preset, one family
// at a time (the page trains on one thread), in steps/s over 15 s after the first steps, and the
// time 2000 steps would take at that rate. PRESETS=<id,id> limits the presets.
import { test, expect } from '../tests/fixtures';

const steps = (page) => page.getByTestId('learn-progress').getAttribute('data-steps').then(Number);
const FAMILIES = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];
const PRESETS = (process.env.PRESETS ?? 'selective-copying,copying,associative-recall').split(',');

test('preset rate', async ({ app, page }) => {
  test.setTimeout(1_200_000);
  await app.open();
  await app.show('learn');
  for (const preset of PRESETS) {
    await page.getByTestId('learn-preset').selectOption(preset);
    {
      await page.locator('.learn-example-box summary').click();
      await page.locator('[data-testid="learn-preset-note"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `screenshots/learn-preset-${preset}.png`, fullPage: false });
    }
    for (const f of FAMILIES) {
      for (const g of FAMILIES) {
        const box = page.getByTestId(`learn-family-${g}`);
        if (g === f) await box.check(); else await box.uncheck();
      }
      await page.getByTestId('learn-train').click();
      await expect.poll(() => steps(page), { timeout: 30_000 }).toBeGreaterThan(2);
      const t0 = Date.now(); const s0 = await steps(page);
      await page.waitForTimeout(15_000);
      const t1 = Date.now(); const s1 = await steps(page);
      const rate = (s1 - s0) / ((t1 - t0) / 1000);
      console.log(`PRESET ${preset} ${f} ${rate.toFixed(2)} steps/s; 2000 steps in ${(2000 / rate).toFixed(0)} s`);
    }
  }
});
