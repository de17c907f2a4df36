import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Figures a teacher can put on a slide (issue #22): the first figure of every view is on screen
// at load on a projector and on a phone, a family has one colour in every view's legend, present
// mode steps through the figures by keyboard, and the page's icon and symbol font are served.

async function viewIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)));
}

/** The first visible figure of the view (a canvas or an SVG diagram, in page order) and the header's size. */
async function firstFigure(page: Page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('main canvas, main svg[role=img], main svg[data-testid]')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width >= 1 && r.height >= 1;
    });
    const first = shown[0];
    const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().height ?? 0;
    if (!first) return null;
    const r = first.getBoundingClientRect();
    return {
      name: first.getAttribute('data-testid') ?? first.closest('[data-testid]')?.getAttribute('data-testid') ?? first.tagName,
      top: Math.round(r.top + scrollY),
      height: Math.round(r.height),
      viewport: innerHeight,
      header: Math.round(box('.app-header')),
      sentence: Math.round(box('.sentence')),
      mainTop: Math.round(document.querySelector('main')!.getBoundingClientRect().top + scrollY),
    };
  });
}

for (const screen of [
  { name: 'projector', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`${screen.name} ${screen.width}×${screen.height}: the first figure of every view is on screen at load`, async ({ app, page }) => {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await app.open();
    const report: string[] = [];
    const misses: string[] = [];
    for (const view of await viewIds(page)) {
      await app.open(`?view=${view}`);
      await expect(app.view(view)).toBeVisible();
      await expect.poll(async () => (await firstFigure(page)) !== null, { message: `${view} has a figure` }).toBe(true);
      const f = (await firstFigure(page))!;
      // "Visible without scrolling": the figure starts on screen and at least its first
      // 120 px (or all of it, when smaller) are above the bottom edge.
      const seen = f.top + Math.min(f.height, 120) <= f.viewport;
      report.push(`${view}: ${f.name} top ${f.top} px of ${f.viewport} (header ${f.header}, sentence ${f.sentence}, main at ${f.mainTop})`);
      if (!seen) misses.push(`${view}: ${f.name} starts at ${f.top} px`);
      await page.screenshot({ path: `screenshots/fold-${screen.name}-${view}.png` });
    }
    console.log(report.join('\n'));
    expect(misses).toEqual([]);
  });
}

// Okabe & Ito (2008), written out here rather than read from src/ui/palette.rs.
const OKABE_ITO: Record<string, string> = {
  cnn: 'rgb(230, 159, 0)',
  transformer: 'rgb(86, 180, 233)',
  rnn: 'rgb(0, 158, 115)',
  'linear-rnn': 'rgb(0, 114, 178)',
  s4d: 'rgb(213, 94, 0)',
  mamba: 'rgb(204, 121, 167)',
};

/** Every family swatch of the view's legends: [family, computed colour]. */
async function swatches(page: Page): Promise<[string, string][]> {
  return page.evaluate(() => {
    const family = (text: string): string | null => {
      const t = text.trim().toLowerCase();
      if (/^(linear rnn|rnn lineal)/.test(t)) return 'linear-rnn';
      for (const f of ['cnn', 'transformer', 'rnn', 's4d', 'mamba']) if (t.startsWith(f)) return f;
      return null;
    };
    const out: [string, string][] = [];
    const els = document.querySelectorAll('main [data-family], main [class*="swatch"]');
    for (const el of els) {
      if ((el as HTMLElement).offsetParent === null) continue;
      const name = el.getAttribute('data-family') ?? family(el.closest('label, th, td, li')?.textContent ?? '');
      const colour = getComputedStyle(el).backgroundColor;
      if (name && colour && colour !== 'rgba(0, 0, 0, 0)') out.push([name, colour]);
    }
    return out;
  });
}

test('a family has the same colour in every view\'s legend (Okabe–Ito)', async ({ app, page }) => {
  await app.open();
  const seen: Record<string, Set<string>> = {};
  const where: Record<string, Set<string>> = {};
  for (const view of await viewIds(page)) {
    await app.show(view);
    for (const [family, colour] of await swatches(page)) {
      (seen[family] ??= new Set()).add(colour);
      (where[family] ??= new Set()).add(view);
    }
  }
  console.log(Object.entries(where).map(([f, v]) => `${f}: ${[...v].join(', ')}`).join('\n'));
  // Every family appears in at least two views' legends, always in its one colour.
  expect(Object.keys(seen).sort()).toEqual(Object.keys(OKABE_ITO).sort());
  for (const [family, colours] of Object.entries(seen)) {
    expect([...colours], family).toEqual([OKABE_ITO[family]]);
    expect(where[family].size, `${family} in several views`).toBeGreaterThan(1);
  }
});

test('present mode: one figure at a time, moved through by keyboard, the animation still steps', async ({ app, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.open('?view=ssm');
  await page.getByTestId('nav-ssm').focus();
  await page.keyboard.press('p');
  const bar = page.getByTestId('present-bar');
  await expect(bar).toBeVisible();
  const position = page.getByTestId('present-position');
  await expect(position).toHaveText(/^Figure 1 \/ \d+$/);
  const total = Number((await position.textContent())!.split('/')[1]);
  expect(total).toBeGreaterThan(2);
  const current = page.locator('.present-current');
  await expect(current).toHaveCount(1);
  const first = await current.evaluate((e) => e.outerHTML.slice(0, 200));
  // The figure fills the screen: enlarged, inside the viewport.
  const box = (await current.boundingBox())!;
  expect(box.width).toBeGreaterThan(640);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(720 + 1);
  await page.screenshot({ path: 'screenshots/present-ssm-1.png' });
  await page.keyboard.press('PageDown');
  await expect(position).toHaveText(`Figure 2 / ${total}`);
  expect(await current.evaluate((e) => e.outerHTML.slice(0, 200))).not.toBe(first);
  await page.keyboard.press('ArrowDown');
  await expect(position).toHaveText(`Figure 3 / ${total}`);
  await page.keyboard.press('PageUp');
  await expect(position).toHaveText(`Figure 2 / ${total}`);
  await page.keyboard.press('End');
  await expect(position).toHaveText(`Figure ${total} / ${total}`);
  await page.keyboard.press('PageDown');
  await expect(position).toHaveText(`Figure ${total} / ${total}`);
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
  await expect(page.locator('.present-current')).toHaveCount(0);
  await expect(page.locator('html.presenting')).toHaveCount(0);

  // Flow: → steps the animation while the diagram is presented.
  await app.open();
  await page.getByTestId('present-open').click();
  await expect(position).toHaveText(/^Figure 1 \/ \d+$/);
  const counter = page.getByTestId('step-counter').first();
  const before = await counter.textContent();
  await page.keyboard.press('ArrowRight');
  await expect(counter).not.toHaveText(before!);
  // The step redraws the diagram as a new element: the presented figure is still the diagram,
  // on screen, not a blank backdrop (the class left on the old, detached element).
  await expect(page.locator('.present-current')).toHaveCount(1);
  const shown = page.locator('.present-current [data-testid="flow-diagram"]');
  await expect(shown).toBeVisible();
  await expect(shown).toHaveAttribute('class', /flow-diagram/);
  const lit = (await page.locator('.present-current').boundingBox())!;
  expect(lit.width).toBeGreaterThan(640);
  expect(lit.y + lit.height).toBeLessThanOrEqual(720 + 1);
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.present-current [data-testid="flow-diagram"]')).toBeVisible();
  await page.screenshot({ path: 'screenshots/present-flow.png' });
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
});

/** The CSS animations seen on the page while `view`'s player plays for about 2 s (sampled every 100 ms). */
async function animationsWhilePlaying(page: Page, view: string): Promise<string[]> {
  const scope = page.getByTestId(`view-${view}`);
  await scope.getByTestId('player-reset').click();
  await scope.getByTestId('player-play').click();
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const names = await page.evaluate(() =>
      document.getAnimations().map((a) => (a as CSSAnimation).animationName ?? ''),
    );
    names.forEach((n) => seen.add(n));
    await page.waitForTimeout(100);
  }
  await scope.getByTestId('player-reset').click();
  return [...seen];
}

test('motion: playing draws the edges and moves the values; prefers-reduced-motion stops it', async ({ app, page }) => {
  await app.open('?view=flow&flow.model=rnn');
  expect(await animationsWhilePlaying(page, 'flow')).toEqual(expect.arrayContaining(['flow-edge-draw', 'flow-node-fill']));
  await app.show('scan');
  expect(await animationsWhilePlaying(page, 'scan')).toEqual(expect.arrayContaining(['scan-draw', 'scan-arrive']));

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await app.show('flow');
  expect(await animationsWhilePlaying(page, 'flow')).toEqual([]);
  await app.show('scan');
  expect(await animationsWhilePlaying(page, 'scan')).toEqual([]);
});

test('the page icon and the symbol font are served from the site, and ⏸ is not drawn as a box', async ({ app, page, request }) => {
  await app.open();
  const icon = await page.locator('link[rel=icon]').getAttribute('href');
  expect(icon).toMatch(/^assets\//);
  const served = await request.get(`/${icon}`);
  expect(served.status()).toBe(200);
  expect(await served.text()).toContain('<svg');
  const font = await request.get('/assets/fonts/seqmix-symbols.woff2');
  expect(font.status()).toBe(200);
  expect((await font.body()).subarray(0, 4).toString('latin1')).toBe('wOF2');
  // Under the page's CSP the font loads, and ⏸ is drawn with a real glyph: its width differs
  // from that of a private-use code point no font has (drawn as the missing-glyph box).
  const widths = await page.evaluate(async () => {
    await document.fonts.load('16px seqmix-symbols', '⏸▶←≈');
    const loaded = [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'seqmix-symbols').map((f) => f.status);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d')!;
    ctx.font = '32px seqmix-symbols, system-ui';
    const w = (s: string) => ctx.measureText(s).width;
    return { loaded, pause: w('⏸'), play: w('▶'), box: w('\uE000'), arrow: w('←') };
  });
  expect(widths.loaded).toContain('loaded');
  expect(widths.pause).not.toBe(widths.box);
  expect(widths.play).toBeGreaterThan(0);
  await page.getByTestId('text-input').fill('⏸ ▶ ◀ ← → ≈ ≤ ≥ ∂ ‖ ✓ ✗ ⌈ ⌉');
  await page.locator('.sentence').screenshot({ path: 'screenshots/symbols.png' });
});
