import { openApiDocument } from '@shecun/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringify from 'safe-stable-stringify';
import { API_INFO, createApp } from './bootstrap';
import { loadConfig } from './config';

/**
 * The embedded app's OpenAPI document as stable text (keys sorted, two-space indent, final
 * newline): the content of apps/console/src/api/openapi.json, from which the console's request
 * types are generated. The app is created on a temporary data folder and never initialised nor
 * listening: no projection starts, no port opens.
 */
export async function openApiJson(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shecun-openapi-'));
  try {
    const config = { ...loadConfig({}), dataDir, seedDemo: false, autostartProjections: false, pushDispatch: false };
    const app = await createApp(config, false);
    try {
      return `${stringify(openApiDocument(app, API_INFO), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
