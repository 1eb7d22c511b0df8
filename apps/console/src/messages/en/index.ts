import { AUDIT_MESSAGES } from './audit';
import { BUREAU_MESSAGES } from './bureau';
import { COMMON_MESSAGES } from './common';
import { DASHBOARD_MESSAGES } from './dashboard';
import { DISCLOSURE_MESSAGES } from './disclosure';
import { NEED_MESSAGES } from './needs';
import { NOTICE_MESSAGES } from './notices';
import { ORGANIZATION_DESK_MESSAGES } from './organizationDesk';
import { TEAM_MESSAGES } from './teams';

/** Every text of the console in English: loaded (i18n.tsx) when English is chosen, so a Chinese page downloads none of it. */
export const EN_MESSAGES = {
  ...COMMON_MESSAGES,
  ...NEED_MESSAGES,
  ...ORGANIZATION_DESK_MESSAGES,
  ...AUDIT_MESSAGES,
  ...DISCLOSURE_MESSAGES,
  ...TEAM_MESSAGES,
  ...BUREAU_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...NOTICE_MESSAGES,
};
