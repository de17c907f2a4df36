import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Curves are read from the chart's data attributes (JSON, one array per model, index = distance).
type Curves = Record<string, (number | null)[]>;

async function json<T>(page: Page, testId: string, attr: string): Promise<T> {
  return JSON.parse((await page.getByTestId(testId).getAttribute(attr))!) as T;
}

// Range inputs cannot be `fill`ed: set the value and fire the input event the slider listens to.
async function setSlider(page: Page, param: string, value: number) {
  await page.getByTestId(`slider-${param}`).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

// A fingerprint of the pixels of a canvas.
async function pixels(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).evaluate((el) => (el as HTMLCanvasElement).toDataURL());
}

const LONG_TEXT =
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen ' +
  'sixteen seventeen eighteen nineteen twenty alpha beta gamma delta epsilon zeta eta theta ' +
  'iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon';

test('default state: six measured curves, closed forms, read-outs and a drawn chart', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  const tokens = Number((await page.getByTestId('token-count').textContent())!.split(' ')[0]);
  const chart = page.getByTestId('fading-chart');
  await expect(chart).toHaveAttribute('data-i', String(tokens - 1)); // default: the last output
  // The curves are computed in slices after the view appears: wait until every family's is in.
  const families = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];
  await expect
    .poll(async () => {
      const c = await json<Curves>(page, 'fading-chart', 'data-curves');
      return families.filter((id) => c[id]?.length === tokens);
    })
    .toEqual(families);
  await expect(chart).toHaveAttribute('data-computing', '0');
  const curves = await json<Curves>(page, 'fading-chart', 'data-curves');
  for (const id of families) {
    expect(curves[id], id).toHaveLength(tokens);
    await expect(page.getByTestId(`memory-${id}-half`)).not.toHaveText('');
  }
  // The CNN (3 layers, kernel 3: receptive field 7) is exactly 0 from distance 7 on.
  expect(curves.cnn.slice(7).every((v) => v === 0)).toBe(true);
  expect(curves.cnn[6]).toBeGreaterThan(0);
  const drawn = await json<string[]>(page, 'fading-canvas', 'data-drawn');
  expect(drawn).toEqual(expect.arrayContaining(['CNN', 'Linear RNN closed form', 'S4D closed form', 'Mamba']));
  // The canvas is drawn: plenty of non-white pixels.
  const inked = await page.getByTestId('fading-canvas').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n / (c.width * c.height);
  });
  expect(inked).toBeGreaterThan(0.01);
  await app.screenshot('fading-default');
});

test('linear RNN with θ = 0: state influence is r^k and the half-life is ln ½ / ln r', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  await page.getByTestId('text-input').fill(LONG_TEXT);
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-i', '39');
  await setSlider(page, 'theta', 0);
  await setSlider(page, 'r', 0.85);
  const r = Number(await page.getByTestId('slider-r').inputValue());
  expect(Number(await page.getByTestId('slider-theta').inputValue())).toBe(0);
  // Wait until the curve reflects the slider, then check every k ≤ 30 against r^k.
  await expect
    .poll(async () => {
      const s = await json<number[]>(page, 'fading-chart', 'data-state-curve');
      return s[1] / s[0];
    })
    .toBeCloseTo(r, 5);
  const state = await json<number[]>(page, 'fading-chart', 'data-state-curve');
  expect(state.length).toBeGreaterThanOrEqual(31);
  for (let k = 0; k <= 30; k++) {
    const want = Math.pow(r, k);
    const got = state[k] / state[0];
    expect(Math.abs(got - want) / want, `k = ${k}: ${got} vs ${want}`).toBeLessThan(1e-4);
  }
  // The read-outs take the maximum over distances ≥ 1 (other positions): for c·r^k it is at
  // k = 1, so ½ of it is reached at 1 + ln ½ / ln r.
  const halfLife = 1 + Math.log(0.5) / Math.log(r);
  await expect(page.getByTestId('memory-linear-rnn-half')).toHaveText(halfLife.toFixed(1));
  const hundredth = 1 + Math.log(0.01) / Math.log(r);
  await expect(page.getByTestId('memory-linear-rnn-hundredth')).toHaveText(hundredth.toFixed(1));
});

