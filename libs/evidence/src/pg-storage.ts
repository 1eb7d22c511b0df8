import { Pool } from 'pg';
import { SHA256_PATTERN, StoredFileInfo } from './evidence.model';
import { EvidenceStorage, sha256Of } from './storage';

/**
 * The distributed topology's storage: a bytea table in PostgreSQL, shared by every instance of the
 * services that take uploads and serve downloads. Files are immutable rows keyed by their hash.
 */
export class PostgresEvidenceStorage implements EvidenceStorage {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly table = 'evidence_files',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid table name ${table}`);
  }

  static fromUrl(url: string, table?: string): PostgresEvidenceStorage {
    return new PostgresEvidenceStorage(new Pool({ connectionString: url, max: 4 }), table);
  }

  /** Creates the table if it is missing (idempotent). */
  ensureSchema(): Promise<void> {
    this.ready ??= this.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           sha256 char(64) PRIMARY KEY,
           media_type text NOT NULL,
           size integer NOT NULL,
           uploaded_by text NOT NULL,
           uploaded_at timestamptz NOT NULL,
           thumbnail char(64),
           bytes bytea NOT NULL
         )`,
      )
      .then(() => undefined);
    return this.ready;
  }

  async put(info: StoredFileInfo, bytes: Buffer): Promise<StoredFileInfo> {
    await this.ensureSchema();
    if (!SHA256_PATTERN.test(info.sha256) || sha256Of(bytes) !== info.sha256) throw new Error(`bytes do not hash to ${info.sha256}`);
    await this.pool.query(
      `INSERT INTO ${this.table} (sha256, media_type, size, uploaded_by, uploaded_at, thumbnail, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING`,
      [info.sha256, info.mediaType, info.size, info.uploadedBy, info.uploadedAt, info.thumbnail ?? null, bytes],
    );
    return (await this.info(info.sha256))!;
  }

  async info(sha256: string): Promise<StoredFileInfo | null> {
    if (!SHA256_PATTERN.test(sha256)) return null;
    await this.ensureSchema();
    const { rows } = await this.pool.query(`SELECT sha256, media_type, size, uploaded_by, uploaded_at, thumbnail FROM ${this.table} WHERE sha256 = $1`, [sha256]);
    const r = rows[0];
    if (!r) return null;
    return {
      sha256: r.sha256,
      mediaType: r.media_type,
      size: r.size,
      uploadedBy: r.uploaded_by,
      uploadedAt: new Date(r.uploaded_at).toISOString(),
      ...(r.thumbnail ? { thumbnail: r.thumbnail } : {}),
    };
  }

  async read(sha256: string): Promise<Buffer | null> {
    if (!SHA256_PATTERN.test(sha256)) return null;
    await this.ensureSchema();
    const { rows } = await this.pool.query(`SELECT bytes FROM ${this.table} WHERE sha256 = $1`, [sha256]);
    return rows[0] ? (rows[0].bytes as Buffer) : null;
  }

  async count(): Promise<number> {
    await this.ensureSchema();
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return rows[0].n as number;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
