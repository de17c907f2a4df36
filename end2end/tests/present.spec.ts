import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

// Present mode (issue #22), view by view: every figure is stepped to by keyboard and is drawn
// on screen — the pixels inside the presented figure's box are not one flat colour (a figure
// painted under the backdrop, or an <svg> that Chromium leaves blank, shows only the backdrop).

/** Share of the pixels in `png` that differ clearly from its most common colour. */
async function inkShare(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map<number, number>();
    for (let k = 0; k < data.length; k += 4) {
      const key = (data[k] << 16) | (data[k + 1] << 8) | data[k + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let common = 0;
    let best = -1;
    for (const [key, n] of counts) if (n > best) [best, common] = [n, key];
    const [r, g, b] = [common >> 16, (common >> 8) & 255, common & 255];
    let ink = 0;
    for (let k = 0; k < data.length; k += 4) {
      if (Math.abs(data[k] - r) + Math.abs(data[k + 1] - g) + Math.abs(data[k + 2] - b) > 60) ink++;
    }
    return ink / (data.length / 4);
  }, png.toString('base64'));
}

for (const view of ['flow', 'fading', 'scan', 'cost', 'ssm', 'learn']) {
  test(`present mode, ${view}: PageDown reaches every figure and each is drawn`, async ({ app, page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.open(`?view=${view}`);
    await expect(app.view(view)).toBeVisible();
    if (view === 'flow') await expect(page.getByTestId('flow-diagram')).toBeVisible();
    await page.getByTestId(`nav-${view}`).focus();
    await page.keyboard.press('p');
    const position = page.getByTestId('present-position');
    await expect(position).toHaveText(/^Figure 1 \/ \d+$/);
    const total = Number((await position.textContent())!.split('/')[1]);
    expect(total, `${view} has figures`).toBeGreaterThan(0);
    mkdirSync('screenshots', { recursive: true });
    const current = page.locator('.present-current');
    for (let k = 1; k <= total; k++) {
      await expect(position).toHaveText(`Figure ${k} / ${total}`);
      await expect(current).toHaveCount(1);
      const box = (await current.boundingBox())!;
      // Enlarged and inside the window, below the bar.
      expect(box.width, `${view} figure ${k} width`).toBeGreaterThan(400);
      expect(box.y, `${view} figure ${k} top`).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `${view} figure ${k} bottom`).toBeLessThanOrEqual(720 + 1);
      // What the screen shows in that box (not the element's own rendering).
      const shot = await page.screenshot({ clip: box, path: `screenshots/present-${view}-${k}.png` });
      const ink = await inkShare(page, shot);
      expect(ink, `${view} figure ${k}: share of drawn pixels`).toBeGreaterThan(0.01);
      await page.keyboard.press('PageDown');
    }
    await expect(position).toHaveText(`Figure ${total} / ${total}`);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('present-bar')).toHaveCount(0);
    await expect(page.locator('.present-current')).toHaveCount(0);
  });
}
