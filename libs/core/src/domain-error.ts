/**
 * A rejection decided by the domain. Each kind maps to one HTTP status:
 * invalid → 422, conflict → 409, not-found → 404, forbidden → 403, stale → 412 (the caller's
 * If-Match names a revision the stream has moved past).
 */
export type DomainErrorKind = 'invalid' | 'conflict' | 'not-found' | 'forbidden' | 'stale';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const invalid = (message: string, details?: Record<string, unknown>) => new DomainError('invalid', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError('conflict', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) => new DomainError('not-found', message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) => new DomainError('forbidden', message, details);
