/**
 * Browser tests of the web console: `*.browser.spec.ts` under test/browser, run by `npm run test:browser`
 * and excluded from the default `jest` run. They drive Debian's Chromium (/usr/bin/chromium, or
 * CHROMIUM_PATH) with playwright-core from apps/console's own node_modules, against the real app.
 * Build the console first (`npm run build:console`).
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/apps/console/node_modules/', '<rootDir>/apps/console/dist/'],
  maxWorkers: 1,
  testTimeout: 180000,
};
