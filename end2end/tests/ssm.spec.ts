import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Every expected value is computed here from the formulas, never read from another part of the page.

async function chart(page: Page, id: string) {
  const raw = await page.getByTestId(id).getAttribute('data-chart');
  return JSON.parse(raw!);
}

/** Sets a range input (the value is log10 of the quantity on log sliders). */
async function setSlider(page: Page, param: string, value: number) {
  await page.getByTestId(`slider-${param}`).fill(String(value));
}

test('discretization: Δ slider changes the trajectories; ZOH matches the exact step response; Euler instability', async ({ app, page }) => {
  await app.open();
  await app.show('ssm');
  await page.getByTestId('select-disc-source').selectOption('step');
  await page.getByTestId('select-disc-system').selectOption('real');
  await setSlider(page, 'delta', -1); // Δ = 0.1
  await expect.poll(async () => (await chart(page, 'chart-discretization')).delta).toBeCloseTo(0.1, 9);
  let data = await chart(page, 'chart-discretization');
  const a = [-0.5, -3];
  // Exact response to a unit step with B = C = 1: y(t) = Σ (e^{at} − 1)/a.
  const exact = (t: number) => a.reduce((s, ai) => s + (Math.exp(ai * t) - 1) / ai, 0);
  const zoh = data.methods.find((m: any) => m.name === 'ZOH');
  zoh.t.forEach((t: number, k: number) => expect(zoh.y[k]).toBeCloseTo(exact(t), 9));
  // Forward Euler by hand: h_{k+1} = (1 + Δa) h_k + Δ, y = Σ h.
  const euler = data.methods.find((m: any) => m.name === 'Euler');
  const h = [0, 0];
  euler.y.forEach((y: number, k: number) => {
    expect(y).toBeCloseTo(h[0] + h[1], 9);
    for (let i = 0; i < 2; i++) h[i] = (1 + 0.1 * a[i]) * h[i] + 0.1;
  });
  expect(data.euler_threshold).toBeCloseTo(2 / 3, 9);
  await expect(page.getByTestId('disc-table').locator('tr[data-method="Euler"]')).toContainText('stable');
  const before = JSON.stringify(euler.y);

  // Δ = 1 > 2/3: Euler's |1 + Δ·(−3)| = 2 — unstable; ZOH and bilinear stay stable.
  await setSlider(page, 'delta', 0);
  await expect.poll(async () => (await chart(page, 'chart-discretization')).delta).toBeCloseTo(1, 9);
  data = await chart(page, 'chart-discretization');
  const gains = Object.fromEntries(data.methods.map((m: any) => [m.name, m.gain]));
  expect(gains['Euler']).toBeCloseTo(Math.max(...a.map((ai) => Math.abs(1 + ai))), 9);
  expect(gains['ZOH']).toBeCloseTo(Math.exp(-0.5), 9);
  expect(gains['bilinear']).toBeCloseTo(Math.max(...a.map((ai) => Math.abs((1 + ai / 2) / (1 - ai / 2)))), 9);
  expect(JSON.stringify(data.methods.find((m: any) => m.name === 'Euler').y)).not.toEqual(before);
  await expect(page.getByTestId('disc-table').locator('tr[data-method="Euler"]')).toContainText('unstable');
  await expect(page.getByTestId('euler-note')).toContainText('beyond it');

  // The sentence input: ZOH is exact (each token lasts 1 time unit: breakpoints on the grid of Δ = 0.1).
  await page.getByTestId('select-disc-source').selectOption('sentence');
  await setSlider(page, 'delta', -1);
  await expect.poll(async () => (await chart(page, 'chart-discretization')).delta).toBeCloseTo(0.1, 9);
  data = await chart(page, 'chart-discretization');
  expect(data.methods.find((m: any) => m.name === 'ZOH').max_error).toBeLessThan(1e-9);
  expect(data.methods.find((m: any) => m.name === 'Euler').max_error).toBeGreaterThan(1e-3);
  await page.getByTestId('panel-discretization').screenshot({ path: 'screenshots/ssm-discretization.png' });
});

