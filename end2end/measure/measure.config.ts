import { defineConfig } from '@playwright/test';
import suite from '../playwright.config';

// Measurements, not tests: the suite's browser and server settings (../playwright.config.ts),
// run from this folder, on the release build in ../../dist (or DIST) served on E2E_PORT.
const port = Number(process.env.E2E_PORT ?? 8090);

export default defineConfig({
  ...suite,
  testDir: '.',
  webServer: {
    ...(suite.webServer as object),
    command: `node ../serve.mjs ${process.env.DIST ?? '../../dist'} ${port}`,
  },
});
