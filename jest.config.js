/** Unit, contract and end-to-end tests on real adapters (SQLite files in temp folders). */
const fs = require('fs');
const swc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = {};
// Each tsconfig path, in its order; `@shecun/*` → `libs/*/src` becomes `^@shecun/(.*)$` → `libs/$1/src`.
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('*', '(.*)')}$`] = `<rootDir>/${target.replace('*', '$1')}`;
}

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/infra/', '\\.infra\\.spec\\.ts$', '\\.browser\\.spec\\.ts$'],
  testTimeout: 60000,
};
