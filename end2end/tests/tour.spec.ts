import { test, expect, settledUrl } from './fixtures';
import type { Page } from '@playwright/test';

// The tour (issue #21): every chapter opens the right view with the right settings, and every
// "notice this" number equals the quantity computed HERE from the figure's own data
// (data attributes of the views), never read from the tour's own text.

type Numbers = Record<string, number>;
type Chapter = { id: string; view: string; highlight: string; check: (page: Page, n: Numbers) => Promise<void> };

async function attr(page: Page, testId: string, name: string): Promise<string> {
  const v = await page.getByTestId(testId).first().getAttribute(name);
  if (v === null) throw new Error(`${testId} has no ${name}`);
  return v;
}
const json = async <T>(page: Page, testId: string, name: string) => JSON.parse(await attr(page, testId, name)) as T;

/** The tour's live numbers, by key. */
async function numbers(page: Page): Promise<Numbers> {
  const out: Numbers = {};
  for (const el of await page.getByTestId('tour-number').all()) {
    out[(await el.getAttribute('data-key'))!] = Number(await el.getAttribute('data-value'));
  }
  return out;
}

/** Flow's influence matrix, once complete. */
async function heat(page: Page): Promise<{ values: number[][]; labels: string[] }> {
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  return {
    values: await json<number[][]>(page, 'influence-heatmap', 'data-values'),
    labels: await json<string[]>(page, 'influence-heatmap', 'data-labels'),
  };
}

/** Where a curve falls below `fraction` of its maximum, log-linear between samples (as a
 *  reader of a log-scale chart would interpolate; exact for a geometric curve). */
function reach(curve: number[], fraction: number): number {
  const max = Math.max(...curve);
  const thr = fraction * max;
  let last = -1;
  curve.forEach((v, k) => { if (v >= thr) last = k; });
  if (last + 1 >= curve.length) return last;
  const [above, below] = [curve[last], curve[last + 1]];
  const t = below > 0 ? Math.log(above / thr) / Math.log(above / below) : (above - thr) / (above - below);
  return last + Math.min(Math.max(t, 0), 1);
}

async function fadingReady(page: Page) {
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-computing', '0', { timeout: 20_000 });
}

