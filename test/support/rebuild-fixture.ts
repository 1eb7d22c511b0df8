import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AppModule } from '../../apps/standalone/src/app.module';
import { requireBuild, ROOT } from './child-app';
import { testAppConfig } from './embedded-app';

export const CLI = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js');

/** Runs the built CLI on a data folder; throws with its stderr unless it exits 0. */
export function cliSync(dataDir: string, args: string[]): void {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`cli ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
}

/**
 * A realistic history in the data folder's event store — the demo (donations, teams, pairings,
 * users) and the scale seed's generator at a small size (300 organizations, 1,500 needs with
 * offers, acceptances, deliveries, expiries…) — appended by the built CLI. Returns the head.
 */
export function seedRealisticHistory(dataDir: string): number {
  requireBuild();
  cliSync(dataDir, ['seed-demo']);
  cliSync(dataDir, ['seed-scale', '--organizations', '300', '--needs', '1500']);
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return (events.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number }).head;
  } finally {
    events.close();
  }
}

/** The embedded app's context on the data folder, as a one-shot tool opens it (no projections following the log, no background work). */
export function openToolContext(dataDir: string): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AppModule.forRoot({ ...testAppConfig(dataDir), autostartProjections: false, backgroundWork: false }), { logger: ['error'] });
}
