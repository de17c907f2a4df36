// Learn view: training starts, the curves grow, pause stops training, the run finishes and the
// trained model opens in the Flow view with its influence heat map.
import { test, expect, learnOnly, trainDelayedCopy } from './fixtures';

const steps = (page) => page.getByTestId('learn-progress').getAttribute('data-steps').then(Number);

test('trains, pauses, resumes, finishes and opens the trained model in Flow', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-task').selectOption('delayed-copy');
  await page.getByTestId('learn-steps').selectOption('100');
  await learnOnly(page, ['transformer', 'mamba']);
  await expect(page.getByTestId('learn-loss-chart')).toHaveAttribute('data-curves', '0');
  await page.getByTestId('learn-train').click();

  // The loss curve appears and keeps growing.
  const chart = page.getByTestId('learn-loss-chart');
  await expect(chart).toHaveAttribute('data-curves', '2', { timeout: 20_000 });
  await expect.poll(() => steps(page), { timeout: 20_000 }).toBeGreaterThan(4);
  const before = await steps(page);
  await expect.poll(() => steps(page), { timeout: 20_000 }).toBeGreaterThan(before);

  // Pause stops it: the count no longer moves.
  await page.getByTestId('learn-pause').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'paused');
  const paused = await steps(page);
  await page.waitForTimeout(700);
  expect(await steps(page)).toBe(paused);
  expect(paused).toBeLessThan(200);
  await app.screenshot('learn-paused');

  // Resume runs to the end: 2 models × 100 steps.
  await page.getByTestId('learn-resume').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  expect(await steps(page)).toBe(200);
  await expect(page.getByTestId('learn-eval-transformer')).toContainText('%');
  await expect(page.getByTestId('learn-eval-mamba')).toContainText('%');
  // The literature panel gives a verdict computed from these runs (Repeat After Me on copying).
  await expect(page.getByTestId('learn-verdict-1')).toContainText(/agree|do not show|Inconclusive/);
  await app.screenshot('learn-done');

  // Open the trained Mamba in the Flow view.
  await page.getByTestId('learn-open-flow-mamba').click();
  await expect(app.view('flow')).toBeVisible();
  await expect(page.getByTestId('flow-trained-banner')).toContainText('Mamba trained 100 steps');
  await expect(page.getByTestId('model-select')).toHaveValue('mamba');
  await expect(page.getByTestId('influence-heatmap')).toBeVisible();
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  await app.screenshot('learn-open-in-flow');

  // Back to the random weights.
  await page.getByTestId('flow-trained-clear').click();
  await expect(page.getByTestId('flow-trained-banner')).toHaveCount(0);
});

test('verdict panel says which runs are missing before training', async ({ app, page }) => {
  await app.open();
  await app.show('learn');
  await expect(page.getByTestId('learn-literature')).toContainText('Train some models');
  await expect(page.getByTestId('learn-params')).toContainText('Mamba');
  await app.screenshot('learn-idle');
});

// The trained model opens in the Fading view: a banner says where the weights come from, the
// chart holds its fading curve next to the same model before training, and the curve is the
// last row of the influence matrix the Flow view shows for the same trained model.
test('opens the trained model in Fading, in both languages and both themes', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.open();
  await app.show('learn');
  await trainDelayedCopy(page, ['s4d']);

  await page.getByTestId('learn-open-fading-s4d').click();
  await expect(app.view('fading')).toBeVisible();
  await expect(page.getByTestId('fading-trained-banner')).toContainText('Trained weights: S4D trained 100 steps on delayed copy');
  const chart = page.getByTestId('fading-trained-chart');
  await expect(chart).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  const trained: number[] = JSON.parse((await chart.getAttribute('data-trained'))!);
  const initial: number[] = JSON.parse((await chart.getAttribute('data-initial'))!);
  // One value per distance 0..i on the last token of the example (delayed copy: 24 tokens).
  const tokens = await page.getByTestId('fading-trained-tokens').locator('li').count();
  expect(tokens).toBe(24);
  expect(trained).toHaveLength(tokens);
  expect(initial).toHaveLength(tokens);
  for (const v of [...trained, ...initial]) expect(Number.isFinite(v) && v >= 0).toBe(true);
  // Training changed the curve: the largest relative difference is far above rounding.
  const change = Math.max(...trained.map((v, k) => Math.abs(v - initial[k]) / Math.max(v, initial[k], 1e-12)));
  expect(change).toBeGreaterThan(0.05);
  await app.screenshot('fading-trained-light');
  await page.getByTestId('fading-trained').screenshot({ path: 'screenshots/fading-trained-panel-light.png' });

  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('fading-trained-banner')).toContainText('Pesos entrenados: S4D entrenado 100 pasos');
  await expect(page.getByTestId('fading-trained-clear')).toHaveText('volver a los modelos sin entrenar');
  await page.getByTestId('theme-toggle').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('fading-trained').screenshot({ path: 'screenshots/fading-trained-panel-dark-es.png' });
  await page.getByTestId('lang-toggle').click();

  // The same trained model in Flow (the trained model stays open across views): row i of its
  // influence heat map, read by distance, is the Fading curve (one definition ‖∂y_i/∂x_j‖_F,
  // computed twice independently: Fading by the training tape's reverse pass, Flow by each
  // family's forward-mode columns; float32 and fused kernels allow 1% of the row's maximum).
  await app.show('flow');
  await expect(page.getByTestId('flow-trained-banner')).toContainText('S4D trained 100 steps');
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  const matrix: number[][] = JSON.parse((await page.getByTestId('influence-heatmap').getAttribute('data-values'))!);
  const i = tokens - 1;
  const scale = Math.max(...trained);
  trained.forEach((v, k) => expect(Math.abs(matrix[i][i - k] - v)).toBeLessThanOrEqual(0.01 * scale));

  // Back to the untrained models: the panel goes away, the sentence's curves stay.
  await app.show('fading');
  await page.getByTestId('fading-trained-clear').click();
  await expect(page.getByTestId('fading-trained')).toHaveCount(0);
  await expect(page.getByTestId('fading-chart')).toBeVisible();
});
