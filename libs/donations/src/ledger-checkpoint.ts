import { createHash, createPublicKey, KeyObject, sign, verify, JsonWebKey } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { BrokenLink, LedgerEntry, LedgerVerifier, LinkProblem, Seal, VerificationReport } from './ledger';

/**
 * Ledger checkpoints: the head of every donation and fund chain (its last sequence number and
 * hash) sealed into one Merkle root, kept as an event and exported as a signed file an auditor
 * keeps outside the system. Checked against such a file, the ledger shows any stream whose events
 * up to the checkpoint are gone or changed, including a deleted tail, which no chain shows by
 * itself. Pure functions and accumulators, no I/O.
 */

/** The stream the checkpoints are appended to. */
export const LEDGER_CHECKPOINT_STREAM = 'ledger-checkpoints';
export const LEDGER_CHECKPOINTED = 'LedgerCheckpointed';
/** The `format` of an exported checkpoint file. */
export const CHECKPOINT_FORMAT = 'shecun-ledger-checkpoint/1';

/** One sealed chain: the stream, the sequence number of its last event, and that event's hash. */
export type SealedHead = [stream: string, seq: number, hash: string];

const byStream = (a: SealedHead, b: SealedHead) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The heads in the order the root is computed over: by stream name (UTF-16 code units). */
export const sortHeads = (heads: readonly SealedHead[]): SealedHead[] => [...heads].sort(byStream);

/** A leaf's bytes: the canonical JSON array `["<stream>",<seq>,"<hash>"]` in UTF-8. */
export const leafBytes = ([stream, seq, hash]: SealedHead): Buffer => Buffer.from(JSON.stringify([stream, seq, hash]), 'utf8');

const digest = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ leaf). */
export const leafHash = (head: SealedHead): string => digest(LEAF_PREFIX, leafBytes(head)).toString('hex');

function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return digest();
  if (leaves.length === 1) return leaves[0];
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return digest(NODE_PREFIX, treeHash(leaves.slice(0, split)), treeHash(leaves.slice(split)));
}

/**
 * The Merkle tree hash of RFC 6962 (Certificate Transparency) over the heads sorted by stream:
 * leaves SHA-256(0x00 ‖ leaf), nodes SHA-256(0x01 ‖ left ‖ right), split at the largest power of
 * two below the count; the empty tree is SHA-256 of nothing. A stream named twice is refused.
 */
export function merkleRoot(heads: readonly SealedHead[]): string {
  const sorted = sortHeads(heads);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] === sorted[i - 1][0]) throw new Error(`stream ${sorted[i][0]} is sealed twice`);
  }
  return treeHash(sorted.map((h) => digest(LEAF_PREFIX, leafBytes(h)))).toString('hex');
}

/** Who took a checkpoint, as every event records it. */
export interface CheckpointActor {
  actorId: string;
  actorRole: string;
  actorOrganizationId?: string;
}

/** A checkpoint as its event holds it. */
export interface LedgerCheckpoint {
  id: string;
  /** When the heads were sealed (ISO instant). */
  at: string;
  root: string;
  streams: SealedHead[];
  /** Ledger events covered, and the last log position read. */
  events: number;
  throughPosition: number;
  /** Whether every chain verified when the checkpoint was taken, and how many links did not. */
  ledgerOk: boolean;
  brokenLinks: number;
  reason: string;
  /** The checkpoint before this one in the stream, if any. */
  previous: { id: string; root: string } | null;
  by: CheckpointActor;
}

/** The signed file an auditor keeps: the checkpoint, the issuer, and an RS256 signature over the rest in canonical JSON. */
export interface CheckpointFile extends LedgerCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  issuer: string;
  signature: { alg: 'RS256'; kid: string; value: string };
}

export type UnsignedCheckpointFile = Omit<CheckpointFile, 'signature'>;

/** What is signed: the file without its signature, as JSON with sorted keys and no white space. */
export function canonicalCheckpoint(file: UnsignedCheckpointFile | CheckpointFile): string {
  const { signature: _signature, ...rest } = file as CheckpointFile;
  return stringify(rest) as string;
}

/** Signs a checkpoint with an RSA private key: RSASSA-PKCS1-v1_5 with SHA-256 (RS256), base64url. */
export function signCheckpoint(unsigned: UnsignedCheckpointFile, privateKey: KeyObject, kid: string): CheckpointFile {
  const value = sign('sha256', Buffer.from(canonicalCheckpoint(unsigned), 'utf8'), privateKey).toString('base64url');
  return { ...unsigned, signature: { alg: 'RS256', kid, value } };
}

/** A public key that may have signed checkpoints, with its key id when known (from a JWKS). */
export interface CheckpointKey {
  kid?: string;
  key: KeyObject;
}

