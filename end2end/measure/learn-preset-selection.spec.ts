// Measurement, not a test (run by hand: npx playwright test -c measure/measure.config.ts
// learn-preset-selection): trains Mamba and S4D on the selective-copying preset in the browser
// (2000 steps each, seed 42), prints the wall time, their held-out accuracies and the side by
// side's "Δ on the marked tokens ÷ Δ on noise", and screenshots the side by side.
import { test, expect } from '../tests/fixtures';

test('preset side by side', async ({ app, page }) => {
  test.setTimeout(600_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-preset').selectOption('selective-copying');
  for (const f of ['cnn', 'transformer', 'rnn', 'linear-rnn']) await page.getByTestId(`learn-family-${f}`).uncheck();
  const t0 = Date.now();
  await page.getByTestId('learn-train').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 560_000 });
  console.log(`TRAINED mamba+s4d 2000 steps each in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await page.getByTestId('learn-open-selection').click();
  await expect(page.getByTestId('selection-mamba')).toBeVisible({ timeout: 30_000 });
  console.log(`RATIO mamba: ${await page.getByTestId('selection-ratio-mamba').textContent()}`);
  console.log(`RATIO s4d: ${await page.getByTestId('selection-ratio-s4d').textContent()}`);
  console.log(`VERDICT ${await page.getByTestId('learn-verdict-0').textContent()}`);
  await page.getByTestId('learn-selection').screenshot({ path: 'screenshots/learn-preset-selection.png' });
  await page.getByTestId('learn-literature').screenshot({ path: 'screenshots/learn-preset-verdict.png' });
});
