import { Project } from 'projen';
declare const project: Project;
import { BaseImages, ComposeDependency, Database, DockerImage, DockerPreset, LocalDev, Service } from 'shipshape';

const api = new Service(project, 'api', {
  port: 8080,
  healthPath: '/healthz',
  env: {
    LOG_LEVEL: { value: 'info' },
    PAYMENTS_API_KEY: { secret: 'node-api/payments-api-key' }, // a reference, never a value
  },
});
new Database(project, 'db', { service: api, postgresVersion: '17', databaseName: 'app', username: 'app' }); // DATABASE_* come from here

const image = new DockerImage(project, 'image', {
  service: api,
  preset: DockerPreset.node({ packageManager: 'pnpm', runtime: 'distroless' }),
  baseImages: BaseImages.defaults(),        // .pin('node', 'sha256:…') once you have looked the digest up
  healthcheck: { interval: '30s' },         // durations need a unit
});

new LocalDev(project, 'local', {
  image,
  dependencies: [ComposeDependency.redis()], // started first, with its own healthcheck (the Database's PostgreSQL too)
  env: { PAYMENTS_API_KEY: 'local-fake-key' }, // local values only
});

export {};
