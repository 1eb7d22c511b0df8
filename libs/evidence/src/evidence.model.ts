/**
 * Evidence files (证明材料文件): photos, scans and PDFs uploaded once, stored by the SHA-256 of their
 * bytes, and referenced by that hash from deliveries, donation uses and receipts. The event that
 * references a file records its hash, type, size, uploader and visibility; a donation event's data
 * is sealed by the ledger's hash chain, so the file hash is sealed with it.
 */
export const EVIDENCE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];

export const EVIDENCE_VISIBILITIES = ['public', 'internal'] as const;
/** public: shown on the disclosure page and downloadable by anyone; internal: only to those who may see the delivery or use. */
export type EvidenceVisibility = (typeof EVIDENCE_VISIBILITIES)[number];

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** A stored file as the storage keeps it (the bytes are addressed by sha256). */
export interface StoredFileInfo {
  sha256: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  uploadedAt: string;
  /** The thumbnail's own content hash (images only). */
  thumbnail?: string;
}

/** A file as an event records it, under an evidence entry's `file`. */
export interface EvidenceFileRef {
  sha256: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  visibility: EvidenceVisibility;
  thumbnail?: string;
}

/** The `ref` an evidence entry that points to a file carries (old entries keep their free-text ref). */
export const fileRef = (sha256: string) => `sha256:${sha256}`;

/** Every file referenced by an event's data: evidence entries with a `file`, wherever they are. */
export function referencedFiles(data: unknown): EvidenceFileRef[] {
  const out: EvidenceFileRef[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const file = record.file as Partial<EvidenceFileRef> | undefined;
    if (file && typeof file === 'object' && typeof file.sha256 === 'string' && SHA256_PATTERN.test(file.sha256)) out.push(file as EvidenceFileRef);
    for (const [key, v] of Object.entries(record)) if (key !== 'file' && key !== 'ledger') visit(v, depth + 1);
  };
  visit(data, 0);
  return out;
}
