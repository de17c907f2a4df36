import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Hostile input never breaks the page: text is shown as text, and hundreds of random actions
// leave no console error and a page that still answers.

const hostileTexts = [
  '',
  '   \n\t  ',
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 2"> & <b>bold</b>',
  '😀🚀👨‍👩‍👧 emoji ✨',
  'שלום עולם مرحبا بالعالم',
  'zero\u200bwidth\u200c joiners\u200d and\ufeffbom',
  'e\u0301 combining a\u0308\u0308\u0308 marks',
  'nul\u0000char and \u0007 bell',
  'x'.repeat(5000),
  'word '.repeat(20000), // 100 000 characters
];

test('hostile texts are shown as text and never executed', async ({ app, page }) => {
  await app.open();
  const input = page.getByTestId('text-input');
  for (const text of hostileTexts) {
    await input.fill(text);
    await expect(page.getByTestId('token-count')).toBeVisible();
  }
  await input.fill('<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">');
  // The tokens are the characters of the markup, as text.
  await expect(page.getByTestId('token-row').locator('li').first()).toHaveText('<');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect(await page.locator('main img, main script').count()).toBe(0);
});

test('100 000 characters are truncated with a notice and the page stays responsive', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('word '.repeat(20000));
  await expect(page.getByTestId('text-notice')).toContainText('first 64 of 20000');
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  await app.show('scan');
  await app.show('flow');
});

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function randomAction(page: Page, rand: () => number, views: string[]) {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const kind = rand();
  if (kind < 0.08) {
    await page.getByTestId(`nav-${pick(views)}`).click();
  } else if (kind < 0.16) {
    await page.getByTestId('text-input').fill(pick(hostileTexts).slice(0, 2000));
  } else if (kind < 0.6) {
    const sliders = await page.locator('main input[type=range]:visible:enabled').all();
    if (sliders.length === 0) return;
    const slider = pick(sliders);
    const [min, max] = await slider.evaluate((el: HTMLInputElement) => [Number(el.min), Number(el.max)]);
    const r = rand();
    const value = r < 0.25 ? min : r < 0.5 ? max : min + rand() * (max - min);
    await slider.fill(String(value));
  } else if (kind < 0.7) {
    const selects = await page.locator('main select:visible:enabled').all();
    if (selects.length === 0) return;
    const select = pick(selects);
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await select.selectOption(pick(options));
  } else if (kind < 0.8) {
    const boxes = await page.locator('main input[type=checkbox]:visible:enabled').all();
    if (boxes.length > 0) await pick(boxes).click();
  } else {
    const buttons = await page.locator('main button:visible:enabled:not([data-testid=cost-run])').all();
    if (buttons.length > 0) await pick(buttons).click({ timeout: 2000 });
  }
}

test('monkey: 500 seeded random actions leave a clean console and a working page', async ({ app, page }) => {
  test.setTimeout(600_000);
  const seed = Number(process.env.MONKEY_SEED ?? 20261130);
  console.log(`monkey seed ${seed} (replay with MONKEY_SEED=${seed})`);
  const rand = mulberry32(seed);
  await app.open();
  const views = await page.locator('[data-testid^=nav-]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice(4)),
  );
  for (let i = 0; i < 500; i++) {
    await randomAction(page, rand, views);
  }
  await expect(page.getByTestId('panic-banner')).toHaveCount(0);
  // Still answering: the sentence drives the tokens, every view still opens.
  await page.getByTestId('text-input').fill('still alive');
  await expect(page.getByTestId('token-row').locator('li')).toHaveText(['still', 'alive']);
  for (const view of views) await app.show(view);
});

// Every pair of sliders of a view (and of each Flow model) at the four corners of their
// ranges: no panic, a clean console, and the view recovers when the defaults come back.
async function cornerPairs(page: Page, scope: string) {
  const ids = await page
    .locator(`${scope} input[type=range]:visible:enabled`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')).filter((id) => id && id !== 'slider-speed'));
  const set = async (id: string, corner: 'min' | 'max') => {
    const el = page.locator(`${scope} [data-testid="${id}"]`).first();
    const value = await el.evaluate((e: HTMLInputElement, c) => (c === 'min' ? e.min : e.max), corner);
    await el.fill(value);
  };
  let combos = 0;
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      for (const [ca, cb] of [['min', 'min'], ['min', 'max'], ['max', 'min'], ['max', 'max']] as const) {
        await set(ids[a]!, ca);
        await set(ids[b]!, cb);
        combos++;
      }
    }
  }
  return combos;
}

test('pairwise slider extremes in every view and every Flow model', async ({ app, page }) => {
  test.setTimeout(600_000);
  await app.open();
  await page.getByTestId('text-input').fill('a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(2));
  let combos = 0;
  for (const family of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    await page.getByTestId('model-select').selectOption(family);
    combos += await cornerPairs(page, '[data-testid=view-flow]');
    await page.getByTestId('reset-defaults').click();
    await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  }
  for (const view of ['fading', 'scan', 'ssm']) {
    await app.show(view);
    combos += await cornerPairs(page, `[data-testid=view-${view}]`);
  }
  console.log(`${combos} corner combinations tried`);
  expect(combos).toBeGreaterThan(100);
  await expect(page.getByTestId('panic-banner')).toHaveCount(0);
  await app.show('flow');
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
});