const CHAPTERS: Chapter[] = [
  {
    id: 'cnn', view: 'flow', highlight: 'influence-heatmap',
    check: async (page, n) => {
      await expect(page.getByTestId('model-select')).toHaveValue('cnn');
      await expect(page.getByTestId('slider-layers')).toHaveValue('3');
      await expect(page.getByTestId('slider-kernel')).toHaveValue('3');
      const { values } = await heat(page);
      const last = values[values.length - 1];
      // The window: how many inputs reach the last output at all; 3 layers of kernel 3 → 7.
      expect(last.filter((v) => v > 0).length).toBe(n.window);
      expect(n.window).toBe(Math.min(3 * (3 - 1) + 1, last.length));
    },
  },
  {
    id: 'transformer', view: 'flow', highlight: 'influence-heatmap',
    check: async (page, n) => {
      await expect(page.getByTestId('model-select')).toHaveValue('transformer');
      const { values, labels } = await heat(page);
      const last = values[values.length - 1];
      expect(last.filter((v) => v > 0).length).toBe(n.reached);
      expect(n.reached).toBe(labels.length);
      // One layer links every output to every earlier input: the whole lower triangle is lit.
      values.forEach((row, r) => row.forEach((v, c) => { if (c <= r) expect(v).toBeGreaterThan(0); }));
      let pairs = 0;
      for (let i = 0; i < labels.length; i++) for (let j = 0; j <= i; j++) pairs++;
      expect(n.scores).toBe(pairs);
    },
  },
  {
    id: 'rnn-chain', view: 'flow', highlight: 'flow-diagram',
    check: async (page, n) => {
      await expect(page.getByTestId('model-select')).toHaveValue('rnn');
      const { labels } = await heat(page);
      const counter = (await page.getByTestId('step-counter').textContent())!;
      const [, step, total] = counter.match(/(\d+) \/ (\d+)/)!.map(Number);
      expect(step).toBe(3);
      expect(n.steps).toBe(total);
      expect(n.tokens).toBe(labels.length);
    },
  },
  {
    id: 'rnn-fading', view: 'fading', highlight: 'fading-chart',
    check: async (page, n) => {
      await fadingReady(page);
      const curves = await json<Record<string, number[]>>(page, 'fading-chart', 'data-curves');
      expect(Math.abs(reach(curves.rnn, 0.5) - n.half)).toBeLessThan(0.05);
      // It forgets: far tokens reach the last output far less than near ones.
      const rnn = curves.rnn;
      expect(n.half).toBeLessThan(rnn.length - 1);
      expect(rnn[rnn.length - 1]).toBeLessThan(0.01 * Math.max(...rnn));
    },
  },
  {
    id: 'linear-rnn', view: 'fading', highlight: 'fading-chart',
    check: async (page, n) => {
      await expect(page.getByTestId('slider-r')).toHaveValue('0.9');
      await expect(page.getByTestId('slider-theta')).toHaveValue('0');
      await fadingReady(page);
      const closed = await json<Record<string, number[]>>(page, 'fading-chart', 'data-closed');
      expect(Math.abs(reach(closed['linear-rnn'], 0.5) - n.half)).toBeLessThan(0.01);
      expect(n.half).toBeCloseTo(Math.log(0.5) / Math.log(0.9), 9);
      // Exactly r^k: every step multiplies the closed form by r = 0.9.
      const lin = closed['linear-rnn'];
      for (let k = 0; k + 1 < lin.length; k++) expect(lin[k + 1] / lin[k]).toBeCloseTo(0.9, 4);
    },
  },
  {
    id: 'scan', view: 'scan', highlight: 'scan-svg',
    check: async (page, n) => {
      await expect(page.getByTestId('scan-algorithm')).toHaveValue('blelloch');
      await expect(page.getByTestId('scan-source')).toHaveValue('random');
      expect(JSON.parse(await attr(page, 'view-scan', 'data-a'))).toHaveLength(16);
      const totals = async () => [Number(await attr(page, 'scan-work', 'data-total')), Number(await attr(page, 'scan-depth', 'data-total'))];
      expect(await totals()).toEqual([n['blelloch-work'], n['blelloch-depth']]);
      // "n log n" is Hillis–Steele's work; Blelloch's is linear; both have log depth.
      expect(n['hillis-steele-work']).toBeGreaterThan(n['blelloch-work']);
      expect(n['hillis-steele-depth']).toBe(Math.log2(16));
      // With tanh inside, the same tree is visibly wrong (random source).
      expect(Number(await attr(page, 'scan-tanh', 'data-max-error'))).toBeGreaterThan(1e-3);
      await page.getByTestId('scan-algorithm').selectOption('hillis-steele');
      await expect.poll(totals).toEqual([n['hillis-steele-work'], n['hillis-steele-depth']]);
      await page.getByTestId('scan-algorithm').selectOption('sequential');
      await expect.poll(totals).toEqual([n['sequential-work'], n['sequential-depth']]);
    },
  },
  {
    id: 'ssm', view: 'ssm', highlight: 'panel-discretization',
    check: async (page, n) => {
      type Disc = { delta: number; euler_threshold: number; methods: { name: string; gain: number }[] };
      await expect.poll(async () => (await json<Disc>(page, 'chart-discretization', 'data-chart')).delta).toBeCloseTo(0.8, 9);
      const d = await json<Disc>(page, 'chart-discretization', 'data-chart');
      const gain = (name: string) => d.methods.find((m) => m.name === name)!.gain;
      expect(n['zoh-gain']).toBeCloseTo(gain('ZOH'), 9);
      expect(n['euler-gain']).toBeCloseTo(gain('Euler'), 9);
      expect(n['euler-threshold']).toBeCloseTo(d.euler_threshold, 9);
      expect(n['zoh-gain']).toBeLessThan(1);
      expect(n['euler-gain']).toBeGreaterThan(1);
    },
  },
  {
    id: 'selection', view: 'fading', highlight: 'selectivity-demo',
    check: async (page, n) => {
      const delta = JSON.parse(await attr(page, 'delta-bars', 'data-delta')) as number[];
      // Token 1 is marked: it gets the large Δ, every other token the small one.
      expect(delta[1]).toBeCloseTo(n.large, 5);
      delta.forEach((d, t) => { if (t !== 1) expect(d).toBeCloseTo(n.small, 7); });
      expect(n.large).toBeCloseTo(1 * Math.exp(3), 4);
      // The demo's two curves (S4D first, then Mamba), read at the marked token's distance.
      await fadingReady(page);
      const i = Number(await attr(page, 'fading-chart', 'data-i'));
      await expect.poll(async () => Object.keys(await json<Record<string, number[]>>(page, 'selectivity-chart', 'data-curves')).length, { timeout: 20_000 }).toBe(2);
      const [s4d, mamba] = Object.values(await json<Record<string, number[]>>(page, 'selectivity-chart', 'data-curves'));
      const ratio = mamba[i - 1] / s4d[i - 1];
      expect(Math.abs(n.ratio / ratio - 1)).toBeLessThan(1e-3);
      expect(n.ratio).toBeGreaterThan(1); // the narration: the state holds the marked token
    },
  },
  {
    id: 'learn', view: 'learn', highlight: 'learn-example',
    check: async (page, n) => {
      await expect(page.getByTestId('learn-task')).toHaveValue('selective-copy');
      const cells = await page.getByTestId('learn-example').locator('tr').first().locator('td').count();
      expect(n.length).toBe(cells);
      expect(n.chance).toBeCloseTo(100 / 8, 9);
    },
  },
  {
    id: 'cost', view: 'cost', highlight: 'cost-theory-table',
    check: async (page, n) => {
      await expect(page.getByTestId('cost-metric')).toHaveValue('memory');
      const t = Number(await attr(page, 'theory-transformer-4096', 'data-value'));
      const m = Number(await attr(page, 'theory-mamba-4096', 'data-value'));
      expect(n.transformer).toBe(t);
      expect(n.mamba).toBe(m);
      expect(n.ratio).toBeCloseTo(t / m, 9);
      // The KV cache doubles with n, the state does not.
      expect(Number(await attr(page, 'theory-transformer-8192', 'data-value'))).toBe(2 * t);
      expect(Number(await attr(page, 'theory-mamba-8192', 'data-value'))).toBe(m);
    },
  },
];

