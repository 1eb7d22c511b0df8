import { matchRoutes } from 'react-router';
import { LazyModule, lazyModule } from './lazyModule';

/*
 * The console's pages and where they live. Every page loads on first use: a phone on a weak signal
 * downloads only the pages its person opens (a coordinator never loads the bureau's charts or the
 * auditor's trace). The console past the sign-in page (AppPages.tsx) loads only when it is needed,
 * so a phone that opens the sign-in page downloads none of it.
 *
 * The page a signed-in person opens (or reloads) is loaded before the console first renders
 * (`loadPageOf`), with AppPages, at once and not one after the other; from the cache that takes a
 * few milliseconds, and the page then shows without a loading state in between.
 */

export const appPages = lazyModule(() => import('./AppPages'));

const page = <M, K extends keyof M>(path: string, module: LazyModule<M>, name: K) => ({ path, module: module as LazyModule<unknown>, Page: module.component(name) });

const myNeeds = lazyModule(() => import('./pages/MyNeeds'));
const needList = lazyModule(() => import('./pages/NeedList'));
const newNeed = lazyModule(() => import('./pages/NewNeed'));
const needDetail = lazyModule(() => import('./pages/NeedDetail'));
const myCommitments = lazyModule(() => import('./pages/MyCommitments'));
const myDonations = lazyModule(() => import('./pages/MyDonations'));
const myPairings = lazyModule(() => import('./pages/MyPairings'));
const recommended = lazyModule(() => import('./pages/Recommended'));
const pushFeed = lazyModule(() => import('./pages/PushFeed'));
const myNotices = lazyModule(() => import('./pages/MyNotices'));
const bureau = lazyModule(() => import('./pages/Bureau'));
const teams = lazyModule(() => import('./pages/Teams'));
const newTeam = lazyModule(() => import('./pages/NewTeam'));
const teamDetail = lazyModule(() => import('./pages/TeamDetail'));
const audit = lazyModule(() => import('./pages/Audit'));
const auditTrace = lazyModule(() => import('./pages/AuditTrace'));
const notFound = lazyModule(() => import('./pages/NotFound'));
const disclosureIndex = lazyModule(() => import('./pages/DisclosureIndex'));
const disclosure = lazyModule(() => import('./pages/Disclosure'));

/** The signed-in pages. */
export const SIGNED_IN_PAGES = [
  // Each role's start (and the sign-in page's address, once signed in): AppPages' own.
  page('/', appPages, 'Home'),
  page('/login', appPages, 'Home'),
  page('/mine', myNeeds, 'MyNeeds'),
  page('/needs', needList, 'NeedList'),
  page('/needs/new', newNeed, 'NewNeed'),
  page('/needs/:id', needDetail, 'NeedDetail'),
  page('/needs/:id/revise', newNeed, 'ReviseNeed'),
  page('/my/commitments', myCommitments, 'MyCommitments'),
  page('/my/donations', myDonations, 'MyDonations'),
  page('/my/pairings', myPairings, 'MyPairings'),
  page('/recommended', recommended, 'Recommended'),
  page('/push', pushFeed, 'PushFeed'),
  page('/notices', myNotices, 'MyNotices'),
  page('/bureau', bureau, 'Bureau'),
  page('/teams', teams, 'Teams'),
  page('/teams/new', newTeam, 'NewTeam'),
  page('/teams/:id', teamDetail, 'TeamDetail'),
  page('/audit', audit, 'Audit'),
  page('/audit/flows/:id', auditTrace, 'AuditTrace'),
  page('*', notFound, 'NotFound'),
];

/** Pages anyone may read without signing in (信息公开). */
export const PUBLIC_PAGES = [
  page('/disclosure', disclosureIndex, 'DisclosureIndex'),
  page('/disclosure/organizations/:id', disclosure, 'OrganizationDisclosurePage'),
  page('/disclosure/needs/:id', disclosure, 'NeedDisclosurePage'),
];

export const isPublicPath = (pathname: string): boolean => pathname === '/disclosure' || pathname.startsWith('/disclosure/');

/**
 * Loads what the console shows at `pathname` (AppPages and the page's own module, side by side):
 * nothing for the sign-in page, which is in the first download.
 */
export async function loadPageOf(pathname: string, signedIn: boolean): Promise<void> {
  const pages = isPublicPath(pathname) ? PUBLIC_PAGES : signedIn ? SIGNED_IN_PAGES : null;
  if (!pages) return;
  const matched = matchRoutes(pages.map(({ path }) => ({ path })), pathname)?.[0]?.route.path;
  const pageModule = pages.find(({ path }) => path === matched)?.module;
  await Promise.all([appPages.load(), pageModule?.load()]);
}
