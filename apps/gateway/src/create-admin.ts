import { requiredEnv } from '@shecun/core';
import { openEventStore } from '@shecun/event-store';
import { adminPasswordFromEnv, bootstrapAdministrator, describeBootstrap } from '@shecun/identity';

/**
 * The first administrator of a distributed installation, straight on the event store
 * (EVENT_STORE_URL): `node dist/apps/gateway/src/create-admin.js <username>` (or ADMIN_USERNAME,
 * for a one-shot container). Idempotent: an existing user is left as it is. The password comes
 * from ADMIN_PASSWORD_FILE or ADMIN_PASSWORD; without one, a one-time password is printed, to be
 * changed at the first sign-in. The gateway sees the user once the projector has it.
 */
async function main(): Promise<void> {
  const username = process.argv[2] ?? process.env.ADMIN_USERNAME;
  if (!username) throw new Error('usage: create-admin <username> (or ADMIN_USERNAME); EVENT_STORE_URL; ADMIN_PASSWORD_FILE or ADMIN_PASSWORD, or none for a one-time password');
  const store = await openEventStore(requiredEnv('EVENT_STORE_URL'));
  try {
    console.log(describeBootstrap(await bootstrapAdministrator(store, { username, password: adminPasswordFromEnv() })));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
