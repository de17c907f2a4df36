import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Issue #18 for Fading: the view's state lives above the view. Change several controls, visit
// every other view, come back: every control and every computed curve is as left, and no
// influence job was started again (the inputs did not change).

async function setSlider(page: Page, param: string, value: number) {
  await page.getByTestId(`slider-${param}`).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

// Everything a reader can see of the view's state: controls and the figures' data.
async function snapshot(page: Page) {
  const view = page.getByTestId('view-fading');
  const controls = await view.evaluate((root) =>
    Array.from(root.querySelectorAll('input')).map((el) => {
      const input = el as HTMLInputElement;
      const id = input.dataset.testid ?? input.name;
      return `${id}=${input.type === 'checkbox' || input.type === 'radio' ? input.checked : input.value}`;
    }),
  );
  const attr = (id: string, name: string) => page.getByTestId(id).getAttribute(name);
  return {
    controls,
    pressed: await view.locator('[data-testid^="keep-token-"][aria-pressed="true"]').count(),
    i: await attr('fading-chart', 'data-i'),
    from: await attr('fading-chart', 'data-from'),
    curves: await attr('fading-chart', 'data-curves'),
    closed: await attr('fading-chart', 'data-closed'),
    state: await attr('fading-chart', 'data-state-curve'),
    drawn: await attr('fading-canvas', 'data-drawn'),
    delta: await attr('delta-bars', 'data-delta'),
    demo: await attr('selectivity-chart', 'data-curves'),
    vanish: await attr('vanishing-chart', 'data-curves'),
    memory: await page.getByTestId('memory-table').innerText(),
    rnnHint: await page.getByTestId('rnn-hint').innerText(),
  };
}

const idle = async (page: Page) => {
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-computing', '0');
  await expect(page.getByTestId('fading-chart')).not.toHaveAttribute('data-curves', '{}');
};

test('Fading keeps every control and curve across a visit to every other view', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  await idle(page);
  // Several controls of every kind: model knobs, toggles, families, output, marks, demo.
  await setSlider(page, 'r', 0.7);
  await setSlider(page, 'theta', 0.3);
  await setSlider(page, 'radius', 1.3);
  await setSlider(page, 'layers', 2);
  await setSlider(page, 'kernel', 4);
  await setSlider(page, 'selectivity', 3);
  await page.getByTestId('toggle-dilation').check();
  await page.getByTestId('toggle-transformer').uncheck();
  await page.getByTestId('toggle-closed').uncheck();
  await page.getByTestId('toggle-own').check();
  await setSlider(page, 'output', 12);
  await page.getByTestId('keep-token-5').click();
  await page.getByTestId('role-hold').check();
  await setSlider(page, 'keep-strength', 2);
  await setSlider(page, 'demo-delta', -0.5);
  await idle(page);
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-i', '12');
  await expect(page.getByTestId('memory-row-transformer')).toHaveCount(0);
  // Let the demo's matrices finish too (they change the demo's data attribute).
  await expect.poll(async () => (await snapshot(page)).demo).toContain('Mamba with the Δ rule');
  await page.waitForTimeout(500);
  const before = await snapshot(page);
  const jobs = await page.getByTestId('view-fading').getAttribute('data-jobs');
  expect(Number(jobs)).toBeGreaterThan(0);

  for (const other of ['flow', 'scan', 'cost', 'ssm', 'learn']) {
    await app.show(other);
  }
  await app.show('fading');
  // Same controls and same figures at once, and no job started again.
  await expect(page.getByTestId('view-fading')).toHaveAttribute('data-jobs', jobs!);
  expect(await snapshot(page)).toEqual(before);
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-computing', '0');
  await page.waitForTimeout(300);
  await expect(page.getByTestId('view-fading')).toHaveAttribute('data-jobs', jobs!);
  expect(await snapshot(page)).toEqual(before);
});

test('screenshots of each Fading section (light theme, default sentence)', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  await idle(page);
  await page.waitForTimeout(500);
  await page.getByTestId('fading-chart').screenshot({ path: 'screenshots/fading-main-chart.png' });
  await page.getByTestId('memory-table').screenshot({ path: 'screenshots/fading-memory-table.png' });
  await page.locator('.fading-sliders').screenshot({ path: 'screenshots/fading-sliders.png' });
  await page.getByTestId('selectivity-demo').screenshot({ path: 'screenshots/fading-selectivity-demo.png' });
  await page.getByTestId('vanishing-demo').screenshot({ path: 'screenshots/fading-vanishing-demo.png' });
  // A short sentence: whole-number ticks, no repeated labels.
  await page.getByTestId('text-input').fill('one two three four');
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-i', '3');
  await idle(page);
  await page.waitForTimeout(300);
  await page.getByTestId('fading-chart').screenshot({ path: 'screenshots/fading-short-sentence.png' });
  // Every family unticked: the memory table lists none.
  for (const id of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    await page.getByTestId(`toggle-${id}`).uncheck();
  }
  await expect(page.getByTestId('memory-table').locator('tbody tr')).toHaveCount(0);
});
