import { test, expect, tanhScanError } from './fixtures';
import type { Page } from '@playwright/test';

// Independent formulas (from the issue text), computed here, never read from the page.
const log2ceil = (n: number) => {
  let d = 0;
  while (2 ** d < n) d += 1;
  return d;
};
const expected: Record<string, (n: number, block: number) => [number, number]> = {
  sequential: (n) => [Math.max(n - 1, 0), Math.max(n - 1, 0)],
  'hillis-steele': (n) => {
    let work = 0;
    for (let d = 0; 2 ** d < n; d += 1) work += n - 2 ** d;
    return [work, log2ceil(n)];
  },
  blelloch: (n) => {
    const m = 2 ** log2ceil(n);
    return [2 * (m - 1), 2 * Math.log2(m)];
  },
  chunked: (n, block) => {
    const c = Math.ceil(n / block);
    const first = Math.min(block, n);
    return [n - c + (n - first), first - 1 + (c - 1)];
  },
};
const algorithms = Object.keys(expected);

// The recurrence itself, in float64.
const sequential = (a: number[], b: number[]) => {
  let h = 0;
  return a.map((at, t) => (h = at * h + b[t]));
};

async function setRange(page: Page, param: string, value: number) {
  await page.getByTestId(`slider-${param}`).fill(String(value));
}

async function readData(page: Page) {
  const view = page.getByTestId('view-scan');
  const parse = async (name: string) => JSON.parse((await view.getAttribute(name))!) as number[];
  return { a: await parse('data-a'), b: await parse('data-b'), h: await parse('data-h') };
}

async function totals(page: Page) {
  const work = page.getByTestId('scan-work');
  const depth = page.getByTestId('scan-depth');
  return [Number(await work.getAttribute('data-total')), Number(await depth.getAttribute('data-total'))];
}

async function openRandom(app: { open: () => Promise<void>; show: (v: string) => Promise<void> }, page: Page) {
  await app.open();
  await app.show('scan');
  await page.getByTestId('scan-source').selectOption('random');
}

test('totals equal the formulas, the result is verified and recomputed, for n in {1,2,5,8,13,64}', async ({ app, page }) => {
  await openRandom(app, page);
  const view = page.getByTestId('view-scan');
  for (const n of [1, 2, 5, 8, 13, 64]) {
    await setRange(page, 'n', n);
    await expect(view).toHaveAttribute('data-n', String(n));
    for (const alg of algorithms) {
      await page.getByTestId('scan-algorithm').selectOption(alg);
      await expect(view).toHaveAttribute('data-algorithm', alg);
      const block = 4; // the default block size
      expect(await totals(page), `${alg} n=${n}`).toEqual(expected[alg](n, block));
      await expect(page.getByTestId('scan-verified')).toHaveAttribute('data-match', 'true');
      await expect(page.getByTestId('scan-verified')).toContainText('matches');
      const { a, b, h } = await readData(page);
      expect(a).toHaveLength(n);
      const want = sequential(a, b);
      expect(h).toHaveLength(n);
      h.forEach((v, t) => expect(Math.abs(v - want[t]), `${alg} n=${n} h_${t}`).toBeLessThan(1e-4 * (1 + Math.abs(want[t]))));
      // The player runs over exactly the levels of the depth counter.
      await expect(page.getByTestId('step-counter')).toHaveText(`level 0 / ${expected[alg](n, block)[1]}`);
    }
  }
});

test('stepping to the end counts every combine and level; forward then back restores the picture', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 8);
  const svg = page.getByTestId('scan-svg');
  for (const alg of algorithms) {
    await page.getByTestId('scan-algorithm').selectOption(alg);
    const [work, depth] = expected[alg](8, 4);
    for (let k = 0; k < depth; k += 1) {
      const before = await svg.evaluate((el) => el.outerHTML);
      await page.getByTestId('player-step').click();
      await expect(page.getByTestId('step-counter')).toHaveText(`level ${k + 1} / ${depth}`);
      expect(await svg.evaluate((el) => el.outerHTML)).not.toEqual(before);
      await page.getByTestId('player-back').click();
      await expect(page.getByTestId('step-counter')).toHaveText(`level ${k} / ${depth}`);
      expect(await svg.evaluate((el) => el.outerHTML), `${alg} back at level ${k}`).toEqual(before);
      await page.getByTestId('player-step').click();
    }
    await expect(page.getByTestId('scan-work')).toHaveText(`work: ${work} / ${work} combines`);
    await expect(page.getByTestId('scan-depth')).toHaveText(`depth: ${depth} / ${depth} levels`);
  }
});

