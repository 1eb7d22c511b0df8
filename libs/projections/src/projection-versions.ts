import { Column, DataSource, Entity, EntityManager, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { Projection } from './projection';

/**
 * Which version of a projection's code built the rows in its tables (`Projection.version`),
 * written in the same transaction that empties them for a rebuild (or, for a fresh read model,
 * before its first rows). When the code declares another version than the one stored, the rows
 * are of the old shape: the projection is rebuilt from the event store before it is followed
 * again (ProjectionHost in the embedded topology and the write services, the projector in the
 * distributed one).
 */
@Entity('projection_versions')
export class ProjectionVersion {
  @PrimaryColumn({ type: 'varchar', length: 100 }) projection: string;
  @Column({ type: 'integer' }) version: number;
  @Column({ type: 'varchar', length: 40 }) builtAt: string;
}

/** The version a projection's code writes (1 when it declares none). */
export const versionOf = (projection: Projection): number => projection.version ?? 1;

/** Whether this read database keeps projection versions (tools and tests may open one without). */
export const keepsVersions = (dataSource: DataSource): boolean => dataSource.hasMetadata(ProjectionVersion);

/** Records that the projection's tables hold rows of the version its code writes (inside the transaction that emptied or first filled them). */
export async function recordVersion(manager: EntityManager, projection: Projection, at = new Date().toISOString()): Promise<void> {
  await manager.save(ProjectionVersion, { projection: projection.name, version: versionOf(projection), builtAt: at });
}

export interface OutdatedProjection {
  name: string;
  /** The version that built the stored rows. */
  stored: number;
  /** The version the code writes. */
  current: number;
}

/**
 * The projections whose stored rows were built by another version than their code's. A projection
 * with no recorded version is of version 1 when its tables hold rows (built before versions were
 * recorded) and otherwise fresh: its version is recorded now and it is not outdated.
 */
export async function outdatedProjections(dataSource: DataSource, projections: readonly Projection[]): Promise<OutdatedProjection[]> {
  if (!keepsVersions(dataSource) || projections.length === 0) return [];
  const rows = await dataSource.getRepository(ProjectionVersion).find();
  const stored = new Map(rows.map((row) => [row.projection, row.version]));
  const outdated: OutdatedProjection[] = [];
  for (const projection of projections) {
    let version = stored.get(projection.name);
    if (version === undefined) {
      if (await holdsRows(dataSource, projection)) version = 1;
      else {
        await recordVersion(dataSource.manager, projection);
        continue;
      }
    }
    if (version !== versionOf(projection)) outdated.push({ name: projection.name, stored: version, current: versionOf(projection) });
  }
  return outdated;
}

/** Key of the advisory lock under which the processes sharing a PostgreSQL database check (and rebuild) their projections' versions. */
export const VERSION_LOCK_KEY = 0x5c_4e_56; // "\NV": shecun versions

/**
 * Runs `work` (the check of the projections' versions and the rebuild of outdated ones) alone
 * among the processes sharing the database: on PostgreSQL under a session advisory lock on a
 * connection of its own (instances of a write service started together wait for one another, and
 * the later ones find the versions recorded); SQLite's data folder has one process.
 */
export async function underVersionLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock($1)`, [VERSION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [VERSION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

async function holdsRows(dataSource: DataSource, projection: Projection): Promise<boolean> {
  for (const entity of projection.entities) {
    if (await dataSource.getRepository(entity).createQueryBuilder().select('1').limit(1).getRawOne()) return true;
  }
  return false;
}

/** The table of projection versions in a PostgreSQL database that hosts projections (the projector's read models, the write services' views). */
export class ProjectionVersions1797100000000 implements MigrationInterface {
  name = 'ProjectionVersions1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "projection_versions" ("projection" character varying(100) NOT NULL, "version" integer NOT NULL, "builtAt" character varying(40) NOT NULL, CONSTRAINT "PK_6eb8b73dc6cbc272996190eb096" PRIMARY KEY ("projection"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "projection_versions"`);
  }
}
