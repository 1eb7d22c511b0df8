import { INestApplicationContext } from '@nestjs/common';
import { Actor, DomainError } from '@shecun/core';
import { ImportReport, REGISTRY_FILE_FORMATS, RegistryFileFormat, RegistryImportService } from '@shecun/organizations';
import { ProjectionHost } from '@shecun/projections';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { phaseBars, ProgressBar } from './phase-bars';

export type { ProgressBar };

export const IMPORT_USAGE = 'cli import-organizations <file.csv|file.xlsx> [--dry-run] [--scope <division prefix>] [--format csv|xlsx] [--report <report.json>]';

export interface ImportArguments {
  file: string;
  dryRun: boolean;
  /** Act as bureau staff of this scope (rows outside it are rejected); without it, as the platform (`system`). */
  scope?: string;
  format?: RegistryFileFormat;
  report?: string;
}

export function parseImportArguments(args: string[]): ImportArguments {
  const out: Partial<ImportArguments> = { dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\nusage: ${IMPORT_USAGE}`);
      return v;
    };
    if (arg === '--dry-run') out.dryRun = true;
    else if (arg === '--scope') {
      out.scope = value();
      if (!/^44\d{0,10}$/.test(out.scope)) throw new Error(`--scope must be a Guangdong division code prefix (44, 4418, 441826 …), got ${out.scope}`);
    } else if (arg === '--format') {
      const format = value();
      if (!(REGISTRY_FILE_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be csv or xlsx, got ${format}`);
      out.format = format as RegistryFileFormat;
    } else if (arg === '--report') out.report = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\nusage: ${IMPORT_USAGE}`);
    else if (out.file === undefined) out.file = arg;
    else throw new Error(`one file at a time\nusage: ${IMPORT_USAGE}`);
  }
  if (!out.file) throw new Error(`usage: ${IMPORT_USAGE}`);
  return out as ImportArguments;
}

/**
 * `cli import-organizations`: the registry import of POST /api/organizations/import for files of
 * any size, with progress bars for checking and registering. Prints a summary and the rejected
 * rows; `--report` writes the whole per-row report as JSON. The directory is brought up to date
 * first, so that credit codes already registered are recognised.
 */
export async function importOrganizations(
  app: INestApplicationContext,
  args: ImportArguments,
  bar: (label: string) => ProgressBar,
  print: (line: string) => void = (line) => console.log(line),
): Promise<ImportReport | undefined> {
  const content = readFileSync(args.file);
  await app.get(ProjectionHost).runner('organizations').catchUp();
  const actor: Actor = args.scope ? { id: 'cli-import-organizations', role: 'bureau', scope: args.scope } : { id: 'cli-import-organizations', role: 'system' };
  const { onProgress, stop: stopBars } = phaseBars(bar, { validate: 'check rows', register: 'register' });
  let report: ImportReport;
  try {
    report = await app.get(RegistryImportService).import(content, { actor, correlationId: `cli-import-${randomUUID()}`, format: args.format, dryRun: args.dryRun, onProgress });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    stopBars();
    print(`${args.file}: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  }
  stopBars();
  const rejected = report.results.filter((r) => r.status === 'rejected');
  for (const r of rejected.slice(0, 50)) print(`row ${r.row}${r.creditCode ? ` ${r.creditCode}` : ''}: ${(r.errors ?? []).map((e) => e.message).join('; ')}`);
  if (rejected.length > 50) print(`… and ${rejected.length - 50} more rejected rows${args.report ? '' : ' (--report <file> writes them all)'}`);
  if (report.ignoredColumns.length) print(`columns not imported: ${report.ignoredColumns.join(', ')}`);
  print(
    `${args.file} (${report.format}${args.dryRun ? ', dry run' : ''}): ${report.rows} rows — ` +
      (args.dryRun ? `${report.wouldRegister} would be registered` : `${report.registered} registered`) +
      `, ${report.existing} already registered, ${report.rejected} rejected`,
  );
  if (args.report) {
    writeFileSync(args.report, JSON.stringify(report, null, 2));
    print(`report written to ${args.report}`);
  }
  return report;
}
