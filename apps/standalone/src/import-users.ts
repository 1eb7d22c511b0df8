import { INestApplicationContext } from '@nestjs/common';
import { Actor, DomainError } from '@shecun/core';
import { UserImportReport, UserImportService } from '@shecun/identity';
import { ProjectionHost } from '@shecun/projections';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ImportFileArguments, parseImportFileArguments } from './import-arguments';
import { phaseBars, ProgressBar } from './phase-bars';

export const IMPORT_USERS_USAGE = 'cli import-users <file.csv|file.xlsx> [--dry-run] [--passwords-out <passwords.csv>] [--scope <division prefix>] [--format csv|xlsx] [--report <report.json>]';

export interface ImportUsersArguments extends ImportFileArguments {
  /** Where the one-time passwords of the users created go (a CSV for the bureau, readable by the owner only). */
  passwordsOut?: string;
}

export function parseImportUsersArguments(args: string[]): ImportUsersArguments {
  let passwordsOut: string | undefined;
  const scope = { pattern: /^44(\d{2}|\d{4})?$/, message: "--scope must be a bureau's scope: 44, a city (4418) or a county (441826)" };
  const out: ImportUsersArguments = parseImportFileArguments(args, IMPORT_USERS_USAGE, scope, { 'passwords-out': (value) => (passwordsOut = value) });
  if (passwordsOut !== undefined) out.passwordsOut = passwordsOut;
  if (!out.dryRun && !out.passwordsOut) {
    throw new Error(`新用户的一次性密码须写入文件：请加 --passwords-out <文件> (new users' one-time passwords must go to a file: add --passwords-out <file>)\nusage: ${IMPORT_USERS_USAGE}`);
  }
  if (out.passwordsOut && existsSync(out.passwordsOut)) throw new Error(`${out.passwordsOut} exists already: choose a new file (one-time passwords are never written over)`);
  return out;
}

/**
 * `cli import-users`: the bulk onboarding of POST /api/users/import for lists of any size, with
 * progress bars. Prints a per-row line for every row not simply created (in Chinese and English)
 * and a summary; the one-time passwords of the users created go to `--passwords-out` only (a CSV
 * for the bureau to hand out, mode 0600), never to the terminal.
 */
export async function importUsers(
  app: INestApplicationContext,
  args: ImportUsersArguments,
  bar: (label: string) => ProgressBar,
  print: (line: string) => void = (line) => console.log(line),
): Promise<UserImportReport | undefined> {
  const content = readFileSync(args.file);
  // Existing grants are read from the user streams; organizations' registrations from this view.
  await app.get(ProjectionHost).runner('identity-organization-scopes').catchUp();
  const actor: Actor = args.scope ? { id: 'cli-import-users', role: 'bureau', scope: args.scope } : { id: 'cli-import-users', role: 'system' };
  const { onProgress, stop: stopBars } = phaseBars(bar, { check: 'check rows', write: 'open accounts' });
  let report: UserImportReport;
  try {
    report = await app.get(UserImportService).import(content, { actor, correlationId: `cli-import-users-${randomUUID()}`, format: args.format, dryRun: args.dryRun, onProgress });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    stopBars();
    print(`${args.file}: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  }
  stopBars();
  const created = report.results.filter((r) => r.status === 'created');
  if (args.passwordsOut && created.length) {
    const rows = created.map((r) => [r.row, r.username, r.displayName, r.grant?.role, r.grant?.scope ?? r.grant?.organizationId ?? '', r.oneTimePassword]);
    const header = ['行 row', '用户名 username', '姓名 name', '角色 role', '范围 scope', '一次性密码 one-time password (首次登录须修改 change at first sign-in)'];
    writeFileSync(args.passwordsOut, `\uFEFF${stringify([header, ...rows])}`, { mode: 0o600, flag: 'wx' });
  }
  const noted = report.results.filter((r) => r.status !== 'created' && r.status !== 'would_create');
  for (const r of noted.slice(0, 50)) {
    const why = r.errors?.length ? `: ${r.errors.map((e) => e.message).join('; ')}` : '';
    print(`row ${r.row}${r.username ? ` ${r.username}` : ''} — ${r.message}${why}`);
  }
  if (noted.length > 50) print(`… and ${noted.length - 50} more rows${args.report ? '' : ' (--report <file> writes them all)'}`);
  if (report.ignoredColumns.length) print(`未导入的列 (columns not imported): ${report.ignoredColumns.join(', ')}`);
  print(
    `${args.file} (${report.format}${args.dryRun ? ', 试运行 dry run' : ''}): ${report.rows} rows — ` +
      (args.dryRun ? `${report.wouldCreate} would be created, ${report.wouldGrant} would get a grant` : `${report.created} created, ${report.granted} given a grant`) +
      `, ${report.unchanged} unchanged, ${report.rejected} rejected`,
  );
  if (args.passwordsOut && created.length) print(`一次性密码已写入 ${args.passwordsOut} (one-time passwords written to ${args.passwordsOut}; hand them out, then delete the file)`);
  if (args.report) {
    // The report never repeats the passwords.
    const { results, ...summary } = report;
    writeFileSync(args.report, JSON.stringify({ ...summary, results: results.map(({ oneTimePassword: _secret, ...r }) => r) }, null, 2));
    print(`report written to ${args.report}`);
  }
  if (report.rejected > 0) process.exitCode = 1;
  return report;
}
