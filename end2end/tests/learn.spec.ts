// Learn view: training starts, the curves grow, pause stops training, the run finishes and the
// trained model opens in the Flow view with its influence heat map.
import { test, expect } from './fixtures';

const steps = (page) => page.getByTestId('learn-progress').getAttribute('data-steps').then(Number);

test('trains, pauses, resumes, finishes and opens the trained model in Flow', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.open();
  await app.show('learn');
  await page.getByTestId('learn-task').selectOption('delayed-copy');
  await page.getByTestId('learn-steps').selectOption('100');
  for (const f of ['cnn', 'rnn', 'linear-rnn', 's4d']) {
    await page.getByTestId(`learn-family-${f}`).uncheck();
  }
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
