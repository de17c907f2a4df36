import { test, expect } from './fixtures';

// At a phone's width (390 × 844 CSS px) every view is usable: panels stack and nothing makes
// the page scroll sideways. Screenshots land in screenshots/phone-<view>.png to be looked at.

test.use({ viewport: { width: 390, height: 844 } });

test('every view fits 390 px without sideways scrolling', async ({ app, page }) => {
  await app.open();
  const views = await page.locator('[data-testid^="nav-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice(4)),
  );
  for (const view of views) {
    await app.show(view);
    // Open every collapsed section too: they must fit as well.
    await page.locator('main details:not([open]) > summary').evaluateAll((ss) => ss.forEach((s) => (s as HTMLElement).click()));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > 391 && getComputedStyle(e).position !== 'fixed')
        .filter((e) => ![...document.querySelectorAll('body *')].some((p) => p !== e && p.contains(e) && getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= 391))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.getAttribute('data-testid') ?? ''} right=${Math.round(e.getBoundingClientRect().right)}`),
    );
    expect(width, `${view}: wider than the screen: ${wide.join(' | ')}`).toBeLessThanOrEqual(390);
    await app.screenshot(`phone-${view}`);
  }
});

test('compare mode stacks the two Flow panes at 390 px', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('toggle-compare').check();
  const a = await page.getByTestId('pane').boundingBox();
  const b = await page.getByTestId('pane-b').boundingBox();
  expect(b!.y).toBeGreaterThanOrEqual(a!.y + a!.height - 1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await app.screenshot('phone-flow-compare');
});
