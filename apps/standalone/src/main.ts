import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { Logger } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost } from '@shecun/projections';
import { createApp } from './bootstrap';
import { loadConfig } from './config';
import { DataFolderLockedError, lockDataFolder } from './data-folder-lock';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo-seed';
import { planDemoSeed, seedDemoToCompletion } from './seed/first-start';
import { StartupState } from './startup-state';

async function main(): Promise<void> {
  startTracing('standalone');
  startJsonLogs('standalone');
  const config = loadConfig();
  // Before anything opens or writes the data folder: one process per folder.
  const lock = await lockDataFolder(config.dataDir, 'server');
  if (lock.previous) {
    Logger.warn(`上次的进程 ${lock.previous.pid}（${lock.previous.command}）未正常退出；数据目录已接管 (process ${lock.previous.pid} ended without releasing the data folder: killed or crashed; taken over)`, 'Main');
  }
  const app = await createApp(config);
  const store = app.get<EventStore>(EVENT_STORE);
  const startup = app.get(StartupState);
  const plan = await planDemoSeed(store, config.seedDemo);
  // Not ready (GET /health 503) from the first request until the seed is complete.
  if (plan.run) startup.seedPending(plan.resumed);
  await app.listen(config.port, config.host);
  Logger.log(`社村通 listening on http://localhost:${config.port} (data in ${config.dataDir}, pid ${process.pid}); API docs at /api/docs`, 'Main');
  if (plan.run) {
    Logger.log(
      plan.resumed
        ? '上次的演示数据写入未完成，继续写入 (the demo seed was interrupted: completing it; GET /health answers 503 until it is done)'
        : '空数据目录：写入演示数据 (empty data folder: seeding the demo; SEED_DEMO=false turns this off; GET /health answers 503 until it is done)',
      'Seed',
    );
    let nextPercent = 0;
    try {
      const result = await seedDemoToCompletion(app, (done, total) => {
        startup.seedProgress(done, total);
        const percent = Math.floor((done * 100) / total);
        if (percent >= nextPercent || done === total) {
          Logger.log(`演示数据 seeding ${percent}% (${done}/${total})`, 'Seed');
          nextPercent = percent - (percent % 10) + 10;
        }
      });
      // Ready means the read models show the whole demo.
      const projections = app.get(ProjectionHost);
      const head = await store.headPosition();
      while (!(await projections.waitFor(head, 60_000))) Logger.log(`read models catching up with the demo (position ${head})`, 'Seed');
      startup.seedDone();
      Logger.log(`demo seeded: ${result.organizations} organizations, ${result.pairings} pairings, ${result.teams} teams, ${result.needs} needs; demo accounts ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')} with password ${DEMO_PASSWORD}`, 'Seed');
    } catch (error) {
      startup.seedFailed(error);
      throw error;
    }
  }
}

main().catch((error) => exitOnStartFailure(error instanceof DataFolderLockedError ? error.message : error));
