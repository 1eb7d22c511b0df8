import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Bulk reads and writes of read-model rows in plain SQL built once per table and row count (the
 * driver's value conversions and the columns' transformers applied as TypeORM's own find and
 * upsert do), for projections applying thousands of events per transaction: TypeORM's query
 * builder spends more time on a few hundred parameters than the database spends on the rows.
 */

/** Rows per statement: a batch is read and written in chunks of these sizes, so few distinct statements are prepared. */
const SIZES = [256, 64, 16, 4, 1];

function* sized<T>(items: T[]): Generator<T[]> {
  let offset = 0;
  for (const size of SIZES) {
    while (items.length - offset >= size) {
      yield items.slice(offset, offset + size);
      offset += size;
    }
  }
}

interface Table {
  columns: ColumnMetadata[];
  create: () => ObjectLiteral;
  statements: Map<string, string>;
  quotedName: string;
  keys: ColumnMetadata[];
  numbered: boolean;
}

const TABLES = new WeakMap<object, Map<string, Table>>();
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function tableOf(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): Table {
  const connection = manager.connection;
  let tables = TABLES.get(connection);
  if (!tables) TABLES.set(connection, (tables = new Map()));
  const metadata = connection.getMetadata(entity);
  let table = tables.get(metadata.name);
  if (!table) {
    table = {
      columns: metadata.columns,
      create: () => metadata.create(),
      statements: new Map(),
      quotedName: quote(metadata.tablePath),
      keys: metadata.primaryColumns,
      numbered: connection.options.type === 'postgres',
    };
    tables.set(metadata.name, table);
  }
  return table;
}

function placeholders(table: Table, count: number, start = 0): string[] {
  return Array.from({ length: count }, (_, i) => (table.numbered ? `$${start + i + 1}` : '?'));
}

/** The rows whose `column` is one of `values` (any order), as entities, in a few statements. */
export async function selectRowsIn<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, property: keyof T & string, values: Iterable<unknown>): Promise<T[]> {
  const table = tableOf(manager, entity);
  const column = table.columns.find((c) => c.propertyName === property)!;
  const driver = manager.connection.driver;
  const found: T[] = [];
  for (const part of sized([...new Set(values)])) {
    const key = `select:${property}:${part.length}`;
    let sql = table.statements.get(key);
    if (!sql) {
      sql = `SELECT ${table.columns.map((c) => quote(c.databaseName)).join(', ')} FROM ${table.quotedName} WHERE ${quote(column.databaseName)} IN (${placeholders(table, part.length).join(', ')})`;
      table.statements.set(key, sql);
    }
    const raws: Record<string, unknown>[] = await manager.query(sql, part.map((v) => driver.preparePersistentValue(v, column)));
    for (const raw of raws) {
      const row = table.create();
      for (const c of table.columns) {
        const value = driver.prepareHydratedValue(raw[c.databaseName], c);
        if (value !== undefined) row[c.propertyName] = value;
      }
      found.push(row as T);
    }
  }
  return found;
}

/**
 * Inserts the rows, or replaces every column of those whose primary key is there already, in
 * multi-row statements. The rows must have distinct primary keys.
 */
export async function upsertRows<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const table = tableOf(manager, entity);
  const driver = manager.connection.driver;
  for (const part of sized(rows)) {
    const key = `upsert:${part.length}`;
    let sql = table.statements.get(key);
    if (!sql) {
      const width = table.columns.length;
      const tuples = part.map((_, r) => `(${placeholders(table, width, r * width).join(', ')})`).join(', ');
      const keys = new Set(table.keys);
      const updates = table.columns.filter((c) => !keys.has(c)).map((c) => `${quote(c.databaseName)} = excluded.${quote(c.databaseName)}`);
      sql =
        `INSERT INTO ${table.quotedName} (${table.columns.map((c) => quote(c.databaseName)).join(', ')}) VALUES ${tuples} ` +
        `ON CONFLICT (${table.keys.map((c) => quote(c.databaseName)).join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`;
      table.statements.set(key, sql);
    }
    const parameters: unknown[] = [];
    for (const row of part) {
      for (const c of table.columns) {
        const value = driver.preparePersistentValue(c.getEntityValue(row), c);
        parameters.push(value === undefined ? null : value);
      }
    }
    await manager.query(sql, parameters);
  }
}

/** Deletes the rows whose `property` is one of `values`, in a few statements. */
export async function deleteRowsIn<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, property: keyof T & string, values: Iterable<unknown>): Promise<void> {
  const table = tableOf(manager, entity);
  const column = table.columns.find((c) => c.propertyName === property)!;
  const driver = manager.connection.driver;
  for (const part of sized([...new Set(values)])) {
    const key = `delete:${property}:${part.length}`;
    let sql = table.statements.get(key);
    if (!sql) {
      sql = `DELETE FROM ${table.quotedName} WHERE ${quote(column.databaseName)} IN (${placeholders(table, part.length).join(', ')})`;
      table.statements.set(key, sql);
    }
    await manager.query(sql, part.map((v) => driver.preparePersistentValue(v, column)));
  }
}
