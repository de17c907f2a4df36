import { test, expect } from './fixtures';

const views = ['flow', 'fading', 'scan', 'cost', 'ssm'];

test('every view opens from the navigation, with a clean console and no foreign request', async ({ app }) => {
  await app.open();
  for (const view of views) {
    await app.show(view);
    for (const other of views.filter((v) => v !== view)) {
      await expect(app.view(other)).toHaveCount(0);
    }
    await app.screenshot(`view-${view}`);
  }
});

test('the shared sentence drives the tokens, with notices for empty and long text', async ({ app, page }) => {
  await app.open();
  const input = page.getByTestId('text-input');
  await input.fill('Hello, world!');
  // Expected tokens worked out by hand: words and punctuation, lower-cased.
  await expect(page.getByTestId('token-row').locator('li')).toHaveText(['hello', ',', 'world', '!']);
  await input.fill('   ');
  await expect(page.getByTestId('text-notice')).toContainText('No words yet');
  await input.fill('word '.repeat(100));
  await expect(page.getByTestId('text-notice')).toContainText('first 64 of 100');
  await expect(page.getByTestId('token-row').locator('li')).toHaveCount(64);
});

test('the same word gets the same embedding, and the seed changes it', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('cat dog cat');
  const heat = page.getByTestId('embedding-heatmap');
  const rows = async () => JSON.parse((await heat.getAttribute('data-values'))!) as number[][];
  const first = await rows();
  expect(first).toHaveLength(3);
  expect(first[0]).toEqual(first[2]);
  expect(first[0]).not.toEqual(first[1]);
  await page.getByTestId('seed-input').fill('7');
  await page.getByTestId('seed-input').press('Enter');
  await expect.poll(async () => JSON.stringify((await rows())[0])).not.toEqual(JSON.stringify(first[0]));
});

test('a Content-Security-Policy is in force and the page breaks none of it', async ({ app, page, watch }) => {
  await page.addInitScript(() => {
    (window as any).__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await app.open();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')*;/);
  for (const view of views) await app.show(view);
  expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  // An inline script injected now must be refused by the policy (Chromium logs the refusal).
  watch.allow.push(/Executing inline script violates the following Content Security Policy/);
  const ran = await page.evaluate(() => {
    (window as any).__injected = false;
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    return (window as any).__injected;
  });
  expect(ran).toBe(false);
});