async function checkChapter(page: Page, index: number, lang: string) {
  const c = CHAPTERS[index];
  await expect(page.getByTestId('tour-progress')).toHaveText(`${index + 1} / ${CHAPTERS.length}`);
  await expect(page.getByTestId('tour-chapter')).toHaveAttribute('data-chapter', c.id);
  await expect(page.getByTestId(`view-${c.view}`)).toBeVisible();
  await expect(page.getByTestId(`nav-${c.view}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-tour-highlight]')).toHaveAttribute('data-testid', c.highlight);
  await expect(page.getByTestId('tour-number').first()).toBeVisible();
  await c.check(page, await numbers(page));
  // The numbers are written as the language writes them, and the text is in that language.
  const notice = (await page.getByTestId('tour-notice').textContent())!;
  expect(notice.startsWith(lang === 'es' ? 'Fíjate:' : 'Notice:')).toBe(true);
  await expect(page.getByTestId('url-notice')).toHaveCount(0);
}

for (const lang of ['en', 'es']) {
  test.describe(`tour (${lang})`, () => {
    test.use({ locale: lang === 'es' ? 'es-ES' : 'en-US' });

    test('a first visit offers the tour in one line; Start walks every chapter with next', async ({ app, page }) => {
      test.setTimeout(240_000);
      await app.open();
      await expect(page.getByTestId('tour')).toHaveCount(0);
      await expect(page.getByTestId('tour-offer')).toBeVisible();
      await page.getByTestId('tour-start').click();
      for (let i = 0; i < CHAPTERS.length; i++) {
        if (i > 0) await page.getByTestId('tour-next').click();
        await checkChapter(page, i, lang);
        await settledUrl(page, { tour: String(i + 1), view: CHAPTERS[i].view });
        // Back on the view's top of the highlighted element, the panel beside it.
        await page.locator('[data-tour-highlight]').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `screenshots/tour-${lang}-${i + 1}-${CHAPTERS[i].id}.png` });
      }
      await expect(page.getByTestId('tour-next')).toBeDisabled();
    });

    test('?tour=N opens chapter N with its settings', async ({ app, page }) => {
      test.setTimeout(240_000);
      for (let i = 0; i < CHAPTERS.length; i++) {
        await app.open(`?tour=${i + 1}`);
        await checkChapter(page, i, lang);
        await expect(page.getByTestId('tour-offer')).toHaveCount(0);
      }
    });
  });
}

test('keyboard: → and ← change chapter, Esc leaves and keeps the view as configured', async ({ app, page }) => {
  await app.open('?tour=3');
  await checkChapter(page, 2, 'en');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tour-progress')).toHaveText(`4 / ${CHAPTERS.length}`);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tour-progress')).toHaveText(`3 / ${CHAPTERS.length}`);
  // The player did not take the arrows as well: still at the chapter's step.
  await expect(page.getByTestId('step-counter')).toContainText('3 /');
  // In a text field the arrows belong to the field.
  await page.getByTestId('text-input').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tour-progress')).toHaveText(`3 / ${CHAPTERS.length}`);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.getByTestId('model-select')).toHaveValue('rnn');
  await expect.poll(() => new URL(page.url()).searchParams.get('tour')).toBeNull();
  await expect(page.locator('[data-tour-highlight]')).toHaveCount(0);
});

test('the chapter list jumps; a link copied mid-tour reopens what was on screen', async ({ app, page }) => {
  await app.open('?tour=1');
  await page.getByTestId('tour-list').selectOption('5');
  await checkChapter(page, 4, 'en');
  // Change a setting by hand, copy the link, open it: the chapter and the hand-set value stay.
  await page.getByTestId('slider-r').evaluate((el) => {
    const input = el as HTMLInputElement;
    input.value = '0.5';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const url = await settledUrl(page, { tour: '5', 'fading.r': '0.5' });
  await page.goto(url);
  await expect(page.getByTestId('tour-progress')).toHaveText(`5 / ${CHAPTERS.length}`);
  await expect(page.getByTestId('slider-r')).toHaveValue('0.5');
  // A link with other parameters does not offer the tour; a bad chapter number is reported.
  await app.open('?view=scan');
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await app.open('?tour=99');
  await expect(page.getByTestId('tour-progress')).toHaveText(`${CHAPTERS.length} / ${CHAPTERS.length}`);
});