test('each combine is drawn as two arrows and its arithmetic shows on hover', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 8);
  await page.getByTestId('scan-algorithm').selectOption('hillis-steele');
  await page.getByTestId('player-step').click();
  // Level 1 of Hillis–Steele (offset 1): nodes 1..7 each combine with their left neighbour.
  await expect(page.locator('[data-testid="scan-svg"] g.scan-changed')).toHaveCount(7);
  await expect(page.locator('[data-testid="scan-svg"] line.scan-arrow-earlier')).toHaveCount(7);
  await expect(page.locator('[data-testid="scan-svg"] line.scan-arrow-later')).toHaveCount(7);
  const node3 = page.locator('[data-testid="scan-svg"] g[data-row="after"][data-i="3"]');
  await expect(node3).toHaveAttribute('data-range', '[2..3]');
  await node3.hover();
  const { a, b } = await readData(page);
  const hover = page.getByTestId('scan-hover');
  await expect(hover).toContainText('node 3 ← [2..2] ∘ [3..3]');
  // (a2, b2) ∘ (a3, b3) = (a2·a3, a3·b2 + b3), formatted to 3 significant digits.
  const pa = a[2] * a[3];
  const pb = a[3] * b[2] + b[3];
  const text = (await hover.textContent())!;
  const result = text.split('=').pop()!.trim().replace(/[()]/g, '').split(',').map((s) => Number(s.trim().replace('−', '-')));
  expect(Math.abs(result[0] - pa)).toBeLessThan(0.006 * Math.max(1e-3, Math.abs(pa)) + 1e-6);
  expect(Math.abs(result[1] - pb)).toBeLessThan(0.006 * Math.max(1e-3, Math.abs(pb)) + 1e-6);
});

test('Blelloch clears the root before its first down-sweep, and the hover reads the cleared operand', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 8);
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  // n = 8: three up-sweep levels, then the first down-sweep (stride 8).
  for (let k = 0; k < 4; k += 1) await page.getByTestId('player-step').click();
  await expect(page.getByTestId('scan-phase')).toContainText('root is cleared');
  const root = page.locator('[data-testid="scan-svg"] g[data-row="before"][data-i="7"]');
  await expect(root).toHaveAttribute('data-range', '∅');
  await page.locator('[data-testid="scan-svg"] g[data-row="after"][data-i="7"]').hover();
  await expect(page.getByTestId('scan-hover')).toContainText('node 7 ← ∅ ∘ [0..3] = (1.00, 0) ∘');
  await expect(page.locator('[data-testid="scan-svg"] line.scan-arrow-move')).toHaveCount(1);
});

test('chunked with block 1 and with block n equals the sequential scan (one block)', async ({ app, page }) => {
  await openRandom(app, page);
  const n = 8;
  await setRange(page, 'n', n);
  await page.getByTestId('scan-algorithm').selectOption('sequential');
  const seqTotals = await totals(page);
  const seqH = (await readData(page)).h;
  expect(seqTotals).toEqual([n - 1, n - 1]);
  await page.getByTestId('scan-algorithm').selectOption('chunked');
  for (const block of [1, n, 64]) {
    await setRange(page, 'block', block);
    await expect(page.getByTestId('slider-block')).toHaveValue(String(block));
    expect(await totals(page), `block ${block}`).toEqual(seqTotals);
    // Same combines in the same order: bit-for-bit the same outputs.
    expect((await readData(page)).h, `block ${block}`).toEqual(seqH);
  }
  // A block in between is neither: block 4 of 8 takes 3 local levels + 1 carry level.
  await setRange(page, 'block', 4);
  expect(await totals(page)).toEqual([10, 4]);
});

test('a_t and b_t are editable: parsed, clamped, explained, and scanned', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 5);
  const a2 = page.getByTestId('scan-input-a-2');
  await a2.fill('abc');
  await a2.press('Enter');
  await expect(page.getByTestId('scan-edit-notice')).toContainText('not a number');
  await a2.fill('5');
  await a2.press('Enter');
  await expect(page.getByTestId('scan-edit-notice')).toContainText('outside');
  await page.getByTestId('scan-input-b-4').fill('−3.5');
  await page.getByTestId('scan-input-b-4').press('Enter');
  const view = page.getByTestId('view-scan');
  await expect.poll(async () => JSON.parse((await view.getAttribute('data-b'))!)[4]).toBe(-3.5);
  const { a, b, h } = await readData(page);
  expect(a[2]).toBe(2); // clamped to the documented limit 2
  const want = sequential(a, b);
  h.forEach((v, t) => expect(Math.abs(v - want[t])).toBeLessThan(1e-4 * (1 + Math.abs(want[t]))));
  await expect(page.getByTestId('scan-verified')).toHaveAttribute('data-match', 'true');
  await page.getByTestId('scan-reset-edits').click();
  await expect.poll(async () => JSON.parse((await view.getAttribute('data-a'))!)[2]).not.toBe(2);
});

test('a jump of n fills the whole step table (rows past the first 16 follow after a frame)', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 8);
  await expect(page.locator('.scan-table tbody tr')).toHaveCount(8);
  await setRange(page, 'n', 48);
  await expect(page.locator('.scan-table tbody tr')).toHaveCount(48);
  // The last row holds step 47's own output, the sequential loop computed here.
  const { a, b } = await readData(page);
  const want = sequential(a, b)[47];
  await expect(page.getByTestId('scan-input-a-47')).toHaveAttribute('data-value', String(a[47]));
  const shown = Number((await page.getByTestId('scan-h-47').textContent())!.replace('−', '-'));
  expect(Math.abs(shown - want)).toBeLessThan(2e-3 * (1 + Math.abs(want)));
  await setRange(page, 'n', 20);
  await expect(page.locator('.scan-table tbody tr')).toHaveCount(20);
});