test('toggles remove curves and every slider changes the chart', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  const drawn = () => json<string[]>(page, 'fading-canvas', 'data-drawn');
  for (const [id, name] of [
    ['cnn', 'CNN'], ['transformer', 'Transformer'], ['rnn', 'RNN'],
    ['linear-rnn', 'Linear RNN'], ['s4d', 'S4D'], ['mamba', 'Mamba'],
  ]) {
    const before = await pixels(page, 'fading-canvas');
    await page.getByTestId(`toggle-${id}`).uncheck();
    await expect.poll(drawn).not.toContain(name);
    expect(await pixels(page, 'fading-canvas')).not.toEqual(before);
    // The memory table lists only the shown families.
    await expect(page.getByTestId(`memory-row-${id}`)).toHaveCount(0);
    await page.getByTestId(`toggle-${id}`).check();
    await expect.poll(drawn).toContain(name);
    await expect(page.getByTestId(`memory-row-${id}`)).toHaveCount(1);
  }
  await page.getByTestId('toggle-closed').uncheck();
  await expect.poll(drawn).not.toContain('S4D closed form');
  await page.getByTestId('toggle-closed').check();

  // Each slider against the curve it drives (log sliders take log10 positions).
  const cases: [string, number, string][] = [
    ['r', 0.6, 'linear-rnn'],
    ['theta', 1.5, 'linear-rnn'],
    ['delta', 0, 's4d'], // Δ = 1
    ['radius', 1.6, 'rnn'],
    ['layers', 1, 'cnn'],
    ['kernel', 6, 'cnn'],
    ['temperature', -1, 'transformer'], // τ = 0.1
    ['delta-bias', 4, 'mamba'],
    ['selectivity', 6, 'mamba'],
  ];
  for (const [param, value, id] of cases) {
    const before = JSON.stringify((await json<Curves>(page, 'fading-chart', 'data-curves'))[id]);
    const canvasBefore = await pixels(page, 'fading-canvas');
    await setSlider(page, param, value);
    await expect
      .poll(async () => JSON.stringify((await json<Curves>(page, 'fading-chart', 'data-curves'))[id]), param)
      .not.toEqual(before);
    expect(await pixels(page, 'fading-canvas'), param).not.toEqual(canvasBefore);
  }
  const cutoff = async () => (await json<Record<string, number>>(page, 'fading-chart', 'data-closed'))['cnn-cutoff'];
  expect(await cutoff()).toBe(5); // 1 layer, kernel 6: receptive field 6
  await page.getByTestId('toggle-dilation').check();
  await setSlider(page, 'layers', 3);
  await expect.poll(cutoff).toBe(5 * (1 + 2 + 4)); // (k − 1)(1 + 2 + 4)
  // The output position.
  await setSlider(page, 'output', 4);
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-i', '4');
  expect((await json<Curves>(page, 'fading-chart', 'data-curves')).s4d).toHaveLength(5);
});

test('selectivity demo: marks set Δ by the displayed rule and change the Mamba curve', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  const demo = page.getByTestId('selectivity-demo');
  const deltas = () => json<number[]>(page, 'delta-bars', 'data-delta');
  const mambaCurve = async () =>
    JSON.stringify((await json<Curves>(page, 'selectivity-chart', 'data-curves'))['Mamba with the Δ rule']);
  // Defaults: the demo's own Δ₀ = 1 (log slider: position 0), s = 3, token 1 marked, role "write".
  const s = Number(await page.getByTestId('slider-keep-strength').inputValue());
  expect(Number(await page.getByTestId('slider-demo-delta').inputValue())).toBe(0);
  const base = 1;
  let d = await deltas();
  expect(d[1]).toBeCloseTo(base * Math.exp(s), 4);
  expect(d[0]).toBeCloseTo(base * Math.exp(-s), 6);
  await expect(page.getByTestId('keep-token-1')).toHaveAttribute('aria-pressed', 'true');
  const before = await mambaCurve();
  await page.getByTestId('keep-token-5').click();
  await expect.poll(async () => (await deltas())[5]).toBeCloseTo(base * Math.exp(s), 4);
  await expect.poll(mambaCurve).not.toEqual(before);
  // Strength 0: no selection, Δ₀ everywhere.
  await setSlider(page, 'keep-strength', 0);
  await expect.poll(async () => new Set(await deltas()).size).toBe(1);
  await setSlider(page, 'keep-strength', 3);
  // The other role swaps large and small.
  await page.getByTestId('role-hold').check();
  await expect.poll(async () => (await deltas())[5]).toBeCloseTo(base * Math.exp(-s), 6);
  await page.getByTestId('role-write').check();
  await expect(page.getByTestId('delta-rule')).toContainText('marked tokens Δ = 20.1');
  // The reference-scale preset moves Δ₀ to 0.05 and the S4D curve with it.
  const s4dCurve = async () =>
    JSON.stringify((await json<Curves>(page, 'selectivity-chart', 'data-curves'))['S4D (Δ = Δ₀ for every token)']);
  const s4dBefore = await s4dCurve();
  await page.getByTestId('demo-preset-reference').click();
  await expect(page.getByTestId('delta-rule')).toContainText('Δ₀ = 0.0500');
  await expect.poll(s4dCurve).not.toEqual(s4dBefore);
  await page.getByTestId('demo-preset-selective').click();
  await expect(page.getByTestId('delta-rule')).toContainText('Δ₀ = 1.00');
  await demo.scrollIntoViewIfNeeded();
  await demo.screenshot({ path: 'screenshots/fading-selectivity.png' });
});

test('vanishing/exploding demo: three radii, the small one fading', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  const curves = await json<Curves>(page, 'vanishing-chart', 'data-curves');
  const keys = Object.keys(curves);
  expect(keys.map((k) => k.split(' (')[0])).toEqual(['RNN ρ = 0.5', 'RNN ρ = 1', 'RNN ρ = 1.5']);
  for (const k of keys) expect(k).toMatch(/σ_max = [0-9.]+\)$/);
  const small = curves[keys[0]] as number[];
  expect(small[small.length - 1]).toBeLessThan(small[1] * 1e-2);
  await page.getByTestId('vanishing-demo').screenshot({ path: 'screenshots/fading-vanishing.png' });
});
