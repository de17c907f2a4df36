import { test, expect, tanhScanError } from './fixtures';
import type { Page } from '@playwright/test';

// Issue #18: the Scan, Cost and SSM views keep everything while another view is open.
const VIEWS = ['flow', 'fading', 'scan', 'cost', 'ssm', 'learn'];

async function visitOthers(app: { show: (v: string) => Promise<void> }, home: string) {
  for (const v of VIEWS.filter((v) => v !== home)) await app.show(v);
  await app.show(home);
}

async function setRange(page: Page, param: string, value: number) {
  await page.getByTestId(`slider-${param}`).fill(String(value));
}

async function scanSnapshot(page: Page) {
  const view = page.getByTestId('view-scan');
  return {
    algorithm: await page.getByTestId('scan-algorithm').inputValue(),
    source: await page.getByTestId('scan-source').inputValue(),
    n: await page.getByTestId('slider-n').inputValue(),
    scale: await page.getByTestId('slider-tanh-scale').inputValue(),
    tanhA: await page.getByTestId('slider-tanh-a').inputValue(),
    a: await view.getAttribute('data-a'),
    h: await view.getAttribute('data-h'),
    step: await page.getByTestId('step-counter').textContent(),
    phase: await page.getByTestId('scan-phase').textContent(),
    work: await page.getByTestId('scan-work').getAttribute('data-done'),
    hover: await page.getByTestId('scan-hover').textContent(),
    edit: await page.getByTestId('scan-input-b-1').getAttribute('data-value'),
    tanh: await page.getByTestId('scan-tanh').getAttribute('data-max-error'),
  };
}

test('Scan: algorithm, n, level, edits, hovered node and tanh scale survive a tour of every view', async ({ app, page }) => {
  await app.open();
  await app.show('scan');
  await page.getByTestId('scan-source').selectOption('random');
  await setRange(page, 'n', 6);
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  await page.getByTestId('scan-input-b-1').fill('0.75');
  await page.getByTestId('scan-input-b-1').press('Enter');
  await page.getByTestId('player-step').click();
  await page.getByTestId('player-step').click();
  await setRange(page, 'tanh-scale', 3);
  await setRange(page, 'tanh-a', 0.6);
  await page.locator('[data-testid="scan-svg"] .scan-node[data-row="after"]').nth(3).hover();
  const before = await scanSnapshot(page);
  expect(before.algorithm).toBe('blelloch');
  expect(before.step).toContain('2');
  expect(before.edit).toBe('0.75');
  expect(before.hover).toContain('3');
  expect(before.tanhA).toBe('0.6');
  await visitOthers(app, 'scan');
  expect(await scanSnapshot(page)).toEqual(before);
});

test('Cost: quantity, largest n and the measured table survive a tour of every view', async ({ app, page }) => {
  await app.open();
  await app.show('cost');
  await page.getByTestId('cost-metric').selectOption('parallel-depth');
  await page.getByTestId('slider-n-max').evaluate((el) => {
    const input = el as HTMLInputElement;
    input.value = String(Math.log10(128));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.getByTestId('cost-run').click();
  await expect(page.getByTestId('cost-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const snap = async () => ({
    metric: await page.getByTestId('cost-metric').inputValue(),
    nmax: await page.getByTestId('slider-n-max').getAttribute('aria-valuetext'),
    status: await page.getByTestId('cost-status').textContent(),
    points: await page.getByTestId('cost-status').getAttribute('data-points'),
    table: await page.getByTestId('cost-measured-table').textContent(),
    theory: await page.getByTestId('theory-transformer-4096').getAttribute('data-value'),
  });
  const before = await snap();
  expect(before.metric).toBe('parallel-depth');
  expect(JSON.parse(before.points!).length).toBeGreaterThan(6);
  await visitOthers(app, 'cost');
  expect(await snap()).toEqual(before);
});

test('SSM: every panel keeps its controls and the HiPPO time', async ({ app, page }) => {
  await app.open();
  await app.show('ssm');
  await page.getByTestId('select-disc-source').selectOption('sine');
  await page.getByTestId('select-disc-system').selectOption('oscillating');
  await setRange(page, 'delta', 0.5);
  await page.getByTestId('select-hippo-measure').selectOption('legt');
  await setRange(page, 'n', 12);
  await page.getByTestId('slider-t').fill('40');
  await page.getByTestId('select-s4d-variant').selectOption('real');
  await setRange(page, 'states', 10);
  const snap = async () => ({
    disc: await page.getByTestId('select-disc-source').inputValue(),
    system: await page.getByTestId('select-disc-system').inputValue(),
    delta: await page.getByTestId('slider-delta').getAttribute('aria-valuetext'),
    measure: await page.getByTestId('select-hippo-measure').inputValue(),
    n: await page.getByTestId('slider-n').inputValue(),
    t: await page.getByTestId('slider-t').inputValue(),
    variant: await page.getByTestId('select-s4d-variant').inputValue(),
    states: await page.getByTestId('slider-states').inputValue(),
    hippo: await page.getByTestId('chart-hippo').getAttribute('data-chart'),
    kernel: await page.getByTestId('chart-kernel').getAttribute('data-chart'),
    disc_chart: await page.getByTestId('chart-discretization').getAttribute('data-chart'),
  });
  const before = await snap();
  expect(before.t).toBe('40');
  expect(before.variant).toBe('real');
  await visitOthers(app, 'ssm');
  expect(await snap()).toEqual(before);
});

test('screenshots: Scan at n = 8 and 64, the tanh counter-example, Cost, SSM', async ({ app, page }) => {
  await app.open();
  await app.show('scan');
  await app.screenshot('scan-n8');
  await page.getByTestId('view-scan').getByRole('heading', { name: /tanh/ }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'screenshots/scan-tanh.png' });
  const noTour = page.getByText('no, thanks');
  if (await noTour.isVisible()) await noTour.click();
  await page.locator('.scan-tanh-svg').screenshot({ path: 'screenshots/scan-tanh-chart.png' });
  // At the defaults the tanh counter-example is off visibly: the gap between the true
  // recurrence and the scanned imitation, recomputed here from the demo's own inputs, is more
  // than a tenth of the curve's range [−1, 1], and the figure shows the same numbers.
  const panel = page.getByTestId('scan-tanh');
  const a = JSON.parse((await panel.getAttribute('data-a'))!) as number[];
  const b = JSON.parse((await panel.getAttribute('data-b'))!) as number[];
  expect(a).toHaveLength(8);
  a.forEach((v) => expect(v).toBeCloseTo(0.9, 6));
  expect(Math.max(...b.map(Math.abs))).toBeCloseTo(2, 5);
  const gap = tanhScanError(a, b);
  expect(gap).toBeGreaterThan(0.2);
  const err = Number(await panel.getAttribute('data-max-error'));
  expect(Math.abs(err - gap)).toBeLessThan(1e-4);
  await expect(page.getByTestId('scan-tanh-note')).toContainText('the untrained Mamba channel');
  // Inputs are formatted (3 significant digits), never raw floats.
  const shown = (await page.getByTestId('scan-tanh-inputs').textContent())!;
  expect(shown).not.toMatch(/\d\.\d{5,}/);
  await page.getByTestId('scan-source').selectOption('random');
  await setRange(page, 'n', 64);
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  await page.getByTestId('player-step').click();
  await page.getByTestId('player-step').click();
  await app.screenshot('scan-n64');
  await app.show('cost');
  await app.screenshot('cost');
  await app.show('ssm');
  await app.screenshot('ssm');
});
