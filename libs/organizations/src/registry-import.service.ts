import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Actor, CommandResult, DomainError, forbidden } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { RegionsService } from '@shecun/regions';
import { v5 as uuidv5 } from 'uuid';
import { initialOrganizationState, OrganizationCommand, organizationDecider, OrganizationState } from './organization.decider';
import { OrganizationRegistered } from './organization.events';
import { organizationStream } from './organization.model';
import { ExecuteOrganizationCommand } from './organizations.commands';
import { OrganizationsQueries } from './organizations.queries';
import { RegistryFileFormat } from './organizations.dto';
import { candidateFromRow, ImportCandidate, ImportRowError, mapColumns, readRegistryFile, sniffFormat } from './registry-import';

/** Command ids of imported registrations derive from the organization id: a re-run appends nothing twice. */
const IMPORT_NAMESPACE = '7a2c4e6f-1b3d-5f70-9a8b-2c4d6e8f0a1b';
export const importCommandId = (organizationId: string) => uuidv5(`registry-import/${organizationId}`, IMPORT_NAMESPACE);

/** registered: appended now; would_register: valid (dry run); existing: already registered with this credit code; rejected: see errors. */
export type ImportRowStatus = 'registered' | 'would_register' | 'existing' | 'rejected';

export interface ImportRowResult {
  row: number;
  status: ImportRowStatus;
  organizationId?: string;
  creditCode?: string;
  name?: string;
  errors?: ImportRowError[];
}

export interface ImportReport {
  format: RegistryFileFormat;
  dryRun: boolean;
  /** Data rows read (the header row and empty rows not counted). */
  rows: number;
  registered: number;
  wouldRegister: number;
  existing: number;
  rejected: number;
  /** Columns no field takes; they were not imported. */
  ignoredColumns: string[];
  /** Global position of the last registration appended (for X-Min-Position), or null. */
  position: number | null;
  results: ImportRowResult[];
}

export interface ImportOptions {
  actor: Actor;
  /** Ties the registrations of one import together in the events' metadata. */
  correlationId: string;
  format?: RegistryFileFormat;
  dryRun?: boolean;
  /** Files with more data rows are refused as a whole (the HTTP route sets it). */
  maxRows?: number;
  onProgress?: (phase: 'validate' | 'register', done: number, total: number) => void;
}

const rowError = (error: unknown): ImportRowError => {
  if (error instanceof DomainError) {
    const d = error.details ?? {};
    return {
      ...(typeof d.field === 'string' ? { field: d.field } : {}),
      kind: error.kind,
      ...(typeof d.check === 'string' ? { check: d.check } : {}),
      message: error.message,
    };
  }
  throw error;
};

/**
 * Bulk registration from the bureau's registry export. Every row is checked first — the DTO rules
 * of POST /api/organizations, a known Guangdong division, the decider's own checks for this caller
 * (scope, credit code, hub kind), duplicates within the file, and the registry (event streams for
 * the id, the directory for the credit code) — then each valid row is registered through the same
 * command (ExecuteOrganizationCommand), so its event carries the importing actor.
 */
