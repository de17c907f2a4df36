import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Transformer defaults (src/core/models/transformer.rs `Config::default`): 2 layers; the Cost
// view uses d_model = 16. Its definition of the counts (`transformer::cost`):
//   memory per generated token = K and V cached for every layer: 2 · layers · d · n
//   multiply-adds = layers · (12·n·d² + n·(n+1)·d)
const LAYERS = 2;
const D = 16;
const THEORY_NS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const MODELS = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];

type Point = { model: string; n: number; ms: number | null };

async function status(page: Page) {
  const el = page.getByTestId('cost-status');
  return {
    state: await el.getAttribute('data-state'),
    points: JSON.parse((await el.getAttribute('data-points'))!) as Point[],
    slopes: JSON.parse((await el.getAttribute('data-slopes'))!) as Record<string, number | null>,
  };
}

/// Moves the log-scale `slider-n-max` to n (the range input holds log10 n).
async function setMaxN(page: Page, n: number) {
  await page.getByTestId('slider-n-max').evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, Math.log10(n));
}

/// Number of canvas pixels that are not white (the chart drew something).
async function inkedPixels(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    // Copy into a canvas made for readback (reading the chart's own canvas logs a warning).
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(c, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) n++;
    return n;
  });
}

test('theory table: the transformer KV cache and multiply-adds match their formulas', async ({ app, page }) => {
  await app.open();
  await app.show('cost');
  const cell = (model: string, n: number) => page.getByTestId(`theory-${model}-${n}`);
  for (const n of THEORY_NS) {
    await expect(cell('transformer', n)).toHaveAttribute('data-value', String(LAYERS * (12 * n * D * D + n * (n + 1) * D)));
  }
  await page.getByTestId('cost-metric').selectOption('memory');
  for (const n of THEORY_NS) {
    await expect(cell('transformer', n)).toHaveAttribute('data-value', String(2 * LAYERS * D * n));
  }
  // A recurrence keeps a fixed state: the same memory at every n.
  for (const model of ['rnn', 'linear-rnn', 's4d', 'mamba']) {
    const first = await cell(model, 16).getAttribute('data-value');
    await expect(cell(model, 65536)).toHaveAttribute('data-value', first!);
  }
  // Sequential depth of the (non-linear) RNN is n; its parallel depth is n too.
  await page.getByTestId('cost-metric').selectOption('parallel-depth');
  await expect(cell('rnn', 4096)).toHaveAttribute('data-value', '4096');
  await expect(cell('linear-rnn', 4096)).toHaveAttribute('data-value', '12'); // ⌈log₂ 4096⌉
  expect(await inkedPixels(page, 'cost-theory-chart')).toBeGreaterThan(2000);
  await expect(page.getByTestId('view-cost')).toContainText('Hillis–Steele');
  await app.screenshot('cost-theory');
});

test('measurement fills the table and chart, slopes are numbers, CSV downloads', async ({ app, page }) => {
  await app.open();
  await app.show('cost');
  await setMaxN(page, 1024);
  await expect(page.getByTestId('slider-n-max')).toHaveAttribute('aria-valuetext', '1024');
  const blankChart = await inkedPixels(page, 'cost-measured-chart');
  await page.getByTestId('cost-run').click();
  await expect(page.getByTestId('cost-status')).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  const { points, slopes } = await status(page);
  // 6 models × n = 64 … 1024. Only the transformer may stop early (one pass > 50 ms would
  // freeze the page), and then a note says so.
  const notes = await page.getByTestId('cost-notes').innerText();
  for (const model of MODELS) {
    const mine = points.filter((p) => p.model === model);
    const ns = mine.map((p) => p.n);
    if (model === 'transformer' && ns.length < 5) {
      expect(notes).toContain('Transformer at n =');
      expect(ns).toEqual([64, 128, 256, 512, 1024].slice(0, ns.length));
    } else {
      expect(ns).toEqual([64, 128, 256, 512, 1024]);
    }
    for (const p of mine) expect(p.ms).toBeGreaterThan(0);
    if (ns.filter((n) => n >= 512).length >= 2) {
      expect(typeof slopes[model]).toBe('number');
      expect(Number.isFinite(slopes[model])).toBe(true);
    } else {
      expect(slopes[model]).toBeNull();
    }
  }
  // Slope from the two points n = 512, 1024 computed here: log2(t1024 / t512).
  const t = (n: number) => points.find((p) => p.model === 'mamba' && p.n === n)!.ms!;
  expect(slopes['mamba']).toBeCloseTo(Math.log2(t(1024) / t(512)), 6);
  await expect(page.getByTestId('cost-slope-mamba')).not.toHaveText('—');
  await expect(page.getByTestId('measured-rnn-1024')).not.toHaveText('—');
  expect(await inkedPixels(page, 'cost-measured-chart')).toBeGreaterThan(blankChart + 500);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cost-csv').click()]);
  expect(download.suggestedFilename()).toBe('seqmix-cost.csv');
  const { readFile } = await import('node:fs/promises');
  const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
  expect(csv[0]).toBe('model,n,d_model,median_ms_per_forward,batches,forwards_per_batch,multiply_adds');
  expect(csv.length).toBe(1 + points.length);
  const row = csv.find((l) => l.startsWith('transformer,256,'))!.split(',');
  expect(Number(row[6])).toBe(LAYERS * (12 * 256 * D * D + 256 * 257 * D));
  await app.screenshot('cost-measured');
});

test('cancel stops the measurement', async ({ app, page }) => {
  await app.open();
  await app.show('cost');
  await expect(page.getByTestId('cost-cancel')).toBeDisabled();
  await page.getByTestId('cost-run').click();
  await expect(page.getByTestId('cost-progress')).toBeVisible();
  await expect.poll(async () => (await status(page)).points.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByTestId('cost-cancel').click();
  await expect(page.getByTestId('cost-status')).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByTestId('cost-progress')).toBeHidden();
  const after = (await status(page)).points.length;
  await page.waitForTimeout(600);
  expect((await status(page)).points.length).toBe(after);
  expect(after).toBeLessThan(42);
  await expect(page.getByTestId('cost-run')).toBeEnabled();
});

test('the transformer is measured up to n = 4096, its long passes run in slices', async ({ app, page }) => {
  test.setTimeout(240_000);
  await app.open();
  await app.show('cost');
  // 4096 is the default and the slider's maximum.
  await expect(page.getByTestId('slider-n-max')).toHaveAttribute('aria-valuetext', '4096');
  await page.getByTestId('cost-run').click();
  await expect(page.getByTestId('cost-status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const { points, slopes } = await status(page);
  const ns = points.filter((p) => p.model === 'transformer').map((p) => p.n);
  expect(ns).toEqual([64, 128, 256, 512, 1024, 2048, 4096]);
  for (const p of points) expect(p.ms).toBeGreaterThan(0);
  expect(Number.isFinite(slopes['transformer'])).toBe(true);
  const notes = await page.getByTestId('cost-notes').innerText();
  expect(notes).toContain('Transformer from n =');
  expect(notes).toContain('slices');
  expect(notes).not.toContain('not run in the browser');
  await expect(page.getByTestId('measured-transformer-4096')).not.toHaveText('—');
  await app.screenshot('cost-measured-4096');
});
