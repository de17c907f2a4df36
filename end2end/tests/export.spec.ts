import { test, expect } from './fixtures';
import type { Page, Download } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

// Every figure on screen can be downloaded as a card that stands alone on a slide (title, axis
// and token labels, legend or colour bar, a caption with the configuration) in PNG and SVG, and
// heat maps' matrices as CSV. Files are checked by their content and their names.

async function download(page: Page, testId: string): Promise<Buffer> {
  const [file]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  const path = await file.path();
  return readFileSync(path!);
}

async function openPanel(page: Page) {
  const panel = page.getByTestId('export-panel');
  if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await page.getByTestId('export-open').click();
  }
  await expect(panel.locator('button').first()).toBeVisible();
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Parses a CSV line with quoted fields ("" escapes a quote). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (quoted) {
      if (c === '"' && line[k + 1] === '"') { field += '"'; k++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(field); field = ''; }
    else field += c;
  }
  out.push(field);
  return out;
}

/** The file offered when `testId` is pressed: its suggested name and bytes. */
async function downloadNamed(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

/** What an exported SVG card says: its title, texts by class, and whether it parses. */
async function readCard(page: Page, text: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    const texts = (cls: string) => [...root.querySelectorAll(`:scope > g > text.${cls}`)].map((t) => t.textContent ?? '');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: root.nodeName,
      ns: root.namespaceURI,
      title: root.querySelector(':scope > title')?.textContent ?? '',
      desc: root.querySelector(':scope > desc')?.textContent ?? '',
      legend: texts('legend'),
      ticks: texts('tick'),
      axes: texts('axis'),
      caption: texts('caption').join(' '),
      colourBar: root.querySelector('linearGradient#colour-bar') !== null,
      background: root.querySelector(':scope > rect')?.getAttribute('fill') ?? '',
      circles: root.getElementsByTagName('circle').length,
      styledFill: [...root.getElementsByTagName('circle')].every((c) => /fill:/.test(c.getAttribute('style') ?? '')),
      image: root.getElementsByTagName('image').length,
    };
  }, text);
}

test('Flow: heat map and diagram exported as labelled cards (PNG, SVG), the CSV equal to the heat map', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('the "cat", sat on the mat');
  await page.getByTestId('model-select').selectOption('transformer');
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  await openPanel(page);
  const tokens = await page.getByTestId('token-row').locator('li').allTextContents();

  // PNG: the card rasterised at 2× (at least 2 × 480 px wide).
  const png = await downloadNamed(page, 'export-png-influence-heatmap');
  expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
  expect(png.bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(960);
  expect(png.name).toMatch(/^seqmix-flow-influence-heatmap-.*transformer.*-seed\d+.*\.png$/);
  mkdirSync('screenshots', { recursive: true });
  writeFileSync('screenshots/export-heatmap.png', png.bytes);

  // SVG of the heat map: title, axis labels, every token under its column and beside its row,
  // a colour bar, and the configuration (view, model, seed, sentence) in the caption.
  const heat = await downloadNamed(page, 'export-svg-influence-heatmap');
  expect(heat.name).toMatch(/\.svg$/);
  const card = await readCard(page, heat.bytes.toString('utf8'));
  expect(card).toMatchObject({ error: 0, root: 'svg', ns: 'http://www.w3.org/2000/svg', colourBar: true, image: 1 });
  expect(card.title.length).toBeGreaterThan(3);
  expect(card.axes).toEqual(['input j', 'output i']);
  for (const t of tokens) expect(card.ticks, t).toContain(t);
  expect(card.caption).toContain('seqmix · Flow');
  expect(card.caption).toMatch(/transformer/);
  expect(card.caption).toMatch(/seed \d+/);
  expect(card.caption).toContain('the "cat", sat on the mat');

  // SVG of the diagram: the live diagram inside the card, styles inlined.
  const diagram = await readCard(page, (await downloadNamed(page, 'export-svg-flow-diagram')).bytes.toString('utf8'));
  expect(diagram).toMatchObject({ error: 0, root: 'svg', styledFill: true });
  expect(diagram.circles).toBeGreaterThan(0);
  expect(diagram.title.length).toBeGreaterThan(3);

  const csv = (await download(page, 'export-csv-influence-heatmap')).toString('utf8').trim().split('\n');
  const values = JSON.parse((await page.getByTestId('influence-heatmap').getAttribute('data-values'))!) as (number | null)[][];
  expect(csv.length).toBe(values.length + 1);
  expect(csvFields(csv[0]).slice(1)).toEqual(tokens.map((t, j) => `${j}: ${t}`));
  values.forEach((row, i) => {
    const fields = csvFields(csv[i + 1]);
    expect(fields[0]).toBe(`${i}: ${tokens[i]}`);
    expect(fields.slice(1).map(Number)).toEqual(row.map((v) => (v === null ? NaN : v)));
  });
});

