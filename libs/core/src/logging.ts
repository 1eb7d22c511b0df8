import { Logger, LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';

/** The levels LOG_LEVEL accepts, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL: one of {@link LOG_LEVELS}, `info` when unset; anything else stops the start. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevelName {
  const value = env.LOG_LEVEL?.trim().toLowerCase();
  if (!value) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  return value as LogLevelName;
}

/** A process's JSON logs: the pino logger writing them, and the Nest logger over it. */
export interface JsonLogs {
  root: pino.Logger;
  nest: LoggerService;
}

let current: JsonLogs | undefined;

/**
 * Starts the process's logs as JSON lines on stdout (pino, through nestjs-pino): one line per entry
 * with `level` (its name), `time` (ISO 8601), `app`, `pid`, `msg`, and `context` for Nest's
 * loggers; LOG_LEVEL sets the level. Every `Logger` of Nest — static calls and `new Logger(…)` —
 * writes through it from here on; HTTP apps add one line per request ({@link jsonLogs}, in
 * configureHttpApp). Called first in each app's main; a second call returns the same logs.
 */
export function startJsonLogs(app: string, env: NodeJS.ProcessEnv = process.env): JsonLogs {
  if (current) return current;
  const root = pino(
    {
      level: logLevelFromEnv(env),
      base: { app, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Written as each entry comes: a process that exits right after logging loses nothing.
    pino.destination({ dest: 1, sync: true }),
  );
  const nest = new PinoNestLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
  Logger.overrideLogger(nest);
  current = { root, nest };
  return current;
}

/** This process's JSON logs, if its main started them (never in tests that build apps in-process). */
export const jsonLogs = (): JsonLogs | undefined => current;

/** Logs what stopped a process (as JSON when its logs are, else on stderr), then exits with 1. */
export function exitOnStartFailure(error: unknown): never {
  if (current) current.root.fatal(error instanceof Error ? { err: error } : {}, error instanceof Error ? error.message : String(error));
  else console.error(error);
  process.exit(1);
}
