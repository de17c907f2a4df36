import { test, expect, settledUrl } from './fixtures';
import type { Page } from '@playwright/test';

/** A diagram's markup without Leptos' empty comment markers, which depend on how it was built. */
const markup = (html: string) => html.replaceAll('<!---->', '');

// The query string mirrors the view, the sentence, the seed and every control: set controls
// through the UI, reload the address the page wrote, and the same values and the same picture
// come back. A broken link never blanks the page: it shows a notice.

/** Sets a range input the way a drag does (value, then the input event). */
async function setSlider(page: Page, testId: string, value: number) {
  await page.getByTestId(testId).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}


async function influence(page: Page, suffix = ''): Promise<string> {
  await expect(page.getByTestId(`influence-progress${suffix}`)).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  return (await page.getByTestId(`influence-heatmap${suffix}`).getAttribute('data-values'))!;
}

async function reopen(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId('app-ready')).toBeAttached({ timeout: 15_000 });
}

test('Flow: two models, sliders, selects, text, seed, token and step survive a reload', async ({ app, page }) => {
  await app.open();
  const text = 'alpha beta, gamma delta epsilon zeta eta';
  await page.getByTestId('text-input').fill(text);
  await page.getByTestId('seed-input').fill('7');
  await page.getByTestId('seed-input').press('Enter');
  await page.getByTestId('model-select').selectOption('linear-rnn');
  await setSlider(page, 'slider-r', 0.5);
  await page.getByTestId('mode-select').selectOption('scan');
  await page.getByTestId('toggle-compare').check();
  await page.getByTestId('model-select-b').selectOption('mamba');
  await page.getByTestId('influence-kind-b').selectOption('hidden');
  await page.getByTestId('player-step').click();
  await page.getByTestId('player-step').click();

  const url = await settledUrl(page, {
    view: 'flow',
    text,
    seed: '7',
    'flow.model': 'linear-rnn',
    'flow.linear-rnn.r': '0.5',
    'flow.mode': 'scan',
    'flow.compare': '1',
    'flow.model-b': 'mamba',
    'flow.influence-b': 'hidden',
    'flow.step': '2',
  });
  const a = await influence(page);
  const b = await influence(page, '-b');
  const diagram = markup(await page.getByTestId('flow-diagram').innerHTML());
  const counter = await page.getByTestId('step-counter').textContent();

  await reopen(page, url);
  await expect(page.getByTestId('text-input')).toHaveValue(text);
  await expect(page.getByTestId('seed-input')).toHaveValue('7');
  await expect(page.getByTestId('model-select')).toHaveValue('linear-rnn');
  await expect(page.getByTestId('slider-r').first()).toHaveValue('0.5');
  await expect(page.getByTestId('mode-select')).toHaveValue('scan');
  await expect(page.getByTestId('toggle-compare')).toBeChecked();
  await expect(page.getByTestId('model-select-b')).toHaveValue('mamba');
  await expect(page.getByTestId('influence-kind-b')).toHaveValue('hidden');
  await expect(page.getByTestId('step-counter')).toHaveText(counter!);
  // The same picture: the exact influence matrices and the diagram are identical.
  expect(await influence(page)).toBe(a);
  expect(await influence(page, '-b')).toBe(b);
  expect(markup(await page.getByTestId('flow-diagram').innerHTML())).toBe(diagram);
  await expect(page.getByTestId('url-notice')).toHaveCount(0);

  // The restored r drives the model: with r back at its default the matrix differs.
  const query = new URL(url);
  query.searchParams.delete('flow.linear-rnn.r');
  await reopen(page, query.toString());
  expect(await influence(page)).not.toBe(a);
});

