// Child process of test/infra/rebuild-equivalence.infra.spec.ts (plain JavaScript on the built
// tree, so that the test can SIGKILL it): rebuilds every projection of the embedded app into the
// PostgreSQL read-model database PG_URL from one read of the data folder's log (DATA_DIR), in
// chunks of CHUNK events, then exits 0.
const { join } = require('node:path');
const dist = join(__dirname, '..', '..', 'dist');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const { AppModule } = require(join(dist, 'apps/standalone/src/app.module'));
const { loadConfig } = require(join(dist, 'apps/standalone/src/config'));
const { READ_MODEL_ENTITIES } = require(join(dist, 'apps/standalone/src/infrastructure.module'));
const { catchUpTogether, ProjectionHost, ProjectionRunner } = require(join(dist, 'libs/projections/src'));
const { EVENT_STORE } = require(join(dist, 'libs/event-store/src'));

async function main() {
  const config = { ...loadConfig(), seedDemo: false, autostartProjections: false, backgroundWork: false, pushDispatch: false };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  const pg = await new DataSource({ type: 'postgres', url: process.env.PG_URL, entities: READ_MODEL_ENTITIES, synchronize: false }).initialize();
  const host = app.get(ProjectionHost);
  const store = app.get(EVENT_STORE);
  const runners = host.names().map((name) => new ProjectionRunner(store, pg, host.runner(name).projection));
  for (const runner of runners) await runner.reset();
  await catchUpTogether(store, runners, { chunkSize: Number(process.env.CHUNK ?? 5000) });
  await pg.destroy();
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
