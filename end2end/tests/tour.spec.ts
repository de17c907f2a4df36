import { test, expect, settledUrl } from './fixtures';
import type { Page } from '@playwright/test';

// The tour (issue #21): every chapter opens the right view with the right settings, and every
// "notice this" number equals the quantity computed HERE from the figure's own data
// (data attributes of the views), never read from the tour's own text.

type Numbers = Record<string, number>;
type Chapter = { id: string; view: string; highlight: string; check: (page: Page, n: () => Promise<Numbers>) => Promise<void> };

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
 *  reader of a log-scale chart would interpolate; exact for a geometric curve). With `from`,
 *  only the distances k ≥ from count (the maximum too), and the distance is still k. */
function reach(curve: number[], fraction: number, from = 0): number {
  if (from > 0) return from + reach(curve.slice(from), fraction);
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

/** Moves a range input to `position` (for a log slider, log10 of the value) as a drag would. */
async function setSlider(page: Page, testId: string, position: number) {
  await page.getByTestId(testId).evaluate((el, p) => {
    const input = el as HTMLInputElement;
    input.value = String(p);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, position);
}

const CHAPTERS: Chapter[] = [
  {
    id: 'cnn', view: 'flow', highlight: 'influence-heatmap',
    check: async (page, numbers) => {
      await expect(page.getByTestId('model-select')).toHaveValue('cnn');
      await expect(page.getByTestId('slider-layers')).toHaveValue('3');
      await expect(page.getByTestId('slider-kernel')).toHaveValue('3');
      const { values } = await heat(page);
      const last = values[values.length - 1];
      const n = await numbers();
      // The window: how many inputs reach the last output at all; 3 layers of kernel 3 → 7.
      expect(last.filter((v) => v > 0).length).toBe(n.window);
      expect(n.window).toBe(Math.min(3 * (3 - 1) + 1, last.length));
    },
  },
  {
    id: 'transformer', view: 'flow', highlight: 'influence-heatmap',
    check: async (page, numbers) => {
      await expect(page.getByTestId('model-select')).toHaveValue('transformer');
      const { values, labels } = await heat(page);
      const n = await numbers();
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
    check: async (page, numbers) => {
      await expect(page.getByTestId('model-select')).toHaveValue('rnn');
      const { labels } = await heat(page);
      const n = await numbers();
      const counter = (await page.getByTestId('step-counter').textContent())!;
      const [, step, total] = counter.match(/(\d+) \/ (\d+)/)!.map(Number);
      expect(step).toBe(3);
      expect(n.steps).toBe(total);
      expect(n.tokens).toBe(labels.length);
    },
  },
  {
    id: 'rnn-fading', view: 'fading', highlight: 'fading-chart',
    check: async (page, numbers) => {
      await fadingReady(page);
      await expect(page.getByTestId('tour-number')).toHaveCount(1);
      const n = await numbers();
      const curves = await json<Record<string, number[]>>(page, 'fading-chart', 'data-curves');
      // The memory read-out's convention: ½ of the maximum over distances ≥ 1 (distance 0, the
      // token itself with its skip path, left out).
      const rnn = curves.rnn;
      expect(Math.abs(reach(rnn, 0.5, 1) - n.half)).toBeLessThan(0.01);
      // It forgets: far tokens reach the last output far less than near ones.
      expect(n.half).toBeLessThan(rnn.length - 1);
      expect(rnn[rnn.length - 1]).toBeLessThan(0.01 * Math.max(...rnn.slice(1)));
    },
  },
  {
    id: 'linear-rnn', view: 'fading', highlight: 'fading-chart',
    check: async (page, numbers) => {
      await expect(page.getByTestId('slider-r')).toHaveValue('0.9');
      const n = await numbers();
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
    id: 'scan', view: 'scan', highlight: 'div.scan-svg-box',
    check: async (page, numbers) => {
      await expect(page.getByTestId('scan-algorithm')).toHaveValue('blelloch');
      const n = await numbers();
      await expect(page.getByTestId('scan-source')).toHaveValue('random');
      // The chapter opens on the finished tree: the last of Blelloch's 2 log 16 = 8 levels.
      await expect(page.getByTestId('step-counter')).toContainText('8 / 8');
      expect(JSON.parse(await attr(page, 'view-scan', 'data-a'))).toHaveLength(16);
      const totals = async () => [Number(await attr(page, 'scan-work', 'data-total')), Number(await attr(page, 'scan-depth', 'data-total'))];
      expect(await totals()).toEqual([n['blelloch-work'], n['blelloch-depth']]);
      // "n log n" is Hillis–Steele's work; Blelloch's is linear; both have log depth.
      expect(n['hillis-steele-work']).toBeGreaterThan(n['blelloch-work']);
      expect(n['hillis-steele-depth']).toBe(Math.log2(16));
      // The textbook counts for n = 16 (log n = 4): Blelloch 2(n − 1) combines in 2 log n
      // levels, Hillis–Steele Σ_d (n − 2^d) in log n, the loop n − 1 in n − 1.
      expect([n['blelloch-work'], n['blelloch-depth']]).toEqual([2 * 15, 2 * 4]);
      expect(n['hillis-steele-work']).toBe([0, 1, 2, 3].reduce((w, d) => w + 16 - 2 ** d, 0));
      expect([n['sequential-work'], n['sequential-depth']]).toEqual([15, 15]);
      // With tanh inside, the same tree is visibly wrong (random source).
      expect(Number(await attr(page, 'scan-tanh', 'data-max-error'))).toBeGreaterThan(1e-3);
      await page.getByTestId('scan-algorithm').selectOption('hillis-steele');
      await expect.poll(totals).toEqual([n['hillis-steele-work'], n['hillis-steele-depth']]);
      await page.getByTestId('scan-algorithm').selectOption('sequential');
      await expect.poll(totals).toEqual([n['sequential-work'], n['sequential-depth']]);
      // Back to the chapter's algorithm, as the chapter set it (for the screenshot).
      await page.getByTestId('scan-algorithm').selectOption('blelloch');
      await expect.poll(totals).toEqual([n['blelloch-work'], n['blelloch-depth']]);
      const counter = page.getByTestId('step-counter');
      for (let k = 0; k < 8 && !(await counter.textContent())!.includes('8 / 8'); k++) await page.getByTestId('player-step').click();
      await expect(counter).toContainText('8 / 8');
    },
  },
  {
    id: 'ssm', view: 'ssm', highlight: 'panel-discretization',
    check: async (page, numbers) => {
      type Disc = { delta: number; euler_threshold: number; methods: { name: string; gain: number }[] };
      await expect.poll(async () => (await json<Disc>(page, 'chart-discretization', 'data-chart')).delta).toBeCloseTo(0.8, 9);
      const d = await json<Disc>(page, 'chart-discretization', 'data-chart');
      const n = await numbers();
      // The default system's decays are −0.5 and −3: the largest |Ā| is ZOH e^{−0.5Δ}, Euler
      // max(|1 − 3Δ|, |1 − 0.5Δ|); Euler is stable for Δ < 2/3.
      expect(n['zoh-gain']).toBeCloseTo(Math.exp(-0.5 * 0.8), 9);
      expect(n['euler-gain']).toBeCloseTo(Math.max(Math.abs(1 - 3 * 0.8), Math.abs(1 - 0.5 * 0.8)), 9);
      expect(n['euler-threshold']).toBeCloseTo(2 / 3, 9);
      const gain = (name: string) => d.methods.find((m) => m.name === name)!.gain;
      expect(n['zoh-gain']).toBeCloseTo(gain('ZOH'), 9);
      expect(n['euler-gain']).toBeCloseTo(gain('Euler'), 9);
      expect(n['euler-threshold']).toBeCloseTo(d.euler_threshold, 9);
      expect(n['zoh-gain']).toBeLessThan(1);
      expect(n['euler-gain']).toBeGreaterThan(1);
    },
  },
  {
    id: 'selection', view: 'fading', highlight: 'selectivity-chart',
    check: async (page, numbers) => {
      // The demo's own Δ₀ slider (log scale: position log10 1 = 0) and strength, not S4D's knob.
      await expect(page.getByTestId('slider-demo-delta')).toHaveValue('0');
      await expect(page.getByTestId('slider-keep-strength')).toHaveValue('3');
      await expect(page.getByTestId('role-write')).toBeChecked();
      const delta = JSON.parse(await attr(page, 'delta-bars', 'data-delta')) as number[];
      // The demo's two curves (S4D first, then Mamba), read at the marked token's distance.
      await fadingReady(page);
      const i = Number(await attr(page, 'fading-chart', 'data-i'));
      await expect.poll(async () => Object.keys(await json<Record<string, number[]>>(page, 'selectivity-chart', 'data-curves')).length, { timeout: 20_000 }).toBe(2);
      await expect(page.getByTestId('tour-number')).toHaveCount(3);
      const n = await numbers();
      // Token 1 is marked: it gets the large Δ, every other token the small one.
      expect(delta[1]).toBeCloseTo(n.large, 5);
      delta.forEach((d, t) => { if (t !== 1) expect(d).toBeCloseTo(n.small, 7); });
      // The rule Δ₀·e^{±s} with the chapter's Δ₀ = 1 and s = 3.
      expect(n.large).toBeCloseTo(1 * Math.exp(3), 4);
      expect(n.small).toBeCloseTo(1 * Math.exp(-3), 6);
      const [s4d, mamba] = Object.values(await json<Record<string, number[]>>(page, 'selectivity-chart', 'data-curves'));
      const ratio = mamba[i - 1] / s4d[i - 1];
      expect(Math.abs(n.ratio / ratio - 1)).toBeLessThan(1e-3);
      expect(n.ratio).toBeGreaterThan(1); // the narration: the state holds the marked token
    },
  },
  {
    id: 'learn', view: 'learn', highlight: 'details.learn-example-box',
    check: async (page, numbers) => {
      await expect(page.getByTestId('learn-task')).toHaveValue('selective-copy');
      const n = await numbers();
      const cells = await page.getByTestId('learn-example').locator('tr').first().locator('td').count();
      expect(n.length).toBe(cells);
      expect(n.chance).toBeCloseTo(100 / 8, 9);
      // 4 marked symbols among 16 noise tokens and a separator.
      expect(n.length).toBe(4 + 16 + 1);
      // "the six families are trained": every family is ticked.
      await expect(page.locator('[data-testid^="learn-family-"]:checked')).toHaveCount(6);
    },
  },
  {
    id: 'cost', view: 'cost', highlight: 'cost-theory-table',
    check: async (page, numbers) => {
      await expect(page.getByTestId('cost-metric')).toHaveValue('memory');
      const n = await numbers();
      const t = Number(await attr(page, 'theory-transformer-4096', 'data-value'));
      const m = Number(await attr(page, 'theory-mamba-4096', 'data-value'));
      expect(n.transformer).toBe(t);
      expect(n.mamba).toBe(m);
      expect(n.ratio).toBeCloseTo(t / m, 9);
      // The KV cache doubles with n, the state does not.
      expect(Number(await attr(page, 'theory-transformer-8192', 'data-value'))).toBe(2 * t);
      for (const f of ['rnn', 's4d', 'mamba']) {
        expect(Number(await attr(page, `theory-${f}-8192`, 'data-value'))).toBe(Number(await attr(page, `theory-${f}-4096`, 'data-value')));
      }
    },
  },
];

/** Where the highlighted element is: 'clear' when it is inside the window and not under the
 *  tour's panel (its bottom may leave the window only if it is taller than the window). */
async function clearOfPanel(page: Page): Promise<string> {
  const height = page.viewportSize()!.height;
  const box = await page.locator('[data-tour-highlight]').boundingBox();
  const panel = await page.getByTestId('tour').boundingBox();
  if (!box || !panel) return 'missing';
  const overlaps = box.x < panel.x + panel.width && panel.x < box.x + box.width
    && box.y < panel.y + panel.height && panel.y < box.y + box.height;
  if (overlaps) return 'under the panel';
  if (box.y < 0 || box.y > height) return `top at ${box.y}`;
  if (box.height <= height && box.y + box.height > height) return `bottom at ${box.y + box.height}`;
  return 'clear';
}

async function checkChapter(page: Page, index: number, lang: string) {
  const c = CHAPTERS[index];
  await expect(page.getByTestId('tour-progress')).toHaveText(`${index + 1} / ${CHAPTERS.length}`);
  await expect(page.getByTestId('tour-chapter')).toHaveAttribute('data-chapter', c.id);
  await expect(page.getByTestId(`view-${c.view}`)).toBeVisible();
  await expect(page.getByTestId(`nav-${c.view}`)).toHaveAttribute('aria-pressed', 'true');
  // The one element the chapter points at (a test id, or a CSS selector where there is none).
  const target = /^[a-z-]+$/.test(c.highlight) ? `[data-testid="${c.highlight}"]` : c.highlight;
  await expect(page.locator('[data-tour-highlight]')).toHaveCount(1);
  await expect(page.locator(target)).toHaveAttribute('data-tour-highlight', '');
  await c.check(page, () => numbers(page));
  await expect(page.getByTestId('tour-number').first()).toBeVisible();
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
        // The tour has scrolled the highlighted element into the part the panel leaves free —
        // checked before the chapter's check plays with the view (after the reader's own
        // changes the tour no longer scrolls).
        await expect.poll(() => clearOfPanel(page), { timeout: 20_000 }).toBe('clear');
        await checkChapter(page, i, lang);
        await settledUrl(page, { tour: String(i + 1), view: CHAPTERS[i].view });
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

test('the chapter list jumps; a link copied mid-tour reopens what was on screen; a declined offer is not made again', async ({ app, page }) => {
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
  // Declined once, the offer is not made again on this device (a reload, a new visit).
  await app.open();
  await page.getByTestId('tour-offer-dismiss').click();
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await app.open();
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  // A link with other parameters does not offer the tour; a bad chapter number is reported.
  await app.open('?view=scan');
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await app.open('?tour=99');
  await expect(page.getByTestId('tour-progress')).toHaveText(`${CHAPTERS.length} / ${CHAPTERS.length}`);
});

test('the notice follows the figure, and the "try this" suggestions do what they say', async ({ app, page }) => {
  test.setTimeout(120_000);
  // 1 CNN: 6 layers of kernel 3 see 6·2 + 1 = 13 tokens (the sentence has more).
  await app.open('?tour=1');
  await checkChapter(page, 0, 'en');
  await setSlider(page, 'slider-layers', 6);
  await expect.poll(async () => (await numbers(page)).window).toBe(13);
  await expect.poll(async () => { const { values } = await heat(page); return values[values.length - 1].filter((v) => v > 0).length; }).toBe(13);
  // 4 RNN: past ρ = 1 the far tokens reach the output far more strongly (here: more than 10×
  // the share of the maximum they had at ρ = 0.9), yet tanh keeps the curve from blowing up
  // (the farthest token stays below the maximum over k ≥ 1).
  await app.open('?tour=4');
  await checkChapter(page, 3, 'en');
  const farShare = async () => {
    const rnn = (await json<Record<string, number[]>>(page, 'fading-chart', 'data-curves')).rnn;
    return rnn[rnn.length - 1] / Math.max(...rnn.slice(1));
  };
  const before = await farShare();
  await setSlider(page, 'slider-radius', 1.5);
  await fadingReady(page);
  await expect.poll(farShare, { timeout: 20_000 }).toBeGreaterThan(10 * before);
  expect(await farShare()).toBeLessThan(1);
  // 5 Linear RNN: at r = 0.99 the influence halves every ln ½ / ln 0.99 ≈ 69 tokens.
  await app.open('?tour=5');
  await checkChapter(page, 4, 'en');
  await setSlider(page, 'slider-r', 0.99);
  await expect.poll(async () => (await numbers(page)).half).toBeCloseTo(Math.log(0.5) / Math.log(0.99), 6);
  expect(Math.round(Math.log(0.5) / Math.log(0.99))).toBe(69);
  // …and with θ ≠ 0 the closed form oscillates: somewhere it rises again.
  await setSlider(page, 'slider-theta', 1);
  await fadingReady(page);
  await expect.poll(async () => {
    const lin = (await json<Record<string, number[]>>(page, 'fading-chart', 'data-closed'))['linear-rnn'];
    return lin.some((v, k) => k > 0 && k + 1 < lin.length && lin[k + 1] > lin[k]);
  }, { timeout: 20_000 }).toBe(true);
  // 7 SSM: below Euler's limit (2/3) Euler settles: its gain in the figure drops below 1.
  await app.open('?tour=7');
  await checkChapter(page, 6, 'en');
  await setSlider(page, 'slider-delta', Math.log10(0.5));
  type Disc = { delta: number; methods: { name: string; gain: number }[] };
  await expect.poll(async () => (await json<Disc>(page, 'chart-discretization', 'data-chart')).methods.find((m) => m.name === 'Euler')!.gain).toBeLessThan(1);
  // The slider snaps to its log step: Δ is read back from the figure, the gain computed here.
  const d = (await json<Disc>(page, 'chart-discretization', 'data-chart')).delta;
  expect(d).toBeCloseTo(0.5, 2);
  await expect.poll(async () => (await numbers(page))['euler-gain']).toBeCloseTo(Math.max(Math.abs(1 - 3 * d), Math.abs(1 - 0.5 * d)), 9);
  // 8 Selection: a different Δ₀ on the demo's own slider changes the demo and the notice.
  await app.open('?tour=8');
  await checkChapter(page, 7, 'en');
  await setSlider(page, 'slider-demo-delta', Math.log10(0.05));
  // The slider snaps to its log step: Δ₀ is read back from the slider's position.
  const delta0 = 10 ** Number(await page.getByTestId('slider-demo-delta').inputValue());
  expect(delta0).toBeCloseTo(0.05, 2);
  await expect.poll(async () => (await numbers(page)).large, { timeout: 20_000 }).toBeCloseTo(delta0 * Math.exp(3), 4);
  const delta = JSON.parse(await attr(page, 'delta-bars', 'data-delta')) as number[];
  expect(delta[1]).toBeCloseTo(delta0 * Math.exp(3), 4);
});

// The panel never hides what the chapter points at: at a projector's 1280 × 720 and at
// 1280 × 900, the highlighted element ends up inside the window and clear of the panel.
for (const [width, height] of [[1280, 720], [1280, 900]]) {
  test(`at ${width}×${height} the highlighted element is on screen and clear of the panel`, async ({ app, page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height });
    for (let i = 0; i < CHAPTERS.length; i++) {
      await app.open(`?tour=${i + 1}`);
      await expect.poll(() => clearOfPanel(page), { message: `chapter ${i + 1}`, timeout: 20_000 }).toBe('clear');
      await checkChapter(page, i, 'en');
      await page.screenshot({ path: `screenshots/tour-${width}x${height}-${i + 1}-${CHAPTERS[i].id}.png` });
    }
    // The first-visit offer is one line in the page's flow, above the view.
    await app.open();
    const offer = await page.getByTestId('tour-offer').boundingBox();
    const main = await page.getByTestId('view-main').boundingBox();
    expect(offer!.y + offer!.height).toBeLessThanOrEqual(main!.y);
    expect(offer!.height).toBeLessThan(2.5 * 16 * 1.45);
  });
}
