import { Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIVISION_LEVELS, DivisionLevel, levelOfCode, parentOf } from './division-code';

/** Where the generated data lives, relative to the repository (or image) root. */
export const REGIONS_DATA_FILE = join('libs', 'regions', 'data', 'guangdong.json');

/** A division by itself: code, name (as the statistics bureau spells it) and level. */
export interface DivisionRef {
  code: string;
  name: string;
  level: DivisionLevel;
}

export interface Division extends DivisionRef {
  /** Null for the province. */
  parentCode: string | null;
  /** From the province down to this division, itself included (a breadcrumb). */
  path: DivisionRef[];
}

export interface DivisionMatch extends DivisionRef {
  parentCode: string | null;
  /** Names from the city down, space-separated, e.g. "清远市 连南瑶族自治县 三排镇". */
  fullName: string;
}

export interface SearchOptions {
  /** Only divisions of this level. */
  level?: DivisionLevel;
  /** Only divisions strictly below this code. */
  under?: string;
  /** Most results to return (default 20). */
  limit?: number;
}

/** The codes of the divisions above a division (those above its level are set). */
export interface DivisionAncestors {
  city?: string;
  county?: string;
  town?: string;
}

/** The shape of libs/regions/data/guangdong.json (written by scripts/generate-regions.js). */
interface RegionsData {
  source: { package: string; license?: string; data?: string };
  province: [string, string];
  cities: [string, string][];
  counties: [string, string][];
  towns: [string, string][];
  villages: [string, string][];
}

interface Entry extends DivisionRef {
  parent: Entry | null;
  children: Entry[];
}

interface RegionsIndex {
  root: Entry;
  byCode: Map<string, Entry>;
  /** Every division, level by level from the province down, by code within a level. */
  ordered: Entry[];
  counts: Record<DivisionLevel, number>;
  source: RegionsData['source'];
}

const DEFAULT_LIMIT = 20;

/** Finds libs/regions/data/guangdong.json in the nearest folder at or above `from` that has it. */
export function locateRegionsData(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, REGIONS_DATA_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`${REGIONS_DATA_FILE} not found in ${from} or any folder above it (npm run regions:generate writes it)`);
}

function buildIndex(data: RegionsData): RegionsIndex {
  const byCode = new Map<string, Entry>();
  const ordered: Entry[] = [];
  const add = ([code, name]: [string, string], level: DivisionLevel): Entry => {
    if (levelOfCode(code) !== level) throw new Error(`regions data: ${code} (${name}) is not a ${level} code`);
    if (byCode.has(code)) throw new Error(`regions data: duplicate code ${code}`);
    const parentCode = parentOf(code);
    const parent = parentCode === undefined ? null : byCode.get(parentCode);
    if (parent === undefined) throw new Error(`regions data: ${code} (${name}) has no parent ${parentCode}`);
    const entry: Entry = { code, name, level, parent, children: [] };
    parent?.children.push(entry);
    byCode.set(code, entry);
    ordered.push(entry);
    return entry;
  };
  const root = add(data.province, 'province');
  const rows: Record<Exclude<DivisionLevel, 'province'>, [string, string][]> = {
    city: data.cities,
    county: data.counties,
    town: data.towns,
    village: data.villages,
  };
  const counts: Record<DivisionLevel, number> = { province: 1, city: 0, county: 0, town: 0, village: 0 };
  for (const level of DIVISION_LEVELS.slice(1) as Exclude<DivisionLevel, 'province'>[]) {
    for (const row of [...rows[level]].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) add(row, level);
    counts[level] = rows[level].length;
  }
  return { root, byCode, ordered, counts, source: data.source };
}

const ref = (entry: Entry): DivisionRef => ({ code: entry.code, name: entry.name, level: entry.level });

function pathOf(entry: Entry): Entry[] {
  const path: Entry[] = [];
  for (let e: Entry | null = entry; e; e = e.parent) path.unshift(e);
  return path;
}

/**
 * Guangdong's (广东省, 44) administrative divisions down to village and community committees
 * (村委会/居委会), read once — on first use — from libs/regions/data/guangdong.json.
 */
