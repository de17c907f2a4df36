import { test, expect } from './fixtures';
import type { Page, Download } from '@playwright/test';
import { readFileSync } from 'node:fs';

// Every figure on screen can be downloaded: canvases as PNG, SVG diagrams as standalone SVG,
// heat maps' matrices as CSV. Files are checked by their content, not by their names.

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

test('Flow: heat map PNG, diagram SVG and influence CSV equal to the heat map', async ({ app, page }) => {
  await app.open();
  await page.getByTestId('text-input').fill('the "cat", sat on the mat');
  await page.getByTestId('model-select').selectOption('transformer');
  await expect(page.getByTestId('influence-progress')).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  await openPanel(page);

  const cells = (await page.getByTestId('token-row').locator('li').count());
  const png = await download(page, 'export-png-influence-heatmap');
  expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
  // IHDR width and height (big-endian at bytes 16 and 20): one pixel per cell on screen,
  // scaled up by a whole factor to at least 640 px, so every cell stays a sharp square.
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  expect(w).toBeGreaterThanOrEqual(640);
  expect(w % cells).toBe(0);
  expect(h).toBe(w);

  const svg = (await download(page, 'export-svg-flow-diagram')).toString('utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: root.nodeName,
      ns: root.namespaceURI,
      circles: root.getElementsByTagName('circle').length,
      styledFill: [...root.getElementsByTagName('circle')].every((c) => /fill:/.test(c.getAttribute('style') ?? '')),
    };
  }, svg);
  expect(parsed).toMatchObject({ error: 0, root: 'svg', ns: 'http://www.w3.org/2000/svg', styledFill: true });
  expect(parsed.circles).toBeGreaterThan(0);

  const csv = (await download(page, 'export-csv-influence-heatmap')).toString('utf8').trim().split('\n');
  const values = JSON.parse((await page.getByTestId('influence-heatmap').getAttribute('data-values'))!) as (number | null)[][];
  const tokens = await page.getByTestId('token-row').locator('li').allTextContents();
  expect(csv.length).toBe(values.length + 1);
  expect(csvFields(csv[0]).slice(1)).toEqual(tokens.map((t, j) => `${j}: ${t}`));
  values.forEach((row, i) => {
    const fields = csvFields(csv[i + 1]);
    expect(fields[0]).toBe(`${i}: ${tokens[i]}`);
    expect(fields.slice(1).map(Number)).toEqual(row.map((v) => (v === null ? NaN : v)));
  });
});

test('every view: each listed figure downloads as a valid file', async ({ app, page }) => {
  await app.open();
  const views = await page.locator('[data-testid^="nav-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice(4)),
  );
  const seen: string[] = [];
  for (const view of views) {
    // A fresh page per view: Chromium throttles a tab that has downloaded many files.
    await app.open();
    await app.show(view);
    await openPanel(page);
    const ids = await page.getByTestId('export-panel').locator('button[data-testid^="export-"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!),
    );
    expect(ids.length, `figures of ${view}`).toBeGreaterThan(0);
    for (const id of ids) {
      const bytes = await download(page, id);
      expect(bytes.length, id).toBeGreaterThan(100);
      if (id.startsWith('export-png-')) expect([...bytes.subarray(0, 8)], id).toEqual(PNG_MAGIC);
      if (id.startsWith('export-svg-')) {
        const error = await page.evaluate(
          (text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length,
          bytes.toString('utf8'),
        );
        expect(error, id).toBe(0);
      }
      if (id.startsWith('export-csv-')) expect(bytes.toString('utf8').split('\n').length, id).toBeGreaterThan(2);
      seen.push(`${view}:${id}`);
    }
  }
  // The figures named in the issue are among them.
  for (const must of ['flow:export-svg-flow-diagram', 'scan:export-svg-scan-svg', 'fading:export-png-fading-canvas', 'cost:export-png-cost-theory-chart']) {
    expect(seen).toContain(must);
  }
});
