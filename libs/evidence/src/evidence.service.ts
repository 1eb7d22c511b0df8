import { Inject, Injectable } from '@nestjs/common';
import { Actor, forbidden, invalid, notFound } from '@shecun/core';
import { EventStore, START } from '@shecun/event-store';
import { EvidenceFileRef, EvidenceVisibility, fileRef, referencedFiles, StoredFileInfo } from './evidence.model';
import { evidenceMaxBytes, inspectUpload } from './inspect';
import { EVIDENCE_STORAGE, EvidenceStorage, sha256Of } from './storage';

/**
 * Roles that upload evidence: the organizations that record deliveries, uses and receipts, and the
 * village coordinators who confirm deliveries with a photo of what arrived.
 */
export const UPLOADER_ROLES = ['organization', 'hub', 'coordinator', 'admin'];

export interface UploadAnswer {
  sha256: string;
  mediaType: string;
  size: number;
  thumbnail?: string;
}

export interface FileProblem {
  stream: string;
  revision: number;
  position: number;
  eventId: string;
  type: string;
  sha256: string;
  problem: 'missing' | 'hash-mismatch';
  /** The hash of the bytes found instead (hash-mismatch). */
  found: string | null;
}

export interface FileCheckReport {
  ok: boolean;
  referencesChecked: number;
  filesChecked: number;
  problems: FileProblem[];
}

@Injectable()
export class EvidenceService {
  readonly maxBytes = evidenceMaxBytes();

  constructor(@Inject(EVIDENCE_STORAGE) readonly storage: EvidenceStorage) {}

  /** Checks and stores an upload (nothing is stored when it is refused). */
  async upload(actor: Actor, bytes: Buffer | undefined, keepMetadata: boolean): Promise<UploadAnswer> {
    if (!UPLOADER_ROLES.includes(actor.role)) throw forbidden('只有社会组织和村协调员可以上传证明材料 (only organizations and coordinators upload evidence)');
    if (!bytes) throw invalid('请以 multipart/form-data 的 file 字段上传文件 (send the file as the multipart/form-data field "file")');
    const inspected = await inspectUpload(bytes, { maxBytes: this.maxBytes, keepMetadata });
    const uploadedAt = new Date().toISOString();
    let thumbnail: string | undefined;
    if (inspected.thumbnail) {
      thumbnail = sha256Of(inspected.thumbnail.bytes);
      await this.storage.put({ sha256: thumbnail, mediaType: inspected.thumbnail.mediaType, size: inspected.thumbnail.bytes.length, uploadedBy: actor.id, uploadedAt }, inspected.thumbnail.bytes);
    }
    const sha256 = sha256Of(inspected.bytes);
    const stored = await this.storage.put(
      { sha256, mediaType: inspected.mediaType, size: inspected.bytes.length, uploadedBy: actor.id, uploadedAt, ...(thumbnail ? { thumbnail } : {}) },
      inspected.bytes,
    );
    return { sha256: stored.sha256, mediaType: stored.mediaType, size: stored.size, ...(stored.thumbnail ? { thumbnail: stored.thumbnail } : {}) };
  }

  /** What an event records of a stored file a command references; 422 when it was never uploaded. */
  async resolve(sha256: string, visibility: EvidenceVisibility): Promise<EvidenceFileRef> {
    const info = await this.storage.info(sha256);
    if (!info) {
      throw invalid(`证明材料文件 ${sha256} 未上传 (evidence file ${sha256} was not uploaded; POST /api/evidence first)`, { sha256 });
    }
    return { sha256: info.sha256, mediaType: info.mediaType, size: info.size, uploadedBy: info.uploadedBy, visibility, ...(info.thumbnail ? { thumbnail: info.thumbnail } : {}) };
  }

  /** A file the uploader may look at before referencing it (their own uploads only). */
  async ownUpload(actor: Actor, sha256: string): Promise<{ info: StoredFileInfo; bytes: Buffer }> {
    const info = await this.storage.info(sha256);
    if (!info || (info.uploadedBy !== actor.id && actor.role !== 'admin')) throw notFound(`文件 ${sha256} 不存在 (file not found)`);
    return this.open(info.sha256);
  }

