import { Logger } from '@nestjs/common';
import { EVENT_STORE, EventStore, START } from '@shecun/event-store';
import { createApp } from './bootstrap';
import { loadConfig } from './config';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './seed/demo-seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const store = app.get<EventStore>(EVENT_STORE);
  const firstStart = (await store.headPosition()) === START;
  await app.listen(config.port, config.host);
  if (firstStart && config.seedDemo) {
    Logger.log('empty data folder: seeding the demo (SEED_DEMO=false turns this off)', 'Main');
    const { needs, organizations, pairings, teams } = await seedDemo(app, (done, total) => (done % 100 === 0 || done === total) && Logger.log(`seeding ${done}/${total}`, 'Seed'));
    Logger.log(`demo seeded: ${organizations} organizations, ${pairings} pairings, ${teams} teams, ${needs} needs; demo accounts ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')} with password ${DEMO_PASSWORD}`, 'Seed');
  }
  Logger.log(`社村通 listening on http://localhost:${config.port} (data in ${config.dataDir}); API docs at /api/docs`, 'Main');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
