/**
 * Suites that need real infrastructure (PostgreSQL, Kafka…): `*.infra.spec.ts`, run by `npm run test:infra`
 * and excluded from the default `jest` run. One worker, so suites do not compete for the servers.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/**/*.infra.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 1,
};
