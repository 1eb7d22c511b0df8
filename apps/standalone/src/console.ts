import { INestApplication, Logger } from '@nestjs/common';
import type { configureHttpApp } from '@shecun/core';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';

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

/** The compressed copies the build writes beside each asset (apps/console/scripts/precompress.js), best first. */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * Serves the web console at `/` (after {@link configureHttpApp}, which compresses every answer: a
 * phone on a weak signal downloads a third of the bytes): hashed assets cached for a year, sent as
 * the build compressed them (brotli at its best quality, else gzip, as the browser accepts) when it
 * did, and index.html for every other GET outside /api and /health, so the console's own routes
 * survive a reload. Without a built console the app serves the API alone and says so once.
 */
export function serveConsole(app: INestApplication, dist: string | undefined = locateConsoleDist()): boolean {
  if (!dist) {
    new Logger('Console').warn(`web console not built (${CONSOLE_DIST} missing): serving the API only; npm run build:console builds it`);
    return false;
  }
  const index = join(dist, 'index.html');
  const assets = join(dist, 'assets');
  const immutable = 'public, max-age=31536000, immutable';
  // A hashed asset with a compressed copy: the copy, as it is (the compression middleware leaves an
  // answer that already has a Content-Encoding alone).
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !request.path.startsWith('/assets/')) return next();
    let file: string;
    try {
      file = normalize(join(dist, decodeURIComponent(request.path)));
    } catch {
      return next();
    }
    if (!file.startsWith(assets + sep)) return next();
    // The best the browser accepts (not the first it names: browsers name gzip before br).
    const copy = PRECOMPRESSED.find((candidate) => request.acceptsEncodings(candidate.encoding) === candidate.encoding && existsSync(file + candidate.suffix));
    if (!copy || !existsSync(file)) return next();
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('Content-Encoding', copy.encoding);
    response.setHeader('Cache-Control', immutable);
    response.type(extname(file));
    response.sendFile(file + copy.suffix, { cacheControl: false, lastModified: true }, (error) => error && next(error));
  });
  app.use(
    express.static(dist, {
      index: false,
      setHeaders: (response, path) => {
        response.setHeader('Cache-Control', path.startsWith(assets) ? immutable : 'no-cache');
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
