import { REGISTRY_FILE_FORMATS, RegistryFileFormat } from '@shecun/organizations';

/** What every `cli import-…` command takes: one file, a dry run, the scope to act in, the format and a report file. */
export interface ImportFileArguments {
  file: string;
  dryRun: boolean;
  /** Act as bureau staff of this scope (rows outside it are refused); without it, as the platform (`system`). */
  scope?: string;
  format?: RegistryFileFormat;
  report?: string;
}

/**
 * Reads an import command's arguments: `<file> [--dry-run] [--scope <code>] [--format csv|xlsx]
 * [--report <file>]`, the scope checked against `scope.pattern`, and the command's own options
 * that take a value (`extra`, by name without the dashes).
 */
export function parseImportFileArguments(
  args: string[],
  usage: string,
  scope: { pattern: RegExp; message: string },
  extra: Record<string, (value: string) => void> = {},
): ImportFileArguments {
  const out: Partial<ImportFileArguments> = { dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\nusage: ${usage}`);
      return v;
    };
    if (arg === '--dry-run') out.dryRun = true;
    else if (arg === '--scope') {
      out.scope = value();
      if (!scope.pattern.test(out.scope)) throw new Error(`${scope.message}, got ${out.scope}`);
    } else if (arg === '--format') {
      const format = value();
      if (!(REGISTRY_FILE_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be csv or xlsx, got ${format}`);
      out.format = format as RegistryFileFormat;
    } else if (arg === '--report') out.report = value();
    else if (arg.startsWith('--') && Object.hasOwn(extra, arg.slice(2))) extra[arg.slice(2)](value());
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\nusage: ${usage}`);
    else if (out.file === undefined) out.file = arg;
    else throw new Error(`one file at a time\nusage: ${usage}`);
  }
  if (!out.file) throw new Error(`usage: ${usage}`);
  return out as ImportFileArguments;
}
