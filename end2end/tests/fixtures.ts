// Every test runs with a watch on the console and the network: any console error or warning,
// uncaught page error, or request to another origin fails the test.
import { test as base, expect, Page } from '@playwright/test';

export type Watch = {
  problems: string[];
  foreignRequests: string[];
  /** Console messages a test provokes on purpose (e.g. a blocked script) and expects. */
  allow: RegExp[];
};

export class SeqmixPage {
  constructor(readonly page: Page) {}

  async open(query = '') {
    await this.page.goto(`/${query}`);
    await expect(this.page.getByTestId('app-ready')).toBeAttached({ timeout: 15_000 });
  }

  nav(view: string) {
    return this.page.getByTestId(`nav-${view}`);
  }

  view(view: string) {
    return this.page.getByTestId(`view-${view}`);
  }

  async show(view: string) {
    await this.nav(view).click();
    await expect(this.view(view)).toBeVisible();
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
  }
}

export const test = base.extend<{ app: SeqmixPage; watch: Watch }>({
  watch: async ({ page, baseURL }, use) => {
    const watch: Watch = { problems: [], foreignRequests: [], allow: [] };
    const origin = new URL(baseURL!).origin;
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') {
        watch.problems.push(`${msg.type()}: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => watch.problems.push(`pageerror: ${err.message}`));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith('data:') && new URL(url).origin !== origin) watch.foreignRequests.push(url);
    });
    await use(watch);
    const unexpected = watch.problems.filter((p) => !watch.allow.some((re) => re.test(p)));
    expect(unexpected, 'console errors or warnings').toEqual([]);
    expect(watch.foreignRequests, 'requests to other origins').toEqual([]);
  },
  app: async ({ page, watch }, use) => {
    void watch;
    await use(new SeqmixPage(page));
  },
});

export { expect };

/** Learn: ticks exactly `families` (the others unticked). */
export async function learnOnly(page: Page, families: string[]) {
  for (const f of ['cnn', 'transformer', 'rnn', 'linear-rnn', 's4d', 'mamba']) {
    const box = page.getByTestId(`learn-family-${f}`);
    if (families.includes(f)) await box.check(); else await box.uncheck();
  }
}

/** Learn (already shown): trains `families` on delayed copy for 100 steps and waits until done. */
export async function trainDelayedCopy(page: Page, families: string[]) {
  await page.getByTestId('learn-task').selectOption('delayed-copy');
  await page.getByTestId('learn-steps').selectOption('100');
  await learnOnly(page, families);
  await page.getByTestId('learn-train').click();
  await expect(page.getByTestId('learn-progress')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
}

/** Waits until the debounced address bar holds every `key=value` pair, then returns it. */
export async function settledUrl(page: Page, pairs: Record<string, string>): Promise<string> {
  await expect
    .poll(() => {
      const query = new URL(page.url()).searchParams;
      return Object.entries(pairs).every(([k, v]) => query.get(k) === v);
    }, { message: `URL ${page.url()} should hold ${JSON.stringify(pairs)}` })
    .toBe(true);
  return page.url();
}

/** The largest gap between the true tanh recurrence h_t = tanh(a_t·h_{t−1} + b_t) (h_{−1} = 0)
 *  and the Hillis–Steele pattern run with the pseudo-combine that treats tanh steps as if they
 *  composed like affine ones — recomputed in the tests, independently of the app. */
export function tanhScanError(a: number[], b: number[]): number {
  let h = 0;
  const exact = a.map((at, t) => (h = Math.tanh(at * h + b[t])));
  let nodes = a.map((at, t) => [at, b[t]]);
  for (let off = 1; off < a.length; off *= 2) {
    nodes = nodes.map((node, i) => (i < off ? node : [nodes[i - off][0] * node[0], node[0] * Math.tanh(nodes[i - off][1]) + node[1]]));
  }
  return Math.max(...nodes.map((node, t) => Math.abs(Math.tanh(node[1]) - exact[t])));
}