/** The RSA keys of a JWKS document (as `GET /api/auth/jwks.json` answers it). */
export function keysOfJwks(jwks: unknown): CheckpointKey[] {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new Error('not a JWKS document: no "keys" array');
  return keys
    .filter((k): k is JsonWebKey & { kid?: string } => typeof k === 'object' && k !== null && (k as { kty?: unknown }).kty === 'RSA')
    .map((k) => ({ ...(typeof k.kid === 'string' ? { kid: k.kid } : {}), key: createPublicKey({ key: k, format: 'jwk' }) }));
}

/**
 * Whether one of `keys` signed the file. The key named by the signature's kid is tried when it is
 * among them, otherwise every key; only RS256 is accepted.
 */
export function checkpointSignatureValid(file: CheckpointFile, keys: readonly CheckpointKey[]): boolean {
  const signature = file.signature;
  if (!signature || signature.alg !== 'RS256' || typeof signature.value !== 'string') return false;
  const named = keys.filter((k) => k.kid !== undefined && k.kid === signature.kid);
  const candidates = named.length ? named : keys;
  const data = Buffer.from(canonicalCheckpoint(file), 'utf8');
  const value = Buffer.from(signature.value, 'base64url');
  return candidates.some(({ key }) => {
    const publicKey = key.type === 'public' ? key : createPublicKey(key);
    if (publicKey.asymmetricKeyType !== 'rsa') return false;
    try {
      return verify('sha256', data, publicKey, value);
    } catch {
      return false;
    }
  });
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * What is wrong with a value offered as a checkpoint file, before its signature is looked at: the
 * format, the fields, the heads (sorted, each stream once) and the root they must give. Empty
 * when nothing is.
 */
export function checkpointFileProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['not a JSON object'];
  const f = value as Partial<CheckpointFile>;
  const problems: string[] = [];
  if (f.format !== CHECKPOINT_FORMAT) problems.push(`format must be "${CHECKPOINT_FORMAT}"`);
  if (typeof f.id !== 'string' || !f.id) problems.push('id missing');
  if (typeof f.at !== 'string' || Number.isNaN(Date.parse(f.at))) problems.push('at must be an ISO instant');
  if (typeof f.root !== 'string' || !HASH.test(f.root)) problems.push('root must be 64 hexadecimal digits');
  if (typeof f.signature !== 'object' || f.signature === null || typeof f.signature.value !== 'string' || typeof f.signature.kid !== 'string') problems.push('signature missing');
  if (!Array.isArray(f.streams)) return [...problems, 'streams must be a list of [stream, seq, hash]'];
  const bad = f.streams.findIndex((h) => !Array.isArray(h) || h.length !== 3 || typeof h[0] !== 'string' || !h[0] || !Number.isSafeInteger(h[1]) || h[1] < 0 || typeof h[2] !== 'string' || !HASH.test(h[2]));
  if (bad >= 0) return [...problems, `streams[${bad}] must be [stream, seq, hash]`];
  for (let i = 1; i < f.streams.length; i++) {
    if (byStream(f.streams[i - 1], f.streams[i]) >= 0) return [...problems, `streams must be sorted by stream, each once (at ${f.streams[i][0]})`];
  }
  if (typeof f.root === 'string' && merkleRoot(f.streams) !== f.root) problems.push('root does not match the listed streams');
  return problems;
}

// ---- comparing the ledger with a checkpoint ---------------------------------------------------

/** What the ledger holds now of one stream a checkpoint sealed. */
export interface ObservedStream {
  /** Revisions up to the sealed sequence number that are not in the stream, as inclusive ranges. */
  missing: [from: number, to: number][];
  /** The stored hash of the event at the sealed sequence number, null when there is none or it has no seal. */
  hashAtSealed: string | null;
  /** The first broken link at or before the sealed sequence number. */
  firstBroken: Pick<BrokenLink, 'revision' | 'eventId' | 'problem' | 'expected' | 'found'> | null;
}

export type CheckpointProblem = 'stream-missing' | 'events-missing' | 'event-changed' | 'head-differs';

export interface CheckpointFinding {
  stream: string;
  problem: CheckpointProblem;
  /** The sealed head. */
  sealedSeq: number;
  sealedHash: string;
  /** The first revision missing or changed. */
  revision: number;
  /** Missing revisions (inclusive ranges), for stream-missing and events-missing. */
  missing: [from: number, to: number][];
  /** For event-changed: the event and the broken link; for head-differs: the hash found. */
  eventId: string | null;
  link: LinkProblem | null;
  found: string | number | null;
  detail: string;
}

const ranges = (missing: [number, number][]) => missing.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');

/**
 * Compares the sealed heads with what the ledger holds now: a stream gone, revisions up to the
 * sealed one missing (a deleted tail among them), a changed event at or before the sealed one (a
 * broken link), or a different hash at the sealed one (the chain rewritten up to there). Findings
 * sorted by stream, then revision.
 */