  /**
   * The bytes of a file (or of its thumbnail) that `references` name, for a caller the route
   * already allowed to see the delivery or use; 404 when the reference is not there.
   */
  async openReferenced(references: EvidenceFileRef[], sha256: string, thumbnail: boolean, publicOnly = false) {
    const ref = references.find((r) => r.sha256 === sha256 && (!publicOnly || r.visibility === 'public'));
    if (!ref) throw notFound(`证明材料文件 ${sha256} 不存在 (evidence file not found here)`);
    if (thumbnail) {
      if (!ref.thumbnail) throw notFound('该文件没有缩略图 (this file has no thumbnail)');
      return this.open(ref.thumbnail);
    }
    return this.open(ref.sha256);
  }

  private async open(sha256: string): Promise<{ info: StoredFileInfo; bytes: Buffer }> {
    const [info, bytes] = await Promise.all([this.storage.info(sha256), this.storage.read(sha256)]);
    if (!info || !bytes) throw notFound(`文件 ${sha256} 不在存储中 (file missing from storage)`);
    return { info, bytes };
  }

  /**
   * Hashes the bytes of every file (and thumbnail) any event references and compares them with the
   * recorded SHA-256: a file missing or swapped in storage is named with the stream, revision and hash.
   */
  async verifyFiles(store: EventStore, onProgress?: (checked: number, head: number) => void): Promise<FileCheckReport> {
    const head = await store.headPosition();
    const verdicts = new Map<string, { ok: boolean; found: string | null }>();
    const problems: FileProblem[] = [];
    let references = 0;
    for (let after = START; ; ) {
      const batch = await store.readAll(after, 2000);
      if (batch.length === 0) break;
      for (const e of batch) {
        for (const ref of referencedFiles(e.data)) {
          for (const sha256 of [ref.sha256, ...(ref.thumbnail ? [ref.thumbnail] : [])]) {
            references += 1;
            let verdict = verdicts.get(sha256);
            if (!verdict) {
              const bytes = await this.storage.read(sha256);
              const found = bytes ? sha256Of(bytes) : null;
              verdict = { ok: found === sha256, found };
              verdicts.set(sha256, verdict);
            }
            if (!verdict.ok) {
              problems.push({ stream: e.streamName, revision: e.revision, position: e.position, eventId: e.id, type: e.type, sha256, problem: verdict.found ? 'hash-mismatch' : 'missing', found: verdict.found });
            }
          }
        }
      }
      after = batch[batch.length - 1].position;
      onProgress?.(after, head);
    }
    return { ok: problems.length === 0, referencesChecked: references, filesChecked: verdicts.size, problems };
  }
}

/** An evidence entry as a command body gives it: a document number or URL, or an uploaded file's hash. */
export interface EvidenceInput<K extends string> {
  kind: K;
  ref?: string;
  note?: string;
  sha256?: string;
  visibility?: EvidenceVisibility;
}

/**
 * Turns evidence entries from a request into what the event records: entries naming an uploaded
 * file get `ref: sha256:<hash>` and `file` (hash, type, size, uploader, visibility, thumbnail).
 * A file that was never uploaded is refused (422) before anything is appended.
 */
export async function resolveEvidence<T extends EvidenceInput<string>>(
  service: EvidenceService | undefined,
  items: T[],
): Promise<(Omit<T, 'sha256' | 'visibility' | 'ref'> & { ref: string; file?: EvidenceFileRef })[]> {
  const out: (Omit<T, 'sha256' | 'visibility' | 'ref'> & { ref: string; file?: EvidenceFileRef })[] = [];
  for (const item of items) {
    const { sha256, visibility, ref, ...rest } = item;
    const kept = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== '')) as Omit<T, 'sha256' | 'visibility' | 'ref'>;
    if (sha256) {
      if (!service) throw invalid('此服务不接收证明材料文件 (evidence files are not available on this service)');
      const file = await service.resolve(sha256, visibility ?? 'internal');
      out.push({ ...kept, ref: ref ?? fileRef(file.sha256), file });
    } else {
      out.push({ ...kept, ref: ref ?? '' });
    }
  }
  return out;
}
