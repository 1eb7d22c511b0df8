import { argon2id, hash, verify } from 'argon2';

/**
 * Passwords are kept as argon2id hashes (the library's defaults: 64 MiB, 3 passes, 4 lanes, with
 * the parameters in the encoded hash, so they can be raised later without breaking old hashes).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), { type: argon2id });
}

/** Spent on unknown users too, so a missing user is not told apart from a wrong password by timing. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored || !stored.startsWith('$argon2')) {
    decoy ??= hashPassword('decoy password, never matches');
    await verify(await decoy, password.normalize('NFKC')).catch(() => false);
    return false;
  }
  return verify(stored, password.normalize('NFKC')).catch(() => false);
}
