import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiJson } from '../../apps/standalone/src/openapi';

/**
 * The console's request types are generated from apps/console/src/api/openapi.json: a DTO changed
 * without regenerating that document would leave the console type-checked against the old one.
 */
describe('console API types', () => {
  it('the committed OpenAPI document is the current code’s (else: npm run api-types)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'apps', 'console', 'src', 'api', 'openapi.json'), 'utf8');
    const current = await openApiJson();
    if (current !== committed) {
      const lines = (text: string) => text.split('\n');
      const [a, b] = [lines(committed), lines(current)];
      const differs = a.findIndex((line, i) => line !== b[i]);
      const at = differs < 0 ? a.length : differs;
      const context = (list: string[]) => list.slice(Math.max(0, at - 3), at + 4).join('\n');
      throw new Error(`apps/console/src/api/openapi.json is stale: run \`npm run api-types\` and commit it.\nFirst difference at line ${at + 1}:\n--- committed\n${context(a)}\n+++ current\n${context(b)}`);
    }
  });
});
