/** A pairing (千社扶百村) as the pairings API gives it (libs/organizations/src/pairings.queries.ts). */
export interface Pairing {
  id: string;
  organizationId: string;
  organizationName: string;
  targetCode: string;
  targetLevel: 'town' | 'village';
  term: number;
  status: string;
  startDate: string;
  endDate: string;
  categories: string[];
  note: string;
  proposedAt: string;
}
