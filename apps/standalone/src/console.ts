import { INestApplication, Logger } from '@nestjs/common';
import type { configureHttpApp } from '@shecun/core';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build:console` writes the web console, relative to the repository root. */
export const CONSOLE_DIST = join('apps', 'console', 'dist');

/** Paths the console never answers: the API (with its docs) and the health checks. */
const SERVER_PATHS = /^\/(api|health)(\/|$)/;

/**
 * Finds apps/console/dist (with an index.html) in the nearest folder at or above `from`: works from
 * the TypeScript sources (jest) and from dist/apps/standalone/src alike.
 */
export function locateConsoleDist(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, CONSOLE_DIST);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Serves the web console at `/` (after {@link configureHttpApp}, which compresses every answer: a
 * phone on a weak signal downloads a third of the bytes): hashed assets cached for a year, and
 * index.html for every other GET outside /api and /health, so the console's own routes survive a
 * reload. Without a built console the app serves the API alone and says so once.
 */
export function serveConsole(app: INestApplication, dist: string | undefined = locateConsoleDist()): boolean {
  if (!dist) {
    new Logger('Console').warn(`web console not built (${CONSOLE_DIST} missing): serving the API only; npm run build:console builds it`);
    return false;
  }
  const index = join(dist, 'index.html');
  const assets = join(dist, 'assets');
  app.use(
    express.static(dist, {
      index: false,
      setHeaders: (response, path) => {
        response.setHeader('Cache-Control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(request.path) || request.path.startsWith('/assets/')) {
      return next();
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index, (error) => error && next(error));
  });
  return true;
}