@Injectable()
export class RegistryImportService {
  constructor(
    private readonly commands: CommandBus,
    private readonly regions: RegionsService,
    private readonly queries: OrganizationsQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async import(content: Buffer, options: ImportOptions): Promise<ImportReport> {
    const { actor } = options;
    if (actor.role !== 'bureau' && actor.role !== 'system') {
      throw forbidden('只有登记管理机关可以导入社会组织名录 (only bureau staff may import the registry)');
    }
    const format = options.format ?? sniffFormat(content);
    const sheet = await readRegistryFile(content, format, options.maxRows);
    const columns = mapColumns(sheet.header);
    const candidates = sheet.rows.map((r) => candidateFromRow(r, columns));

    const total = candidates.length;
    const results: ImportRowResult[] = [];
    const valid: { candidate: ImportCandidate; command: Extract<OrganizationCommand, { type: 'RegisterOrganization' }> }[] = [];
    const seenIds = new Map<string, number>();
    const seenCodes = new Map<string, number>();
    const now = new Date();
    for (const [index, candidate] of candidates.entries()) {
      const outcome = await this.check(candidate, actor, now, seenIds, seenCodes);
      if (outcome.status === 'valid') valid.push({ candidate, command: outcome.command });
      else results.push(outcome.result);
      options.onProgress?.('validate', index + 1, total);
    }

    let position: number | null = null;
    let registered = 0;
    for (const [index, { candidate, command }] of valid.entries()) {
      const summary = { row: candidate.row, organizationId: command.organizationId, creditCode: candidate.creditCode, name: candidate.name };
      if (options.dryRun) {
        results.push({ ...summary, status: 'would_register' });
        continue;
      }
      try {
        const result = await this.commands.execute<ExecuteOrganizationCommand, CommandResult<OrganizationState>>(
          new ExecuteOrganizationCommand(command.organizationId, command, { actor, commandId: importCommandId(command.organizationId), correlationId: options.correlationId }),
        );
        if (result.position !== undefined) position = Math.max(position ?? 0, result.position);
        registered += 1;
        results.push({ ...summary, status: 'registered' });
      } catch (error) {
        results.push({ ...summary, status: 'rejected', errors: [rowError(error)] });
      }
      options.onProgress?.('register', index + 1, valid.length);
    }
    results.sort((a, b) => a.row - b.row);
    const count = (status: ImportRowStatus) => results.filter((r) => r.status === status).length;
    return {
      format,
      dryRun: options.dryRun ?? false,
      rows: total,
      registered,
      wouldRegister: count('would_register'),
      existing: count('existing'),
      rejected: count('rejected'),
      ignoredColumns: columns.ignored,
      position,
      results,
    };
  }

  private async check(
    candidate: ImportCandidate,
    actor: Actor,
    now: Date,
    seenIds: Map<string, number>,
    seenCodes: Map<string, number>,
  ): Promise<{ status: 'valid'; command: Extract<OrganizationCommand, { type: 'RegisterOrganization' }> } | { status: 'done'; result: ImportRowResult }> {
    const summary = { row: candidate.row, organizationId: candidate.organizationId, creditCode: candidate.creditCode, name: candidate.name };
    const reject = (...errors: ImportRowError[]) => ({ status: 'done' as const, result: { ...summary, status: 'rejected' as const, errors } });
    // Duplicates within the file, whatever else is wrong with the row.
    const duplicates: ImportRowError[] = [];
    if (candidate.organizationId) {
      const first = seenIds.get(candidate.organizationId);
      if (first !== undefined) duplicates.push({ field: 'id', kind: 'conflict', message: `与第 ${first} 行的组织重复：${candidate.organizationId} (duplicates row ${first}: same organization ${candidate.organizationId})` });
      else seenIds.set(candidate.organizationId, candidate.row);
    }
    if (candidate.creditCode) {
      const first = seenCodes.get(candidate.creditCode);
      if (first !== undefined && !duplicates.length) duplicates.push({ field: 'creditCode', kind: 'conflict', message: `与第 ${first} 行的统一社会信用代码重复 (duplicates the credit code of row ${first})` });
      else if (first === undefined) seenCodes.set(candidate.creditCode, candidate.row);
    }
    if (!candidate.request || candidate.errors.length) return reject(...candidate.errors, ...duplicates);
    if (duplicates.length) return reject(...duplicates);

    const body = candidate.request;
    const organizationId = candidate.organizationId!;
    const command: Extract<OrganizationCommand, { type: 'RegisterOrganization' }> = {
      type: 'RegisterOrganization',
      organizationId,
      creditCode: body.creditCode,
      name: body.name,
      homeDivisionCode: body.homeDivisionCode,
      hubKind: body.hubKind ?? null,
      categories: body.categories,
      contact: { ...(body.contact ?? {}) },
      memberUnits: [],
      description: body.description ?? '',
    };
    // The decider's checks for this caller on a new organization: scope, credit code, name, hub kind, profile.
    let decided: OrganizationRegistered;
    try {
      [decided] = organizationDecider.decide(command, initialOrganizationState, { actor, now }) as OrganizationRegistered[];
    } catch (error) {
      return reject(rowError(error));
    }
    if (!this.regions.get(command.homeDivisionCode)) {
      return reject({ field: 'homeDivisionCode', kind: 'invalid', message: `行政区划代码 ${command.homeDivisionCode} 不是广东省的行政区划 (not a known Guangdong division code)` });
    }
    const code = decided.data.creditCode;
    // Already registered under this id (the event stream is the truth, not the directory).
    const history = await this.store.readStream(organizationStream(organizationId));
    const registeredAs = history.find((e) => e.type === 'OrganizationRegistered')?.data as OrganizationRegistered['data'] | undefined;
    if (registeredAs) {
      if (registeredAs.creditCode === code) return { status: 'done', result: { ...summary, creditCode: code, status: 'existing' } };
      return reject({ field: 'id', kind: 'conflict', message: `平台编号 ${organizationId} 已登记为统一社会信用代码 ${registeredAs.creditCode} (id ${organizationId} is already registered with credit code ${registeredAs.creditCode})` });
    }
    const holder = await this.queries.holderOfCreditCode(code);
    if (holder !== undefined && holder !== organizationId) {
      return reject({ field: 'creditCode', kind: 'conflict', message: `统一社会信用代码 ${code} 已由 ${holder} 登记 (this credit code is already registered as ${holder})` });
    }
    return { status: 'valid', command };
  }
}
