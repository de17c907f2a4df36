import { test, expect, SeqmixPage } from './fixtures';
import type { Page } from '@playwright/test';

// Expected values below come from the models' definitions, computed here — never read from
// another part of the page.

const families = ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba'];
// A slider each family has, and a value to move it to.
const sliderFor: Record<string, [string, string]> = {
  cnn: ['kernel', '5'],
  transformer: ['temperature', '0.5'],
  rnn: ['radius', '1.5'],
  'linear-rnn': ['r', '0.5'],
  s4d: ['delta', '0'], // log10 scale: Δ = 1
  mamba: ['delta-bias', '3'],
};

async function influence(page: Page, id = 'influence-heatmap'): Promise<number[][]> {
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  return JSON.parse((await page.getByTestId(id).getAttribute('data-values'))!);
}

async function chooseModel(app: SeqmixPage, family: string) {
  await app.page.getByTestId('model-select').selectOption(family);
}

async function setSlider(page: Page, param: string, value: string) {
  await page.getByTestId(`slider-${param}`).fill(value);
}

function ceilLog2(n: number) {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

test.beforeEach(async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('one two three four five six seven eight nine ten eleven');
});

for (const family of families) {
  test(`${family}: a slider changes the influence map, the player steps, nothing above the diagonal`, async ({ app, page }) => {
    await chooseModel(app, family);
    const before = await influence(page);
    const L = before.length;
    expect(L).toBe(11);
    // Causality: output i never depends on a later input j > i.
    for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) expect(before[i][j]).toBe(0);
    const [param, value] = sliderFor[family];
    await setSlider(page, param, value);
    await expect.poll(async () => JSON.stringify(await influence(page))).not.toEqual(JSON.stringify(before));

    const counter = page.getByTestId('step-counter');
    await expect(counter).toContainText('step 0 /');
    await page.getByTestId('player-step').click();
    await page.getByTestId('player-step').click();
    await expect(counter).toContainText('step 2 /');
    await page.getByTestId('player-back').click();
    await expect(counter).toContainText('step 1 /');
    await app.screenshot(`flow-${family}`);
  });
}

test('CNN with one layer and kernel 3 sees exactly the band j ∈ [i−2, i]', async ({ app, page }) => {
  await chooseModel(app, 'cnn');
  await setSlider(page, 'layers', '1');
  await setSlider(page, 'kernel', '3');
  const m = await influence(page);
  for (let i = 0; i < m.length; i++) {
    for (let j = 0; j < m.length; j++) {
      const inBand = j >= i - 2 && j <= i;
      if (inBand) expect(m[i][j], `I[${i}][${j}]`).toBeGreaterThan(0);
      else expect(m[i][j], `I[${i}][${j}]`).toBe(0);
    }
  }
  // One layer: one sequential step.
  await expect(page.getByTestId('step-counter')).toContainText('/ 1');
});

test('transformer: output i depends on every j ≤ i, in one step per layer', async ({ app, page }) => {
  await chooseModel(app, 'transformer');
  await setSlider(page, 'layers', '1');
  const m = await influence(page);
  for (let i = 0; i < m.length; i++) for (let j = 0; j <= i; j++) expect(m[i][j], `I[${i}][${j}]`).toBeGreaterThan(0);
  await expect(page.getByTestId('step-counter')).toContainText('/ 1');
});

test('linear recurrences: L steps sequentially, ⌈log₂ L⌉ steps by parallel scan', async ({ app, page }) => {
  for (const family of ['linear-rnn', 's4d', 'mamba']) {
    await chooseModel(app, family);
    for (const words of [5, 11, 16, 33]) {
      await page.getByTestId('text-input').fill(Array.from({ length: words }, (_, k) => `w${k}`).join(' '));
      await page.getByTestId('mode-select').selectOption('sequential');
      await expect(page.getByTestId('step-counter')).toContainText(`/ ${words}`);
      await page.getByTestId('mode-select').selectOption('scan');
      await expect(page.getByTestId('step-counter')).toContainText(`/ ${ceilLog2(words)}`);
    }
  }
  await page.getByTestId('player-step').click();
  await page.getByTestId('player-step').click();
  await app.screenshot('flow-scan-mode');
});

