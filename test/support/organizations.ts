import { makeCreditCode, OrganizationType } from '@shecun/organizations';
import { actAs, TestApp } from './embedded-app';

/** Provincial bureau staff (广东省民政厅): may register organizations anywhere in Guangdong. */
export const PROVINCE_BUREAU = { id: 'mzt-registrar-01', role: 'bureau' as const, scope: '44' };

let serial = 0;

export interface TestOrganization {
  id: string;
  name?: string;
  type?: OrganizationType;
  homeDivisionCode?: string;
  hubKind?: 'hub' | 'industry_association';
  categories?: string[];
}

/**
 * Registers an organization through the API (as provincial bureau staff), with a valid generated
 * credit code, and waits until the read models include it. Returns the credit code.
 */
export async function registerOrganization(t: TestApp, org: TestOrganization): Promise<string> {
  const [code] = await registerOrganizations(t, [org]);
  return code;
}

/** Registers several organizations one after another, then waits once for the read models. */
export async function registerOrganizations(t: TestApp, orgs: TestOrganization[]): Promise<string[]> {
  const codes: string[] = [];
  let last = 0;
  for (const org of orgs) {
    const [code, position] = await post(t, org);
    codes.push(code);
    last = Math.max(last, position);
  }
  await t.projections.waitFor(last);
  return codes;
}

async function post(t: TestApp, org: TestOrganization): Promise<[string, number]> {
  const home = org.homeDivisionCode ?? '4401';
  const creditCode = makeCreditCode(org.type ?? 'social_group', home.slice(0, 6).padEnd(6, '0'), 900_000 + (++serial % 99_999));
  const res = await t.http().post('/api/organizations').set(await actAs(t, PROVINCE_BUREAU)).send({
    id: org.id,
    creditCode,
    name: org.name ?? `测试社会组织 ${org.id}`,
    homeDivisionCode: home,
    ...(org.hubKind ? { hubKind: org.hubKind } : {}),
    categories: org.categories ?? ['education'],
  });
  if (res.status !== 201) throw new Error(`registering ${org.id} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return [creditCode, res.body.position];
}
