import type { Response } from 'express';
import { StoredFileInfo } from './evidence.model';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' };

/**
 * Sends a stored file: its recorded type, never sniffed by the browser, sandboxed so that nothing in
 * it runs as a page of this site; immutable, as the address is the content's hash.
 */
export function sendEvidence(response: Response, file: { info: StoredFileInfo; bytes: Buffer }, publicFile = false): void {
  response.setHeader('Content-Type', file.info.mediaType);
  response.setHeader('Content-Length', String(file.bytes.length));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
  response.setHeader('Content-Disposition', `inline; filename="${file.info.sha256.slice(0, 16)}.${EXTENSIONS[file.info.mediaType] ?? 'bin'}"`);
  response.setHeader('Cache-Control', publicFile ? 'public, max-age=31536000, immutable' : 'private, max-age=3600, immutable');
  response.setHeader('ETag', `"${file.info.sha256}"`);
  response.status(200).end(file.bytes);
}
