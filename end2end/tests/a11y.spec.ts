import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { createRequire } from 'node:module';

// Keyboard and screen-reader checks: Tab reaches every slider, focus is visible, `?` lists the
// shortcuts, and axe-core finds no serious or critical violation on any view.

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function viewIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)));
}

/** Test ids of the visible range inputs, in page order. */
async function visibleSliders(page: Page): Promise<string[]> {
  return page.locator('input[type=range]').evaluateAll((els) =>
    els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-testid') ?? '(no test id)'),
  );
}

test('Tab reaches every slider of every view, with a visible focus ring', async ({ app, page }) => {
  await app.open();
  for (const view of await viewIds(page)) {
    await app.show(view);
    if (view === 'flow') await page.getByTestId('toggle-compare').check();
    const sliders = await visibleSliders(page);
    expect(sliders.length, view).toBeGreaterThan(0);
    await page.getByTestId(`nav-${view}`).focus();
    const reached = new Set<string>();
    let ring = '';
    // Walk the whole tab order once (bounded: the page has fewer than 400 stops).
    for (let k = 0; k < 400; k++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        return { id: el.getAttribute('data-testid') ?? '', type: (el as HTMLInputElement).type, outline: `${style.outlineStyle} ${style.outlineWidth}` };
      });
      if (!focused) break;
      if (focused.type === 'range') {
        reached.add(focused.id);
        ring = focused.outline;
      }
      if (focused.id === 'shortcuts-button') break; // the last control of the page
    }
    expect([...reached].sort(), view).toEqual([...new Set(sliders)].sort());
    expect(ring, `${view}: focus ring`).toMatch(/^solid [3-9]/);
  }
});

test('sliders have labels and aria-valuetext with their unit', async ({ app, page }) => {
  await app.open();
  for (const view of await viewIds(page)) {
    await app.show(view);
    const missing = await page.locator('input[type=range]').evaluateAll((els) =>
      els
        .filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label'))
        .map((e) => e.getAttribute('data-testid')),
    );
    expect(missing, view).toEqual([]);
  }
  await app.show('scan');
  await expect(page.getByTestId('slider-block').or(page.getByTestId('slider-n')).first()).toHaveAttribute('aria-valuetext', /\d/);
  await app.show('flow');
  await page.getByTestId('model-select').selectOption('linear-rnn');
  await expect(page.getByTestId('slider-theta')).toHaveAttribute('aria-valuetext', /rad$/);
});

test('? opens the shortcut list, Escape closes it and gives the focus back', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('nav-flow').focus();
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts-help');
  await expect(help).toBeVisible();
  await expect(help).toHaveAttribute('role', 'dialog');
  for (const key of ['Space', '←', '→', '?', 'Escape']) await expect(help).toContainText(key);
  await expect(page.getByTestId('shortcuts-close')).toBeFocused();
  await app.screenshot('shortcuts-help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('nav-flow')).toBeFocused();
  // Typing "?" in the sentence is text, not a shortcut.
  await page.getByTestId('text-input').fill('why');
  await page.getByTestId('text-input').press('?');
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('text-input')).toHaveValue('why?');
});

test.describe('axe-core', () => {
  // axe is injected as an inline script, which the page's Content-Security-Policy (rightly)
  // forbids; the policy is bypassed for this scan only.
  test.use({ bypassCSP: true });
test('no serious or critical violation on any view', async ({ app, page }) => {
  await app.open();
  await page.addScriptTag({ path: axePath });
  const report: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
  await page.emulateMedia({ colorScheme });
  for (const view of await viewIds(page)) {
    await app.show(view);
    if (view === 'flow') await page.getByTestId('toggle-compare').check();
    await page.getByTestId('export-open').click();
    const violations = await page.evaluate(async () => {
      // @ts-expect-error injected by addScriptTag
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(' | ')}`);
    });
    report.push(...violations.map((v: string) => `${colorScheme} ${view}: ${v}`));
  }
  }
  expect(report).toEqual([]);
});
});