test('Fading: sliders, curve toggles and marked tokens survive a reload', async ({ app, page }) => {
  await app.open();
  await app.show('fading');
  await setSlider(page, 'slider-theta', 0.7);
  await setSlider(page, 'slider-radius', 1.5);
  await page.getByTestId('toggle-cnn').uncheck();
  await page.getByTestId('toggle-closed').uncheck();
  const url = await settledUrl(page, {
    view: 'fading',
    'fading.theta': '0.7',
    'fading.radius': '1.5',
    'fading.shown': 'transformer,rnn,linear-rnn,s4d,mamba',
    'fading.closed': '0',
  });
  const curves = await page.getByTestId('fading-chart').getAttribute('data-curves');
  const pixels = await page.getByTestId('fading-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

  await reopen(page, url);
  await expect(page.getByTestId('view-fading')).toBeVisible();
  await expect(page.getByTestId('slider-theta')).toHaveValue('0.7');
  await expect(page.getByTestId('toggle-cnn')).not.toBeChecked();
  await expect(page.getByTestId('toggle-closed')).not.toBeChecked();
  await expect(page.getByTestId('fading-chart')).toHaveAttribute('data-curves', curves!);
  await expect
    .poll(() => page.getByTestId('fading-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL()))
    .toBe(pixels);
});

test('Scan and SSM: selects, sliders and the player step survive a reload', async ({ app, page }) => {
  await app.open();
  await app.show('scan');
  await page.getByTestId('scan-source').selectOption('random');
  await page.getByTestId('scan-algorithm').selectOption('blelloch');
  await setSlider(page, 'slider-n', 13);
  await page.getByTestId('player-step').click();
  await page.getByTestId('player-step').click();
  const url = await settledUrl(page, {
    view: 'scan',
    'scan.source': 'random',
    'scan.algorithm': 'blelloch',
    'scan.n': '13',
    'scan.step': '2',
  });
  const svg = markup(await page.getByTestId('scan-svg').innerHTML());
  await reopen(page, url);
  await expect(page.getByTestId('scan-algorithm')).toHaveValue('blelloch');
  await expect(page.getByTestId('slider-n')).toHaveValue('13');
  await expect(page.getByTestId('step-counter')).toContainText('level 2 /');
  expect(markup(await page.getByTestId('scan-svg').innerHTML())).toBe(svg);

  await app.show('ssm');
  await page.getByTestId('select-hippo-measure').selectOption('legt');
  await setSlider(page, 'slider-n', 12);
  await setSlider(page, 'slider-delta', -1.5);
  // Δ = 10^−1.5, as the link writes it (4 significant digits; the page uses that same value).
  const ssmUrl = await settledUrl(page, { view: 'ssm', 'ssm.hippo-measure': 'legt', 'ssm.n': '12', 'ssm.delta': '0.03162' });
  const canvases = () =>
    page.locator('canvas.ssm-canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL()));
  const before = await canvases();
  await reopen(page, ssmUrl);
  await expect(page.getByTestId('select-hippo-measure')).toHaveValue('legt');
  await expect(page.getByTestId('slider-n')).toHaveValue('12');
  await expect.poll(canvases).toEqual(before);
});

test('a malformed link gives a notice and a working page', async ({ app, page }) => {
  await app.open('?d=abc&layers=999&view=nope&seed=-1&flow.cnn.layers=999&flow.model=zzz&flow.step=x&text=one%20two%20three');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('“d”');
  await expect(notice).toContainText('“layers”');
  await expect(notice).toContainText('“view”');
  await expect(notice).toContainText('“seed”');
  await expect(notice).toContainText('“flow.model”');
  await expect(notice).toContainText('“flow.step”');
  // Out of range: clamped to the slider's maximum (8 layers), and said so.
  await expect(notice).toContainText('999 is outside 1…8, so 8 is used');
  await expect(page.getByTestId('view-flow')).toBeVisible();
  await expect(page.getByTestId('seed-input')).toHaveValue('42');
  await expect(page.getByTestId('slider-layers')).toHaveValue('8');
  await expect(page.getByTestId('token-count')).toHaveText('3 tokens');
  // The page works: the influence of an 8-layer CNN on 3 tokens is complete and causal.
  const m = JSON.parse(await influence(page)) as number[][];
  expect(m.length).toBe(3);
  for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(m[i][j]).toBe(0);
  // The rewritten address holds only valid values.
  await settledUrl(page, { view: 'flow', seed: '42', d: '8', 'flow.cnn.layers': '8', 'flow.model': 'cnn' });
  await page.getByTestId('url-notice-dismiss').click();
  await expect(notice).toHaveCount(0);
});

test('Scan: the a_t and b_t a user typed are kept in the link', async ({ app, page }) => {
  await app.open('?view=scan&scan.source=random&scan.n=6');
  const view = page.getByTestId('view-scan');
  await expect(view).toBeVisible();
  const a1 = page.getByTestId('scan-input-a-1');
  await a1.fill('0.25');
  await a1.press('Enter');
  const b4 = page.getByTestId('scan-input-b-4');
  await b4.fill('−3.5');
  await b4.press('Enter');
  const link = await settledUrl(page, { 'scan.edits': 'a1=0.25,b4=-3.5' });
  const before = { a: await view.getAttribute('data-a'), b: await view.getAttribute('data-b') };
  await page.goto(link);
  await expect(page.getByTestId('view-scan')).toBeVisible();
  await expect.poll(async () => JSON.parse((await page.getByTestId('view-scan').getAttribute('data-a'))!)[1]).toBe(0.25);
  expect(await page.getByTestId('view-scan').getAttribute('data-a')).toBe(before.a);
  expect(await page.getByTestId('view-scan').getAttribute('data-b')).toBe(before.b);
  // A broken edit list is ignored with a notice; an out-of-range value is clamped and said.
  await app.open('?view=scan&scan.edits=a1=0.5,zz');
  await expect(page.getByTestId('url-notice')).toContainText('zz');
  await app.open('?view=scan&scan.source=random&scan.n=6&scan.edits=b2=1e9');
  await expect(page.getByTestId('url-notice')).toContainText('clamped');
});
