// Measurement, not a test (run by hand: PRESET=<id> npx playwright test -c measure/measure.config.ts
// learn-preset-verdicts): trains all six families on one Learn preset in the browser (seed 42,
// the preset's 2000 steps), prints the wall time, each family's held-out accuracy and the three
// "against the literature" verdicts, and screenshots the panel. PRESET defaults to
// associative-recall (≈ 2 min; the copying presets take 5–7 min).
import { test, expect } from '../tests/fixtures';

const PRESET = process.env.PRESET ?? 'associative-recall';

test('preset verdicts', async ({ app, page }) => {
  test.setTimeout(1_200_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-preset').selectOption(PRESET);
  const t0 = Date.now();
  await page.getByTestId('learn-train').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 1_100_000 });
  console.log(`TRAINED ${PRESET}, six families, 2000 steps each, in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (let i = 0; i < 3; i++) {
    console.log(`VERDICT ${i}: ${await page.getByTestId(`learn-verdict-${i}`).textContent()}`);
  }
  await page.getByTestId('learn-literature').screenshot({ path: `screenshots/learn-preset-verdicts-${PRESET}.png` });
});