export function compareWithCheckpoint(sealed: readonly SealedHead[], observed: ReadonlyMap<string, ObservedStream>): CheckpointFinding[] {
  const findings: CheckpointFinding[] = [];
  for (const [stream, seq, hash] of sortHeads(sealed)) {
    const base = { stream, sealedSeq: seq, sealedHash: hash, eventId: null, link: null, found: null };
    const seen = observed.get(stream);
    if (!seen) {
      findings.push({ ...base, problem: 'stream-missing', revision: 0, missing: [[0, seq]], detail: `${stream}: the stream is gone; revisions 0-${seq} sealed` });
      continue;
    }
    if (seen.firstBroken) {
      const b = seen.firstBroken;
      findings.push({ ...base, problem: 'event-changed', revision: b.revision, missing: [], eventId: b.eventId, link: b.problem, found: b.found, detail: `${stream}: revision ${b.revision} (event ${b.eventId}) changed: ${b.problem}` });
    }
    if (seen.missing.length) {
      const first = seen.missing[0][0];
      const plural = seen.missing.length > 1 || seen.missing[0][0] !== seen.missing[0][1];
      findings.push({ ...base, problem: 'events-missing', revision: first, missing: seen.missing, detail: `${stream}: revision${plural ? 's' : ''} ${ranges(seen.missing)} missing (sealed up to ${seq})` });
    } else if (seen.hashAtSealed !== hash) {
      findings.push({ ...base, problem: 'head-differs', revision: seq, missing: [], found: seen.hashAtSealed, detail: `${stream}: revision ${seq} has hash ${seen.hashAtSealed ?? '(none)'}, sealed ${hash}` });
    }
  }
  return findings.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.revision - b.revision));
}

export interface CheckpointComparison {
  ok: boolean;
  checkpoint: { id: string; at: string; root: string; streams: number };
  /** Sealed streams found with every sealed event in place. */
  streamsIntact: number;
  /** Ledger streams the checkpoint does not name (begun after it). */
  streamsAfter: number;
  findings: CheckpointFinding[];
  /** The ordinary chain check of the whole ledger, done on the same pass. */
  ledger: VerificationReport;
}

/**
 * Reads the ledger's events in log order (like LedgerVerifier, which it runs alongside) and
 * compares them with a checkpoint's heads.
 */
export class CheckpointComparer {
  private readonly verifier = new LedgerVerifier();
  private readonly sealed: Map<string, { seq: number; hash: string }>;
  private readonly observed = new Map<string, ObservedStream & { next: number }>();
  private readonly after = new Set<string>();

  constructor(private readonly checkpoint: Pick<LedgerCheckpoint, 'id' | 'at' | 'root' | 'streams'>) {
    this.sealed = new Map(checkpoint.streams.map(([stream, seq, hash]) => [stream, { seq, hash }]));
  }

  add(entry: LedgerEntry): void {
    const broken = this.verifier.add(entry);
    const sealed = this.sealed.get(entry.stream);
    if (!sealed) {
      this.after.add(entry.stream);
      return;
    }
    let seen = this.observed.get(entry.stream);
    if (!seen) this.observed.set(entry.stream, (seen = { next: 0, missing: [], hashAtSealed: null, firstBroken: null }));
    const gap = entry.revision > seen.next;
    if (gap && seen.next <= sealed.seq) seen.missing.push([seen.next, Math.min(entry.revision - 1, sealed.seq)]);
    seen.next = Math.max(seen.next, entry.revision + 1);
    if (entry.revision === sealed.seq) {
      const seal = entry.data.ledger as Partial<Seal> | undefined;
      seen.hashAtSealed = typeof seal?.hash === 'string' ? seal.hash : null;
    }
    // A gap in the revisions is reported as the revisions missing, not again as a changed event.
    if (broken && !(gap && broken.problem === 'sequence-gap') && entry.revision <= sealed.seq && !seen.firstBroken) {
      seen.firstBroken = { revision: broken.revision, eventId: broken.eventId, problem: broken.problem, expected: broken.expected, found: broken.found };
    }
  }

  report(): CheckpointComparison {
    const observed = new Map<string, ObservedStream>();
    for (const [stream, seen] of this.observed) {
      const sealed = this.sealed.get(stream)!;
      const missing = [...seen.missing];
      if (seen.next <= sealed.seq) missing.push([seen.next, sealed.seq]);
      observed.set(stream, { missing, hashAtSealed: seen.hashAtSealed, firstBroken: seen.firstBroken });
    }
    const findings = compareWithCheckpoint(this.checkpoint.streams, observed);
    const troubled = new Set(findings.map((f) => f.stream));
    const ledger = this.verifier.report();
    return {
      ok: findings.length === 0 && ledger.ok,
      checkpoint: { id: this.checkpoint.id, at: this.checkpoint.at, root: this.checkpoint.root, streams: this.checkpoint.streams.length },
      streamsIntact: this.checkpoint.streams.length - troubled.size,
      streamsAfter: this.after.size,
      findings,
      ledger,
    };
  }
}
