import { INestApplicationContext } from '@nestjs/common';
import { Actor, DomainError } from '@shecun/core';
import { ImportReport, RegistryImportService } from '@shecun/organizations';
import { ProjectionHost } from '@shecun/projections';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ImportFileArguments, parseImportFileArguments } from './import-arguments';
import { phaseBars, ProgressBar } from './phase-bars';

export type { ProgressBar };

export const IMPORT_USAGE = 'cli import-organizations <file.csv|file.xlsx> [--dry-run] [--scope <division prefix>] [--format csv|xlsx] [--report <report.json>]';

export type ImportArguments = ImportFileArguments;

export const parseImportArguments = (args: string[]): ImportArguments =>
  parseImportFileArguments(args, IMPORT_USAGE, { pattern: /^44\d{0,10}$/, message: '--scope must be a Guangdong division code prefix (44, 4418, 441826 …)' });

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