test('the export uses the current theme, or a light one for print', async ({ app, page }) => {
  await app.open('?view=cost');
  await page.getByTestId('theme-toggle').selectOption('dark');
  await openPanel(page);
  const dark = await readCard(page, (await downloadNamed(page, 'export-svg-cost-theory-chart')).bytes.toString('utf8'));
  expect(dark.background).toBe('rgb(21, 24, 28)');
  await page.getByTestId('export-light').check();
  const light = await readCard(page, (await downloadNamed(page, 'export-svg-cost-theory-chart')).bytes.toString('utf8'));
  expect(light.background).toBe('rgb(251, 251, 248)');
  // The page is back in the theme the user chose.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

// Figures whose legend is HTML beside the chart, not drawn in it, and that carry no
// `data-export-legend` yet: the view owners add the hook (see export.rs, HOOKS). Their
// exports carry the figure's own caption text instead. Empty this list as hooks land.
const LEGEND_HOOK_PENDING = new Set<string>([]);

test('every view: each listed figure downloads as a valid, self-describing file', async ({ app, page }) => {
  // Dozens of downloads over six fresh pages: ≈ 40 s on an idle 2-core machine, more on a busy one.
  test.setTimeout(240_000);
  await app.open();
  const views = await page.locator('[data-testid^="nav-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice(4)),
  );
  const seen: string[] = [];
  const noLegend: string[] = [];
  for (const view of views) {
    // A fresh page per view: Chromium throttles a tab that has downloaded many files.
    await app.open(`?view=${view}`);
    await openPanel(page);
    const ids = await page.getByTestId('export-panel').locator('button[data-testid^="export-"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!),
    );
    expect(ids.length, `figures of ${view}`).toBeGreaterThan(0);
    for (const [k, id] of ids.entries()) {
      // Chromium stops honouring a page's downloads after about ten in a few seconds (seen: the
      // 11th or 21st of a burst never arrives): a fresh page every six keeps this test about
      // the files, not about the browser's download throttle. A person exports one at a time.
      if (k > 0 && k % 6 === 0) {
        await app.open(`?view=${view}`);
        await openPanel(page);
      }
      const { name, bytes } = await downloadNamed(page, id);
      const [, format, figure] = id.match(/^export-(png|svg|csv)-(.*)$/)!;
      expect(name, id).toMatch(new RegExp(`^seqmix-${view}-[a-z0-9.-]+\\.${format}$`));
      expect(name, id).toContain(figure.toLowerCase().replace(/[^a-z0-9.]+/g, '-'));
      expect(bytes.length, id).toBeGreaterThan(100);
      if (format === 'png') expect([...bytes.subarray(0, 8)], id).toEqual(PNG_MAGIC);
      if (format === 'svg') {
        const card = await readCard(page, bytes.toString('utf8'));
        expect(card.error, id).toBe(0);
        expect(card.title.length, `${id}: title`).toBeGreaterThan(3);
        expect(card.caption, `${id}: configuration`).toContain('seqmix · ');
        const legend = card.legend.length > 0 || card.desc.startsWith('Legend:') || card.colourBar;
        if (!legend) noLegend.push(`${view}:${figure}`);
      }
      if (format === 'csv') expect(bytes.toString('utf8').split('\n').length, id).toBeGreaterThan(2);
      seen.push(`${view}:${id}`);
    }
  }
  console.log(`SVG cards without legend text (hook pending): ${noLegend.join(', ') || 'none'}`);
  expect(noLegend.filter((f) => !LEGEND_HOOK_PENDING.has(f))).toEqual([]);
  // The figures named in the issue are among them.
  for (const must of ['flow:export-svg-flow-diagram', 'scan:export-svg-scan-svg', 'fading:export-png-fading-canvas', 'cost:export-png-cost-theory-chart']) {
    expect(seen).toContain(must);
  }
});
