import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectionHost } from '@shecun/projections';
import { SingleBar, Presets } from 'cli-progress';
import { AppModule } from './app.module';
import { loadConfig } from './config';
import { seedDemo } from './seed/demo-seed';

const USAGE = `usage:
  cli seed-demo            append the demo data (idempotent: a second run appends nothing)
  cli rebuild [name…]      empty the named projections (default: all) and replay the event log
  cli projections          list projections with their checkpoints`;

function bar(label: string) {
  // Without a terminal (CI, logs) the bar is printed as a line every second instead of redrawn.
  return new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    Presets.shades_classic,
  );
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || !['seed-demo', 'rebuild', 'projections'].includes(command)) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const config = { ...loadConfig(), autostartProjections: false };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['warn', 'error'] });
  try {
    const host = app.get(ProjectionHost);
    if (command === 'seed-demo') {
      const progress = bar('seed');
      progress.start(1, 0);
      const result = await seedDemo(app, (done, total) => {
        progress.setTotal(total);
        progress.update(done);
      });
      progress.stop();
      Logger.log(`demo seeded: ${result.organizations} organizations, ${result.needs} needs in ${config.dataDir}`, 'Seed');
      await catchUpAll(host);
    } else if (command === 'rebuild') {
      const names = args.length ? args : host.names();
      for (const name of names) {
        const progress = bar(`rebuild ${name}`);
        progress.start(1, 0);
        await host.runner(name).rebuild((done, total) => {
          progress.setTotal(Math.max(total, 1));
          progress.update(done);
        });
        progress.stop();
      }
    } else {
      for (const name of host.names()) console.log(`${name}\tcheckpoint ${await host.runner(name).checkpoint()}`);
    }
  } finally {
    await app.close();
  }
}

async function catchUpAll(host: ProjectionHost): Promise<void> {
  for (const name of host.names()) {
    const progress = bar(`project ${name}`);
    progress.start(1, 0);
    await host.runner(name).catchUp((done, total) => {
      progress.setTotal(Math.max(total, 1));
      progress.update(done);
    });
    progress.stop();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
