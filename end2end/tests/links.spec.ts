import { test, expect, settledUrl, trainDelayedCopy } from './fixtures';
import type { Page } from '@playwright/test';

// Links reproduce exactly (issue #18, the shell's part): the language is in the link, the theme
// is remembered on this device, bad seeds are refused with a message, the address follows a
// playing animation; and the keyboard path of the shell (issue #22): a skip link to the view,
// focusable tokens.

/** The player's step counter as a number (`step 7 / 18` → 7). */
async function shownStep(page: Page): Promise<number> {
  const text = (await page.getByTestId('step-counter').first().textContent()) ?? '';
  return Number(/(\d+)\s*\/\s*\d+/.exec(text)?.[1] ?? NaN);
}

test('lang=es in a link opens in Spanish, and switching language rewrites the link', async ({ app, page }) => {
  await app.open('?lang=es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByTestId('nav-fading')).toHaveText('Desvanecimiento');
  // The example sentence follows the link's language too (the browser here is English).
  await expect(page.getByTestId('token-row').locator('li').first()).toHaveText('el');
  await settledUrl(page, { lang: 'es' });
  await app.screenshot('links-lang-es');
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const english = await settledUrl(page, { lang: 'en' });
  // …and that link opens in English.
  await page.goto(english);
  await expect(page.getByTestId('nav-fading')).toHaveText('Fading');
  // A notice about the link is worded in the link's language, and a bad language is refused.
  await app.open('?lang=es&flow.step=x');
  await expect(page.getByTestId('url-notice')).toContainText('Parámetro del enlace «flow.step»');
  await app.open('?lang=fr');
  await expect(page.getByTestId('url-notice')).toContainText('“fr” is not a language of seqmix (en or es)');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the theme is remembered on this device and applied on reload', async ({ app, page }) => {
  await app.open();
  await expect(page.getByTestId('theme-toggle')).toHaveValue('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-toggle').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached({ timeout: 15_000 });
  await expect(page.getByTestId('theme-toggle')).toHaveValue('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.screenshot('links-theme-dark-after-reload');
  // The theme is not part of the link (it belongs to the device, not to what is shown).
  expect(new URL(page.url()).searchParams.has('theme')).toBe(false);
  await page.getByTestId('theme-toggle').selectOption('light');
  await page.reload();
  await expect(page.getByTestId('theme-toggle')).toHaveValue('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('bad seeds get a clear message, are not applied, and the link keeps the applied seed', async ({ app, page }) => {
  await app.open();
  const seed = page.getByTestId('seed-input');
  const notice = page.getByTestId('seed-notice');
  await seed.fill('7');
  await seed.press('Enter');
  await settledUrl(page, { seed: '7' });
  for (const bad of ['-5', '99999999999999999999999', '9007199254740992']) {
    await seed.fill(bad);
    await seed.press('Enter');
    await expect(notice).toHaveText(
      `“${bad}” is not a seed: use a whole number from 0 to 9007199254740991. The seed stays 7.`,
    );
    await expect(seed).toHaveAttribute('aria-invalid', 'true');
    // Not applied: the link still carries the applied seed, well after a write would have run.
    await page.waitForTimeout(400);
    expect(new URL(page.url()).searchParams.get('seed')).toBe('7');
  }
  await app.screenshot('links-bad-seed');
  // A good seed clears the message and is applied.
  await seed.fill('8');
  await seed.press('Enter');
  await expect(notice).toHaveText('');
  await expect(seed).toHaveAttribute('aria-invalid', 'false');
  await settledUrl(page, { seed: '8' });
  // In a link: refused (not clamped), said so, and the default seed is used and written.
  await app.open('?seed=99999999999999999999999');
  await expect(page.getByTestId('url-notice')).toContainText(
    'Link parameter “seed”: “99999999999999999999999” is not a seed: a seed is a whole number from 0 to 9007199254740991; ignored.',
  );
  await expect(seed).toHaveValue('42');
  await settledUrl(page, { seed: '42' });
  await app.open('?seed=9007199254740992');
  await expect(page.getByTestId('url-notice')).toContainText('ignored');
  await expect(seed).toHaveValue('42');
});

test('a link copied while the Flow player plays reproduces the frame', async ({ app, page, browser }) => {
  // An RNN steps once per token: 18 steps on the example sentence.
  await app.open('?view=flow&flow.model=rnn');
  await page.getByTestId('slider-speed').evaluate((el) => {
    (el as HTMLInputElement).value = '6';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.getByTestId('player-play').click();
  // The address follows the player while it plays: several distinct steps appear in it.
  const seen = new Set<string>();
  const copies: { url: string; shown: number }[] = [];
  for (let k = 0; k < 12; k++) {
    await page.waitForTimeout(150);
    const url = page.url();
    const step = new URL(url).searchParams.get('flow.step');
    if (step) seen.add(step);
    copies.push({ url, shown: await shownStep(page) });
  }
  expect(seen.size, `steps seen in the address while playing: ${[...seen]}`).toBeGreaterThanOrEqual(4);
  // A copy lags the screen by at most the write period (¼ s = 1.5 steps at 6 steps/s).
  const copy = copies[5];
  const linked = Number(new URL(copy.url).searchParams.get('flow.step'));
  expect(Math.abs(copy.shown - linked)).toBeLessThanOrEqual(2);
  // Opened elsewhere, the copied link shows that frame: the same step and the same diagram.
  await page.getByTestId('player-play').click(); // pause
  const other = await browser.newPage();
  await other.goto(copy.url);
  await expect(other.getByTestId('app-ready')).toBeAttached({ timeout: 15_000 });
  await expect.poll(() => shownStep(other)).toBe(linked);
  await expect(other.locator('.flow-step-label').first()).toHaveText(linked === 0 ? 'step 0: only the tokens' : `token ${linked}`);
  // The same frame here, stepped to by hand, draws the same diagram.
  await page.goto(copy.url);
  await expect(page.getByTestId('app-ready')).toBeAttached({ timeout: 15_000 });
  const diagram = (p: Page) => p.getByTestId('flow-diagram').evaluate((svg) => svg.innerHTML);
  await expect.poll(async () => (await diagram(other)) === (await diagram(page))).toBe(true);
  await other.screenshot({ path: 'screenshots/links-copied-mid-play.png', fullPage: true });
  await other.close();
  // After the player stops, the address holds the last step.
  await page.getByTestId('player-play').click();
  await expect.poll(() => page.getByTestId('player-play').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');
  const last = await shownStep(page);
  await settledUrl(page, { 'flow.step': String(last) });
});

test('the skip link is the first Tab stop and moves the focus to the view', async ({ app, page }) => {
  await app.open();
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-link');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await app.screenshot('links-skip-link-focused');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('view-main')).toBeFocused();
  // The next Tab stop is inside the view's area, not in the header.
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => document.querySelector('main')!.contains(document.activeElement));
  expect(inMain).toBe(true);
});

test('tokens are focusable: arrow keys move, Enter selects the view’s token', async ({ app, page }) => {
  await app.open('?view=flow');
  const row = page.getByTestId('token-row');
  const tokens = row.locator('li');
  // One Tab stop for the whole row, on the selected token.
  await expect(row.locator('li[tabindex="0"]')).toHaveCount(1);
  await tokens.nth(0).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(tokens.nth(3)).toBeFocused();
  // Arrow keys belong to the row here: the player did not step.
  expect(await shownStep(page)).toBe(0);
  await page.keyboard.press('Enter');
  await expect(tokens.nth(3)).toHaveClass(/selected/);
  await expect(tokens.nth(3)).toHaveAttribute('aria-current', 'true');
  // The selection is Flow's own selected token: its link key follows.
  await settledUrl(page, { 'flow.token': '3' });
  await page.keyboard.press('End');
  await expect(tokens.last()).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await settledUrl(page, { 'flow.token': '0' });
  await page.keyboard.press('ArrowRight');
  await app.screenshot('links-token-focus');
});

// A trained model's link that opens the Fading view (issue #18): the page retrains the model the
// link names, with progress, then shows it in Fading — the same curves, to the last digit, as
// the run the link was copied from (training is deterministic under the link's seed).
test('a trained-model link opening Fading retrains with progress and shows the same curves', async ({ app, page, browser }) => {
  test.setTimeout(300_000);
  await app.open();
  await app.show('learn');
  await trainDelayedCopy(page, ['s4d']);
  await page.getByTestId('learn-open-fading-s4d').click();
  const chart = page.getByTestId('fading-trained-chart');
  await expect(chart).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  const original = {
    trained: await chart.getAttribute('data-trained'),
    initial: await chart.getAttribute('data-initial'),
  };
  const link = await settledUrl(page, { view: 'fading', trained: 's4d.delayed-copy.4.42.100of100' });

  const other = await browser.newPage();
  const problems: string[] = [];
  other.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text()); });
  other.on('pageerror', (err) => problems.push(err.message));
  await other.goto(link);
  await expect(other.getByTestId('view-fading')).toBeVisible();
  await expect(other.getByTestId('fading-trained-retraining')).toContainText('Retraining S4D', { timeout: 15_000 });
  await other.getByTestId('fading-trained').screenshot({ path: 'screenshots/links-fading-retraining.png' });
  await expect(other.getByTestId('fading-trained-banner')).toContainText('S4D trained 100 steps', { timeout: 150_000 });
  const again = other.getByTestId('fading-trained-chart');
  await expect(again).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  expect(await again.getAttribute('data-trained')).toBe(original.trained);
  expect(await again.getAttribute('data-initial')).toBe(original.initial);
  await expect(other.getByTestId('fading-trained-retraining')).toHaveCount(0);
  await other.getByTestId('fading-trained').screenshot({ path: 'screenshots/links-fading-retrained.png' });
  // The link still names the model (the key stays while it is open).
  await expect.poll(() => new URL(other.url()).searchParams.get('trained')).toBe('s4d.delayed-copy.4.42.100of100');
  expect(problems).toEqual([]);
  await other.close();
});
