// "What the trained Mamba learned, shown" (issue #20): after training Mamba and S4D on
// selective copying, one click shows them side by side — per-token Δ, hidden attention without
// D, fading — and a link (`learn.selection=1`) trains the pair and shows the same section.
import { test, expect } from './fixtures';

const values = async (loc) => JSON.parse((await loc.getAttribute('data-values'))!) as number[];

test('one click after training shows the trained Mamba and S4D side by side', async ({ app, page }) => {
  test.setTimeout(240_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-task').selectOption('selective-copy');
  await page.getByTestId('learn-steps').selectOption('250');
  for (const f of ['cnn', 'transformer', 'rnn', 'linear-rnn']) await page.getByTestId(`learn-family-${f}`).uncheck();
  await expect(page.getByTestId('learn-open-selection')).toBeDisabled();
  await page.getByTestId('learn-train').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await page.getByTestId('learn-open-selection').click();
  await expect(page.getByTestId('selection-mamba')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('selection-s4d')).toBeVisible();
  // S4D's Δ does not depend on the token; Mamba's does.
  const s4d = await values(page.getByTestId('selection-delta-s4d'));
  const mamba = await values(page.getByTestId('selection-delta-mamba'));
  expect(new Set(s4d).size).toBe(1);
  expect(Math.max(...mamba) / Math.min(...mamba)).toBeGreaterThan(1.05);
  // Hidden attention: causal (zero above the diagonal), one row per token.
  const alpha: number[][] = JSON.parse((await page.getByTestId('selection-attention-mamba').getAttribute('data-values'))!);
  expect(alpha).toHaveLength(mamba.length);
  alpha.forEach((row, i) => row.forEach((v, j) => { if (j > i) expect(v).toBe(0); }));
  const fading = await values(page.getByTestId('selection-fading-mamba'));
  expect(fading).toHaveLength(mamba.length);
  await expect.poll(() => new URL(page.url()).searchParams.get('learn.selection')).toBe('1');
  await page.getByTestId('learn-selection').screenshot({ path: 'screenshots/learn-selection.png' });
  await app.screenshot('learn-with-selection');
});

test('a link opens the side by side: it trains Mamba and S4D, then shows them', async ({ app, page }) => {
  test.setTimeout(240_000);
  await app.open('?view=learn&learn.task=selective-copy&learn.steps=100&learn.selection=1');
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', /running|done/);
  await expect(page.getByTestId('selection-mamba')).toBeVisible({ timeout: 200_000 });
  await expect(page.getByTestId('selection-s4d')).toBeVisible();
  await expect(page.getByTestId('learn-table').locator('tbody tr')).toHaveCount(2);
});
