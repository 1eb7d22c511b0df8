// Writes the API's OpenAPI document to apps/console/src/api/openapi.json, from which the console's
// build generates its request types (src/api/schema.d.ts). Reads the built app in dist/ without
// starting a server: `npm run api-types` builds the server and runs this after a DTO changes.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const target = join(root, 'apps', 'console', 'src', 'api', 'openapi.json');

async function main() {
  let openApiJson;
  try {
    ({ openApiJson } = require(join(root, 'dist', 'apps', 'standalone', 'src', 'openapi.js')));
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('dist/ has no built app: run `npm run api-types` (or `npm run build:server` first)');
  }
  writeFileSync(target, await openApiJson());
  console.log(`wrote ${target.slice(root.length + 1)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