test('RNN: token 0 reaches state t only after t + 1 steps', async ({ app, page }) => {
  await chooseModel(app, 'rnn');
  const reachedStates = () => page.locator('[data-testid=flow-diagram] circle[data-row="1"][data-reached="true"]').count();
  expect(await reachedStates()).toBe(0);
  for (let k = 1; k <= 4; k++) {
    await page.getByTestId('player-step').click();
    await expect.poll(reachedStates).toBe(k);
  }
});

test('clicking a token node or its label selects that token; other nodes do not', async ({ app, page }) => {
  await chooseModel(app, 'rnn');
  const diagram = page.getByTestId('flow-diagram');
  const selected = () => diagram.locator('text.flow-token.selected').getAttribute('data-pos');
  await expect.poll(selected).toBe('0');
  await diagram.locator('circle[data-row="0"][data-pos="3"]').click();
  await expect.poll(selected).toBe('3');
  // The RNN's state 3 is reached one step after token 3 is read: nothing before step 4.
  for (let k = 1; k <= 4; k++) await page.getByTestId('player-step').click();
  await expect(diagram.locator('circle[data-row="1"][data-pos="3"]')).toHaveAttribute('data-reached', 'true');
  await expect(diagram.locator('circle[data-row="1"][data-pos="2"]')).toHaveAttribute('data-reached', 'false');
  await diagram.locator('text.flow-token[data-pos="5"]').click();
  await expect.poll(selected).toBe('5');
  await diagram.locator('circle[data-row="1"][data-pos="7"]').dispatchEvent('click'); // a state node: no change
  await expect.poll(selected).toBe('5');
});

test('compare mode runs two models on one step counter', async ({ app, page }) => {
  await page.getByTestId('toggle-compare').check();
  await page.getByTestId('model-select').selectOption('rnn');
  await page.getByTestId('model-select-b').selectOption('transformer');
  await expect(page.getByTestId('steps-line')).toContainText('RNN needs 11 sequential steps');
  await expect(page.getByTestId('steps-line')).toContainText('Transformer needs 2 sequential steps');
  // What a step counts, and the Cost view's depth beside it (levels of pairwise combines):
  // the RNN L = 11; each of the 2 attention layers weighs up to 11 keys, ⌈log₂ 11⌉ = 4 levels.
  const L = 11;
  await expect(page.getByTestId('steps-line')).toContainText(`RNN needs ${L} sequential steps, one per token (${L} levels of pairwise combines`);
  await expect(page.getByTestId('steps-line')).toContainText(`Transformer needs 2 sequential steps, one per layer (${2 * Math.ceil(Math.log2(L))} levels of pairwise combines`);
  await expect(page.getByTestId('steps-note')).toContainText('A step is one row of the diagram');
  await expect(page.getByTestId('step-counter')).toContainText('/ 11');
  await expect(page.getByTestId('flow-diagram-b')).toBeVisible();
  for (let k = 0; k < 3; k++) await page.getByTestId('player-step').click();
  await app.screenshot('flow-compare');
});

test('keyboard: → steps, ← steps back, space plays', async ({ app, page }) => {
  await page.getByTestId('nav-flow').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toContainText('step 2 /');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('step-counter')).toContainText('step 1 /');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('player-play')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('player-play')).toHaveAttribute('aria-pressed', 'false');
});

test('Mamba toggles between the full Jacobian and the hidden attention', async ({ app, page }) => {
  await chooseModel(app, 'mamba');
  const full = await influence(page);
  await page.getByTestId('influence-kind').selectOption('hidden');
  await expect.poll(async () => JSON.stringify(await influence(page))).not.toEqual(JSON.stringify(full));
  const hidden = await influence(page);
  for (let i = 0; i < hidden.length; i++) for (let j = i + 1; j < hidden.length; j++) expect(hidden[i][j]).toBe(0);
});
