/** Unit, contract and end-to-end tests on real adapters (SQLite files in temp folders). */
const fs = require('fs');
const swc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const { compilerOptions } = require('./tsconfig.json');

/** Packages under node_modules that ship only ES modules (`"type": "module"`): jest transforms these. */
const ESM_PACKAGES = ['@nestjs/terminus'];

const moduleNameMapper = {};
// Each tsconfig path, in its order; `@shecun/*` → `libs/*/src` becomes `^@shecun/(.*)$` → `libs/$1/src`.
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('*', '(.*)')}$`] = `<rootDir>/${target.replace('*', '$1')}`;
}

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // Dependencies published as ES modules only, compiled to CommonJS for the tests (Node loads them as they are).
    [`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: ['<rootDir>/test/support/esm-package.transform.js', { ...swc, swcrc: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/infra/', '\\.infra\\.spec\\.ts$', '\\.browser\\.spec\\.ts$'],
  testTimeout: 60000,
};