@Injectable()
export class RegionsService {
  private loaded?: RegionsIndex;

  private get index(): RegionsIndex {
    if (!this.loaded) {
      const file = locateRegionsData();
      this.loaded = buildIndex(JSON.parse(readFileSync(file, 'utf8')) as RegionsData);
    }
    return this.loaded;
  }

  /** The province's code ('44'). */
  get rootCode(): string {
    return this.index.root.code;
  }

  /** Where the data comes from (package and statistics edition). */
  get source(): RegionsData['source'] {
    return { ...this.index.source };
  }

  /** How many divisions of each level there are. */
  counts(): Record<DivisionLevel, number> {
    return { ...this.index.counts };
  }

  /** The division with its path from the province down, or undefined for an unknown or malformed code. */
  get(code: string): Division | undefined {
    const entry = this.entry(code);
    if (!entry) return undefined;
    return { ...ref(entry), parentCode: entry.parent?.code ?? null, path: pathOf(entry).map(ref) };
  }

  /** The divisions one level below (province → cities → counties → towns → villages), by code; [] for a village or an unknown code. */
  children(code: string): DivisionRef[] {
    return this.entry(code)?.children.map(ref) ?? [];
  }

  /** Whether the code is a known village or community committee (村/社区) of Guangdong. */
  isVillage(code: string): boolean {
    return this.entry(code)?.level === 'village';
  }

  /** Whether the code is a known town, township or street (乡镇/街道) of Guangdong. */
  isTown(code: string): boolean {
    return this.entry(code)?.level === 'town';
  }

  /** The city, county and town codes above a known division (a village has all three); undefined for an unknown code. */
  ancestors(code: string): DivisionAncestors | undefined {
    const entry = this.entry(code);
    if (!entry) return undefined;
    const out: DivisionAncestors = {};
    for (let e = entry.parent; e; e = e.parent) {
      if (e.level === 'city' || e.level === 'county' || e.level === 'town') out[e.level] = e.code;
    }
    return out;
  }

  /**
   * Divisions whose name contains `query`: exact names first, then names starting with it, then
   * the rest; higher levels before lower ones, then by code. Empty for a blank query or an unknown `under`.
   */
  search(query: string, options: SearchOptions = {}): DivisionMatch[] {
    const text = (query ?? '').trim();
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT));
    if (!text) return [];
    let scope: Entry[] = this.index.ordered;
    if (options.under !== undefined) {
      const under = this.entry(options.under);
      if (!under) return [];
      scope = descendants(under);
    }
    const exact: Entry[] = [];
    const prefix: Entry[] = [];
    const contains: Entry[] = [];
    for (const entry of scope) {
      if (options.level && entry.level !== options.level) continue;
      if (entry.name === text) exact.push(entry);
      else if (entry.name.startsWith(text)) {
        if (prefix.length < limit) prefix.push(entry);
      } else if (entry.name.includes(text) && contains.length < limit) contains.push(entry);
    }
    return [...exact, ...prefix, ...contains].slice(0, limit).map((entry) => ({
      ...ref(entry),
      parentCode: entry.parent?.code ?? null,
      fullName: fullName(entry),
    }));
  }

  private entry(code: string): Entry | undefined {
    return levelOfCode(code) ? this.index.byCode.get(code) : undefined;
  }
}

/** Everything strictly below an entry, level by level (the search order). */
function descendants(entry: Entry): Entry[] {
  const out: Entry[] = [];
  let level: Entry[] = entry.children;
  while (level.length) {
    out.push(...level);
    level = level.flatMap((e) => e.children);
  }
  return out;
}

/** Names from the city down; a county named like its city (东莞市 and 中山市 have no counties) is not repeated. */
function fullName(entry: Entry): string {
  const names: string[] = [];
  for (const e of pathOf(entry)) {
    if (e.level === 'province') continue;
    if (names[names.length - 1] !== e.name) names.push(e.name);
  }
  return names.join(' ');
}
