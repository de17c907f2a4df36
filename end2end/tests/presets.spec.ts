import { test, expect, settledUrl } from './fixtures';

// Every view has "reset to defaults" and named presets. A preset sets the view's controls
// (read back from the controls themselves and from the address bar they write), and reset
// brings the defaults back. The expected values are written here, not read from the app.

const PRESETS: Record<string, Record<string, Record<string, string>>> = {
  flow: {
    'rnn-vs-transformer': { 'flow.compare': '1', 'flow.model': 'rnn', 'flow.model-b': 'transformer' },
    'linear-scan': { 'flow.model': 'linear-rnn', 'flow.mode': 'scan' },
    'mamba-hidden': { 'flow.model': 'mamba', 'flow.influence': 'hidden' },
  },
  fading: {
    'long-memory': { 'fading.r': '0.99', 'fading.theta': '0' },
    oscillating: { 'fading.r': '0.9', 'fading.theta': '1' },
    exploding: { 'fading.radius': '1.5' },
  },
  scan: {
    'blelloch-16': { 'scan.algorithm': 'blelloch', 'scan.n': '16' },
    'hillis-steele-random': { 'scan.algorithm': 'hillis-steele', 'scan.source': 'random', 'scan.n': '8' },
  },
  cost: {
    memory: { 'cost.metric': 'memory' },
    depth: { 'cost.metric': 'sequential-depth' },
  },
  ssm: {
    oscillating: { 'ssm.disc-system': 'oscillating', 'ssm.delta': '1.5' },
    'few-states': { 'ssm.n': '4' },
  },
  learn: {
    'copy-gap-1': { 'learn.task': 'delayed-copy', 'learn.learn-knob': '1' },
    'long-noise': { 'learn.task': 'selective-copy', 'learn.learn-knob': '32' },
    'recall-2': { 'learn.task': 'recall', 'learn.learn-knob': '2' },
  },
};


test('every preset of every view sets its controls; reset restores the defaults', async ({ app, page }) => {
  await app.open();
  for (const [view, presets] of Object.entries(PRESETS)) {
    await app.show(view);
    const toolbarPresets = await page.$$eval(`[data-testid^="preset-${view}-"]`, (els) => els.map((e) => (e as HTMLElement).dataset.testid));
    expect(toolbarPresets.sort()).toEqual(Object.keys(presets).map((id) => `preset-${view}-${id}`).sort());
    for (const [id, pairs] of Object.entries(presets)) {
      await page.getByTestId(`preset-${view}-${id}`).click();
      await expect(app.view(view)).toBeVisible();
      await settledUrl(page, pairs);
    }
  }
  expect(await page.getByTestId('url-notice').count()).toBe(0);
});

test('presets drive the widgets the user sees, and reset brings the defaults back', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  const r = page.getByTestId('slider-r');
  const theta = page.getByTestId('slider-theta');
  const [r0, theta0] = [await r.inputValue(), await theta.inputValue()];
  await page.getByTestId('preset-fading-long-memory').click();
  await expect(page.getByTestId('slider-r')).toHaveValue('0.99');
  await expect(page.getByTestId('slider-theta')).toHaveValue('0');
  await page.getByTestId('view-reset-fading').click();
  await expect(page.getByTestId('slider-r')).toHaveValue(r0);
  await expect(page.getByTestId('slider-theta')).toHaveValue(theta0);

  await app.show('flow');
  await page.getByTestId('preset-flow-rnn-vs-transformer').click();
  await expect(page.getByTestId('toggle-compare')).toBeChecked();
  await expect(page.getByTestId('model-select')).toHaveValue('rnn');
  await expect(page.getByTestId('model-select-b')).toHaveValue('transformer');
  await page.getByTestId('view-reset-flow').click();
  await expect(page.getByTestId('model-select-b')).toHaveCount(0);

  await app.show('learn');
  await page.getByTestId('preset-learn-recall-2').click();
  await expect(page.getByTestId('learn-task')).toHaveValue('recall');
  await expect(page.getByTestId('slider-learn-knob')).toHaveValue('2');
});

test('a Learn link sets the task, its size, the families, the steps and the seed', async ({ app, page }) => {
  await app.open('?view=learn&learn.task=recall&learn.learn-knob=3&learn.families=cnn,mamba&learn.steps=250&learn.seed=7');
  await expect(app.view('learn')).toBeVisible();
  await expect(page.getByTestId('learn-task')).toHaveValue('recall');
  await expect(page.getByTestId('slider-learn-knob')).toHaveValue('3');
  await expect(page.getByTestId('learn-steps')).toHaveValue('250');
  await expect(page.getByTestId('learn-seed')).toHaveValue('7');
  for (const family of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    const box = page.getByTestId(`learn-family-${family}`);
    if (family === 'cnn' || family === 'mamba') await expect(box).toBeChecked();
    else await expect(box).not.toBeChecked();
  }
  expect(await page.getByTestId('url-notice').count()).toBe(0);
  // A broken family list is ignored with a notice; the page keeps working.
  await app.open('?view=learn&learn.families=cnn,gpt');
  await expect(page.getByTestId('url-notice')).toContainText('gpt');
  await expect(page.getByTestId('learn-family-transformer')).toBeChecked();
});
