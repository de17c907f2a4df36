import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Flow's state lives above the view (issue #18): a tab switch keeps every control, the player
// step, the selected token and the computed heat map; a link reproduces the frame exactly.

const otherViews = ['fading', 'scan', 'cost', 'ssm', 'learn'];
const families = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];

async function heat(page: Page, id = 'influence-heatmap'): Promise<string> {
  await expect(page.getByTestId(id.replace('influence-heatmap', 'influence-progress'))).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  return (await page.getByTestId(id).getAttribute('data-values'))!;
}

async function controls(page: Page) {
  return {
    model: await page.getByTestId('model-select').inputValue(),
    modelB: await page.getByTestId('model-select-b').inputValue(),
    mode: await page.getByTestId('mode-select').inputValue(),
    scale: await page.getByTestId('heat-scale').inputValue(),
    kind: await page.getByTestId('influence-kind').inputValue(),
    delta: await page.getByTestId('slider-delta-bias').inputValue(),
    compare: await page.getByTestId('toggle-compare').isChecked(),
    step: await page.getByTestId('step-counter').textContent(),
    token: await page.locator('[data-testid=flow-diagram] text.flow-token.selected').getAttribute('data-pos'),
    column: await page.getByTestId('influence-heatmap-selected').getAttribute('data-col'),
  };
}

test('every Flow control, the step, the token and the heat map survive a visit to every other view', async ({ app, page }) => {
  await app.open('?view=flow');
  await page.getByTestId('model-select').selectOption('mamba');
  await page.getByTestId('mode-select').selectOption('scan');
  await page.getByTestId('influence-kind').selectOption('hidden');
  await page.getByTestId('heat-scale').selectOption('log');
  await page.getByTestId('slider-delta-bias').fill('2');
  await page.getByTestId('toggle-compare').check();
  await page.getByTestId('model-select-b').selectOption('rnn');
  await page.getByTestId('flow-diagram').locator('circle[data-row="0"][data-pos="3"]').click();
  for (let k = 0; k < 2; k++) await page.getByTestId('player-step').click();
  const before = await controls(page);
  const heatBefore = await heat(page);
  const heatBeforeB = await heat(page, 'influence-heatmap-b');
  expect(before.token).toBe('3');
  expect(before.step).toContain('step 2 /');
  for (const view of otherViews) {
    await app.show(view);
    await app.show('flow');
    expect(await controls(page), `after ${view}`).toEqual(before);
    // The matrix is still there: no new job wipes it (it would restart from zeros).
    expect(await page.getByTestId('influence-heatmap').getAttribute('data-values')).toEqual(heatBefore);
    expect(await heat(page, 'influence-heatmap-b')).toEqual(heatBeforeB);
  }
  await app.screenshot('flow-state-after-visits');
});

for (const family of families) {
  test(`a link to ${family} at step 9 (beyond the CNN's 3) opens at step 9`, async ({ app, page }) => {
    const text = encodeURIComponent('a b c d e f g h i j k l');
    await app.open(`?view=flow&flow.model=${family}&flow.step=9&text=${text}`);
    await expect(page.getByTestId('model-select')).toHaveValue(family);
    // Layered families have fewer steps than 9 at their defaults: those clamp to their last
    // step, after the model is applied (never to the CNN's 3 before it).
    const counter = page.getByTestId('step-counter');
    const total = Number((await counter.textContent())!.split('/')[1]);
    expect(total).toBeGreaterThan(0);
    await expect(counter).toContainText(`step ${Math.min(9, total)} / ${total}`);
  });
}

test('a transformer with 2 heads offers heads 1 and 2 only', async ({ app, page }) => {
  await app.open('?view=flow&flow.model=transformer&flow.transformer.heads=2&flow.head=3');
  const options = await page.getByTestId('head-select').locator('option').allTextContents();
  expect(options).toEqual(['mean of heads', 'head 1', 'head 2']);
  await expect(page.getByTestId('head-select')).toHaveValue('mean');
});

test('heat map: token labels on rows and columns, keyboard moves a cursor and Enter selects', async ({ app, page }) => {
  await app.open('?view=flow');
  await page.getByTestId('text-input').fill('one two three four five six');
  await heat(page);
  await expect(page.locator('[data-testid=influence-heatmap] .heat-row-label')).toHaveText(['one', 'two', 'three', 'four', 'five', 'six']);
  await expect(page.locator('[data-testid=influence-heatmap] .heat-col-label')).toHaveText(['one', 'two', 'three', 'four', 'five', 'six']);
  await page.getByTestId('influence-heatmap-cells').focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowDown']) await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('influence-heatmap-selected')).toHaveAttribute('data-col', '2');
  await expect(page.locator('[data-testid=flow-diagram] text.flow-token.selected')).toHaveAttribute('data-pos', '2');
  // The arrows moved the cursor, not the player.
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');
  await app.screenshot('flow-heat-keyboard');
  // The diagram: focus, → twice, Enter selects token 4.
  await page.getByTestId('flow-diagram').focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'Enter']) await page.keyboard.press(key);
  await expect(page.getByTestId('influence-heatmap-selected')).toHaveAttribute('data-col', '4');
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');
  await app.screenshot('flow-diagram-keyboard');
});

test('empty text: a clear message, no orphan figure', async ({ app, page }) => {
  await app.open('?view=flow');
  await page.getByTestId('text-input').fill('');
  await expect(page.getByTestId('flow-empty')).toBeVisible();
  await expect(page.getByTestId('influence-heatmap')).toHaveCount(0);
  await expect(page.getByTestId('flow-diagram')).toHaveCount(0);
});

for (const words of [2, 16, 64]) {
  test(`readable at ${words} tokens`, async ({ app, page }) => {
    await app.open('?view=flow&flow.model=mamba');
    await page.getByTestId('text-input').fill(Array.from({ length: words }, (_, k) => `w${k}`).join(' '));
    const m = JSON.parse(await heat(page));
    expect(m.length).toBe(words);
    // Heat-map cells at least 10 px; the diagram keeps its scale (it scrolls, never shrinks).
    const box = (await page.getByTestId('influence-heatmap-cells').boundingBox())!;
    expect(box.width / words).toBeGreaterThanOrEqual(9.9);
    const svg = (await page.getByTestId('flow-diagram').boundingBox())!;
    expect(svg.width / words).toBeGreaterThanOrEqual(30);
    for (let k = 0; k < 3; k++) await page.getByTestId('player-step').click();
    await app.screenshot(`flow-${words}-tokens`);
  });
}

test('hidden attention preset: α without D, captioned, full influence beside it in the menu', async ({ app, page }) => {
  await app.open('?view=flow&flow.model=mamba&flow.influence=hidden');
  await heat(page);
  await expect(page.getByTestId('influence-heatmap')).toContainText('without the D·u skip');
  await expect(page.getByTestId('influence-heatmap-legend')).toContainText('off-diagonal');
  await expect(page.getByTestId('influence-kind').locator('option')).toHaveCount(2);
  await app.screenshot('flow-hidden-attention');
});