test('HiPPO: N, t and window sliders change the rebuilt history', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('one two three four five six seven eight nine ten');
  await app.show('ssm');
  const samples = 10 * 16; // ten tokens, 16 samples each
  await expect.poll(async () => (await chart(page, 'chart-hippo')).samples).toBe(samples);
  let data = await chart(page, 'chart-hippo');
  expect(data.samples).toBe(samples);
  expect(data.t).toBe(samples); // t starts at 100 %
  expect(data.count).toBe(samples); // LegS: the whole history [0, t]

  await setSlider(page, 'n', 2);
  await expect.poll(async () => (await chart(page, 'chart-hippo')).n).toBe(2);
  const coarse = (await chart(page, 'chart-hippo')).rms_error;
  await setSlider(page, 'n', 32);
  await expect.poll(async () => (await chart(page, 'chart-hippo')).n).toBe(32);
  const fine = (await chart(page, 'chart-hippo')).rms_error;
  expect(fine).toBeLessThan(coarse);

  await setSlider(page, 't', 50);
  await expect.poll(async () => (await chart(page, 'chart-hippo')).t).toBe(Math.round(samples / 2));
  expect((await chart(page, 'chart-hippo')).count).toBe(Math.round(samples / 2));

  // LegT: the window θ (tokens × 16 samples) sets how much history is rebuilt.
  await page.getByTestId('select-hippo-measure').selectOption('legt');
  await setSlider(page, 't', 100);
  await setSlider(page, 'window', 3);
  await expect.poll(async () => (await chart(page, 'chart-hippo')).count).toBe(3 * 16);
  await setSlider(page, 'window', 5);
  await expect.poll(async () => (await chart(page, 'chart-hippo')).count).toBe(5 * 16);
  data = await chart(page, 'chart-hippo');
  expect(data.x_last).toBe(samples - 0.5);

  // The N sweep: the error curve on a smooth signal falls from N = 1 to N = 16.
  await page.getByTestId('select-hippo-measure').selectOption('legs');
  await page.getByTestId('select-hippo-source').selectOption('smooth');
  await expect.poll(async () => (await chart(page, 'chart-hippo')).samples).toBe(320);
  const sweep: [number, number][] = await chart(page, 'chart-hippo-n');
  expect(sweep.map((p) => p[0])).toEqual([1, 2, 4, 8, 16, 32, 64]);
  for (let i = 1; i < 5; i++) expect(sweep[i][1]).toBeLessThan(sweep[i - 1][1]);
  await page.getByTestId('player-back').click();
  await expect(page.getByTestId('step-counter')).toContainText('99 / 100');
  await page.getByTestId('panel-hippo').screenshot({ path: 'screenshots/ssm-hippo.png' });
});

test('structure: Vandermonde kernel equals the recurrence; eigenvalues follow S4D-Lin/Real', async ({ app, page }) => {
  await app.open();
  await app.show('ssm');
  let k = await chart(page, 'chart-kernel');
  expect(k.recurrence).toHaveLength(64);
  k.recurrence.forEach((r: number, i: number) => expect(Math.abs(r - k.vandermonde[i])).toBeLessThan(1e-9));
  const first = JSON.stringify(k.recurrence);

  await setSlider(page, 'kdelta', 0);
  await expect.poll(async () => (await chart(page, 'chart-kernel')).delta).toBeCloseTo(1, 9);
  k = await chart(page, 'chart-kernel');
  expect(JSON.stringify(k.recurrence)).not.toEqual(first);
  k.recurrence.forEach((r: number, i: number) => expect(Math.abs(r - k.vandermonde[i])).toBeLessThan(1e-9));

  await setSlider(page, 'states', 8);
  await expect.poll(async () => (await chart(page, 'chart-kernel')).states).toBe(8);
  const eig = await chart(page, 'chart-eigen');
  const lin: [number, number][] = [];
  for (let n = 0; n < 4; n++) lin.push([-0.5, Math.PI * n], [-0.5, -Math.PI * n]);
  expect(eig.lin).toHaveLength(8);
  eig.lin.forEach((z: number[], i: number) => {
    expect(z[0]).toBeCloseTo(lin[i][0], 12);
    expect(z[1]).toBeCloseTo(lin[i][1], 12);
  });
  expect(eig.real).toEqual([...Array(8).keys()].map((n) => [-(n + 1), 0]));

  await page.getByTestId('select-s4d-variant').selectOption('real');
  await expect.poll(async () => (await chart(page, 'chart-kernel')).variant).toBe('real');
  k = await chart(page, 'chart-kernel');
  k.recurrence.forEach((r: number, i: number) => expect(Math.abs(r - k.vandermonde[i])).toBeLessThan(1e-9));
  await expect(page.getByTestId('kernel-cost')).toContainText('recurrence');
  await setSlider(page, 'states', 16);
  await page.getByTestId('select-s4d-variant').selectOption('lin');
  await page.getByTestId('panel-structure').screenshot({ path: 'screenshots/ssm-structure.png' });
  await app.screenshot('ssm-full');
});
