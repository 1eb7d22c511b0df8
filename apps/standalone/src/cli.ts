import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectionHost, runParkedCommand } from '@shecun/projections';
import { CheckpointComparison, DonationsQueries, keysOfJwks, LedgerCheckpoints } from '@shecun/donations';
import { verifyEvidenceFilesCli } from '@shecun/evidence';
import { adminPasswordFromEnv, bootstrapAdministrator, describeBootstrap, normalizeUsername, USERNAME } from '@shecun/identity';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { bar, withRateBar } from '@shecun/hosting';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AppModule } from './app.module';
import { loadConfig } from './config';
import { DataFolderLockedError, lockDataFolder } from './data-folder-lock';
import { seedDemoToCompletion } from './seed/first-start';
import { seedScale } from './seed/scale-seed';
import { importOrganizations, IMPORT_USAGE, parseImportArguments } from './import-organizations';
import { importUsers, IMPORT_USERS_USAGE, parseImportUsersArguments } from './import-users';
import { backupDataFolder, BackupError, checkBackup, restoreDataFolder } from './backup';

const USAGE = `usage:
  cli seed-demo            append the demo data, or complete an interrupted demo seed (a second run appends nothing)
  cli seed-scale [--organizations N] [--needs N] [--seed N]
                           append a Guangdong-scale data set (default 72,019 organizations, 200,000 needs
                           across all villages, over 1M events), then bring every projection up to date
  cli rebuild [name…] [--chunk N]
                           empty the named projections (default: all) and replay the event log into them, read once
                           in chunks of N events (default 10,000), each projection one transaction per chunk
  cli projections          list projections with their checkpoints and unresolved parked events
  cli projections parked   list the events projections parked (resolved ones too)
  cli projections replay [<projection>] [--event <id>]
                           apply the unresolved parked events again, read back from the event log (after the fix; exit 1 if one still fails)
  cli projections skip <projection> --event <id> --reason <text>
                           give up on one parked event: the read model goes on without it; the row stays, marked skipped with who and why
  ${IMPORT_USAGE}
                           register organizations from the bureau's registry export (rows checked first; a re-run registers nothing twice)
  ${IMPORT_USERS_USAGE}
                           open accounts from a list (username, name, phone, role, scope): one-time passwords to --passwords-out
  cli create-admin <name> [--one-time]
                           create the first system administrator (idempotent): password from ADMIN_PASSWORD_FILE,
                           ADMIN_PASSWORD or the first line of stdin; --one-time prints a one-time password that
                           must be changed at the first sign-in
  cli verify-ledger        recompute the donation ledger's hash chains from the event store (exit 1 on a broken link)
  cli verify-ledger --against <checkpoint.json> [--jwks <jwks.json>]
                           also check the ledger against a checkpoint file kept outside the system: exit 1 naming
                           every stream gone, revision missing (a deleted tail) or changed up to the checkpoint;
                           a file whose signature does not verify (platform keys, or those of --jwks) is refused
  cli ledger-checkpoint [--reason <text>] [--out <file>]
                           seal the head of every donation and fund chain now (as system); --out writes the signed file
  cli backup <folder>      back up the data folder into a new folder, beside a running server too: a snapshot of the
                           event store, the evidence files and the keys, with a manifest of checksums (no read models)
  cli restore <folder> [--force]
                           restore a backup into an empty data folder (--force: replace its event store, read models,
                           evidence and keys); the backup is checked first, the read models rebuild on the next start`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'backup' || command === 'restore') return backupOrRestore(command, args);
  if (!command || !['seed-demo', 'seed-scale', 'import-organizations', 'import-users', 'rebuild', 'projections', 'create-admin', 'verify-ledger', 'ledger-checkpoint'].includes(command)) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  // A one-shot command: no projections following the log, no sweeps (expiry, ledger checkpoints)
  // nor webhook sending in the background; it does its work and closes.
  const config = { ...loadConfig(), autostartProjections: false, backgroundWork: false };
  // Every command takes the data folder's lock, the reading ones too: opening the app context
  // runs the read model's schema sync. Beside a running server, ask the server instead (GET
  // /health, GET /api/audit/donations/ledger).
  await lockDataFolder(config.dataDir, `cli ${command}`);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['warn', 'error'] });
  try {
    const host = app.get(ProjectionHost);
    if (command === 'seed-demo') {
      const progress = bar('seed');
      progress.start(1, 0);
      const result = await seedDemoToCompletion(app, (done, total) => {
        progress.setTotal(total);
        progress.update(done);
      });
      progress.stop();
      Logger.log(`demo seeded: ${result.organizations} organizations, ${result.pairings} pairings, ${result.teams} teams, ${result.needs} needs in ${config.dataDir}`, 'Seed');
      await catchUpAll(host);
    } else if (command === 'seed-scale') {
      const option = (name: string, fallback: number) => {
        const at = args.indexOf(`--${name}`);
        const value = at >= 0 ? Number(args[at + 1]) : fallback;
        if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
        return value;
      };
      const organizations = option('organizations', 72_019);
      const needs = option('needs', 200_000);
      const bars = { organizations: bar('organizations'), needs: bar('needs') };
      let current: keyof typeof bars | undefined;
      const started = Date.now();
      const result = await seedScale(app, {
        organizations, needs, seed: option('seed', 44),
        onProgress: (phase, done, total) => {
          if (current !== phase) {
            if (current) bars[current].stop();
            current = phase;
            bars[phase].start(total, 0);
          }
          bars[phase].update(done);
        },
      });
      if (current) bars[current].stop();
      if (result.skipped) {
        console.log(`the scale seed is already in ${config.dataDir}: nothing appended`);
      } else {
        console.log(`scale seed: ${result.organizations} organizations, ${result.needs} needs in ${result.villages} villages, ${result.events} events appended in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      const projected = Date.now();
      await catchUpAll(host);
      console.log(`projections up to date in ${((Date.now() - projected) / 1000).toFixed(0)} s`);
    } else if (command === 'import-organizations') {
      const report = await importOrganizations(app, parseImportArguments(args), bar);
      if (report && !report.dryRun) await catchUpAll(host);
    } else if (command === 'import-users') {
      const report = await importUsers(app, parseImportUsersArguments(args), bar);
      if (report && !report.dryRun) await catchUpAll(host);
    } else if (command === 'rebuild') {
      const chunk = optionOf(args, 'chunk');
      const chunkSize = chunk === undefined ? undefined : Number(chunk);
      if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) throw new Error('--chunk must be a positive whole number of events');
      const given = args.filter((a, i) => a !== '--chunk' && args[i - 1] !== '--chunk');
      const names = given.length ? given : host.names();
      for (const name of names) host.runner(name); // an unknown name is refused before anything is emptied
      const started = Date.now();
      const result = await withRateBar(`rebuild ${names.length} projections`, (onProgress) => host.rebuild(names, { onProgress, chunkSize }));
      const seconds = (Date.now() - started) / 1000;
      console.log(`rebuilt ${names.join(', ')}: ${result.events} events read once in ${seconds.toFixed(1)} s (${(result.events / Math.max(seconds, 0.001)).toFixed(0)} events/s)`);
      if (result.halted.length) console.error(`stopped at a parked event: ${result.halted.join(', ')} (cli projections parked)`);
    } else if (command === 'verify-ledger' && args.length) {
      await verifyAgainstCheckpoint(app.get(LedgerCheckpoints), args);
    } else if (command === 'ledger-checkpoint') {
      const out = optionOf(args, 'out');
      const checkpoints = app.get(LedgerCheckpoints);
      const progress = bar('ledger checkpoint');
      progress.start(1, 0);
      const checkpoint = await checkpoints.take({ actor: { id: 'system', role: 'system' }, commandId: randomUUID(), correlationId: randomUUID() }, optionOf(args, 'reason') ?? 'cli ledger-checkpoint', new Date(), (done, total) => {
        progress.setTotal(Math.max(total + 1, 1));
        progress.update(done + 1);
      });
      progress.stop();
      if (out) writeFileSync(out, `${JSON.stringify(await checkpoints.exportFile(checkpoint.id), null, 2)}\n`);
      console.log(JSON.stringify({ ...checkpoint, streams: checkpoint.streams.length }, null, 2));
      Logger.log(`ledger checkpoint ${checkpoint.id}: ${checkpoint.streams.length} streams, root ${checkpoint.root}${out ? `, signed file ${out}` : ''}`, 'Audit');
    } else if (command === 'verify-ledger') {
      const progress = bar('verify ledger');
      progress.start(1, 0);
      const report = await app.get(DonationsQueries).verifyLedger((done, total) => {
        progress.setTotal(Math.max(total + 1, 1));
        progress.update(done + 1);
      });
      progress.stop();
      console.log(JSON.stringify(report, null, 2));
      if (!report.ok) {
        const link = report.firstBrokenLink!;
        console.error(`ledger broken at ${link.stream} revision ${link.revision} (event ${link.eventId}, position ${link.position}): ${link.problem}`);
        process.exitCode = 1;
      } else {
        Logger.log(`ledger intact: ${report.eventsChecked} events in ${report.streamsChecked} streams, head ${report.head}`, 'Audit');
      }
      if (!(await verifyEvidenceFilesCli(app))) process.exitCode = 1;
    } else if (command === 'create-admin') {
      const username = args[0];
      if (!username || !USERNAME.test(normalizeUsername(username))) throw new Error('usage: cli create-admin <username> [--one-time] (3-64 lowercase letters, digits or ._-)');
      // ADMIN_PASSWORD_FILE or ADMIN_PASSWORD; --one-time makes a password to change at the first sign-in; else stdin.
      const password = adminPasswordFromEnv() ?? (args.includes('--one-time') ? undefined : await firstLineOfStdin());
      const result = await bootstrapAdministrator(app.get<EventStore>(EVENT_STORE), { username, password });
      await catchUpAll(host);
      console.log(describeBootstrap(result));
    } else if (args.length) {
      process.exitCode = await runParkedCommand(args, host);
    } else {
      for (const name of host.names()) console.log(`${name}\tcheckpoint ${await host.runner(name).checkpoint()}\tparked ${await host.runner(name).refreshParked()}`);
    }
  } finally {
    await app.close();
  }
}

/**
 * `backup` takes no lock: it reads the event store in one transaction beside a running server.
 * `restore` checks the backup, then takes the data folder's lock (refused while a server has it).
 */
async function backupOrRestore(command: 'backup' | 'restore', args: string[]): Promise<void> {
  const force = command === 'restore' && args.includes('--force');
  const rest = args.filter((a) => !(force && a === '--force'));
  if (rest.length !== 1 || rest[0].startsWith('--')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const folder = resolve(rest[0]);
  const { dataDir } = loadConfig();
  if (command === 'backup') {
    const manifest = await backupDataFolder(dataDir, folder, bar);
    Logger.log(`backup ${folder}: ${manifest.eventCount} events up to position ${manifest.headPosition}, ${manifest.files.length} files`, 'Backup');
    return;
  }
  const manifest = await checkBackup(folder, bar);
  await lockDataFolder(dataDir, 'cli restore');
  await restoreDataFolder(folder, dataDir, manifest, force, bar);
  Logger.log(`restored ${folder} (${manifest.createdAt}) into ${dataDir}: ${manifest.eventCount} events up to position ${manifest.headPosition}; the read models rebuild on the next start`, 'Backup');
}

function optionOf(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

/** `verify-ledger --against FILE [--jwks FILE]`: the chain check and the comparison with a kept checkpoint file. */
async function verifyAgainstCheckpoint(checkpoints: LedgerCheckpoints, args: string[]): Promise<void> {
  const wellFormed = args.length % 2 === 0 && args.every((a, i) => i % 2 === 1 || a === '--against' || a === '--jwks');
  const against = wellFormed ? optionOf(args, 'against') : undefined;
  if (!against) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const jwks = optionOf(args, 'jwks');
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(against, 'utf8'));
  } catch (error) {
    console.error(`checkpoint file ${against} refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  const progress = bar('verify ledger against checkpoint');
  progress.start(1, 0);
  let report: CheckpointComparison;
  try {
    report = await checkpoints.verifyAgainst(file, jwks ? keysOfJwks(JSON.parse(readFileSync(jwks, 'utf8'))) : undefined, (done, total) => {
      progress.setTotal(Math.max(total + 1, 1));
      progress.update(done + 1);
    });
  } catch (error) {
    progress.stop();
    console.error(`checkpoint file ${against} refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  progress.stop();
  console.log(JSON.stringify(report, null, 2));
  const { checkpoint, findings, ledger } = report;
  for (const f of findings) console.error(`ledger differs from checkpoint ${checkpoint.id} (${checkpoint.at}): ${f.detail}`);
  if (!ledger.ok) {
    const link = ledger.firstBrokenLink!;
    console.error(`ledger broken at ${link.stream} revision ${link.revision} (event ${link.eventId}, position ${link.position}): ${link.problem}`);
  }
  if (!report.ok) process.exitCode = 1;
  else Logger.log(`ledger intact and matching checkpoint ${checkpoint.id} (${checkpoint.at}): ${report.streamsIntact} sealed streams unchanged, ${report.streamsAfter} begun since, root ${checkpoint.root}`, 'Audit');
}

async function firstLineOfStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function catchUpAll(host: ProjectionHost): Promise<void> {
  await withRateBar(`project ${host.names().length} projections`, (onProgress) => host.catchUpTogether(host.names(), { onProgress }));
}

/** A bar of events with their rate and the time left, around work that reports (done, total). */
main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof DataFolderLockedError || error instanceof BackupError ? error.message : error);
  process.exit(1);
});