test('the sentence source caps n at the token count and says so', async ({ app, page }) => {
  await app.open();
  await app.show('scan');
  await page.getByTestId('text-input').fill('one two three four five');
  await setRange(page, 'n', 12);
  const view = page.getByTestId('view-scan');
  await expect(view).toHaveAttribute('data-n', '5');
  await expect(page.getByTestId('scan-cap-notice')).toContainText('capped at 5');
  await expect(page.getByTestId('scan-source-note')).toContainText('Mamba');
  const { a, b, h } = await readData(page);
  // A Mamba decay a_t = exp(Δ_t·A) with Δ > 0, A < 0 lies in (0, 1).
  a.forEach((v) => expect(v > 0 && v < 1).toBe(true));
  const want = sequential(a, b);
  h.forEach((v, t) => expect(Math.abs(v - want[t])).toBeLessThan(1e-6 + 1e-4 * Math.abs(want[t])));
});

test('the work/depth chart carries the formulas and is drawn', async ({ app, page }) => {
  await openRandom(app, page);
  await page.getByTestId('scan-algorithm').selectOption('chunked');
  const chart = page.getByTestId('scan-cost-chart');
  const series = JSON.parse((await chart.getAttribute('data-series'))!) as Record<string, number[][]>;
  const names: Record<string, string> = {
    sequential: 'sequential',
    'hillis-steele': 'Hillis–Steele',
    blelloch: 'Blelloch',
    chunked: 'chunked, block 4',
  };
  for (const alg of algorithms) {
    const points = series[names[alg]];
    expect(points.length).toBe(63); // n = 2..64
    for (const [n, work, depth] of points) expect([work, depth], `${alg} n=${n}`).toEqual(expected[alg](n, 4));
  }
  const inked = await chart.evaluate((el: HTMLCanvasElement) => {
    const ctx = el.getContext('2d')!;
    const data = ctx.getImageData(0, 0, el.width, el.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) count += 1;
    return count;
  });
  expect(inked).toBeGreaterThan(2000);
  await expect(page.locator('.scan-caption')).toContainText('n log n');
});

test('the tanh recurrence through the scan pattern: the measured error is shown and real', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 16);
  const panel = page.getByTestId('scan-tanh');
  const a = JSON.parse((await panel.getAttribute('data-a'))!) as number[];
  const b = JSON.parse((await panel.getAttribute('data-b'))!) as number[];
  // The demo's own a_t = 0.9 at every step (its slider's default, not the scan's a_t);
  // the scan's b_t rescaled so that the largest |b_t| is the default scale 2.
  const scanned = await readData(page);
  expect(a).toHaveLength(scanned.a.length);
  a.forEach((v) => expect(v).toBeCloseTo(0.9, 6));
  await expect(page.getByTestId('scan-tanh-inputs')).toContainText('a_t = 0.900 at every step');
  await expect(page.getByTestId('scan-tanh-note')).toContainText('the random source');
  const ratio = Math.max(...b.map(Math.abs)) / Math.max(...scanned.b.map(Math.abs));
  b.forEach((v, t) => expect(Math.abs(v - scanned.b[t] * ratio)).toBeLessThan(1e-5));
  expect(Math.max(...b.map(Math.abs))).toBeCloseTo(2, 5);
  // True tanh recurrence and the Hillis–Steele pattern with the pseudo-combine, recomputed here.
  const maxError = tanhScanError(a, b);
  const shown = Number(await panel.getAttribute('data-max-error'));
  expect(maxError).toBeGreaterThan(0.2);
  expect(Math.abs(shown - maxError)).toBeLessThan(1e-4);
  await expect(panel).toContainText('off by up to');
});

test('screenshots mid-animation for every algorithm, and at n = 64', async ({ app, page }) => {
  await openRandom(app, page);
  await setRange(page, 'n', 8);
  for (const alg of algorithms) {
    await page.getByTestId('scan-algorithm').selectOption(alg);
    const depth = expected[alg](8, 4)[1];
    for (let k = 0; k < Math.ceil(depth / 2); k += 1) await page.getByTestId('player-step').click();
    await page.locator('[data-testid="scan-svg"] g.scan-changed').last().hover();
    await app.screenshot(`scan-${alg}`);
  }
  await setRange(page, 'n', 64);
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  const t0 = Date.now();
  for (let k = 0; k < 6; k += 1) await page.getByTestId('player-step').click();
  await expect(page.getByTestId('step-counter')).toHaveText('level 6 / 12');
  const elapsed = Date.now() - t0;
  expect(await page.locator('[data-testid="view-scan"] *').count()).toBeLessThan(2500);
  console.log(`n = 64 Blelloch: 6 steps in ${elapsed} ms`);
  await app.screenshot('scan-n64');
  // The README screenshot: the default view (sentence source), mid-animation.
  await app.open();
  await app.show('scan');
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  for (let k = 0; k < 4; k += 1) await page.getByTestId('player-step').click();
  await page.screenshot({ path: 'screenshots/readme-scan.png', fullPage: false });
});
