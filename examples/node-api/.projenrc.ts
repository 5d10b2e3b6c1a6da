import { Project, typescript } from 'projen';
import { ComposeDependency, DockerImage, DockerPreset, Environment, LocalDev, Pipeline, Service } from 'shipshape';

/**
 * The flagship example: one Node HTTP service, its image, three environments
 * and its pipeline, all from this one file.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'node-api', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });

  const api = new Service(project, 'api', {
    port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512,
    env: {
      DATABASE_HOST: { value: 'db.internal' },
      DATABASE_NAME: { value: 'app' },
      DATABASE_USER: { value: 'app' },
      DATABASE_PASSWORD: { secret: 'node-api/database-password' },
    },
  });

  const image = new DockerImage(project, 'image', {
    service: api,
    preset: DockerPreset.node({ entrypoint: 'dist/server.js', runtime: 'distroless' }),
  });

  // docker compose up: the same Dockerfile, target, port, healthcheck and env names, with local values.
  const postgres = ComposeDependency.postgres({ database: 'app', user: 'app' });
  new LocalDev(project, 'local', {
    image,
    dependencies: [postgres],
    env: { DATABASE_HOST: postgres.host, DATABASE_PASSWORD: postgres.password },
  });

  // Three separate accounts; staging mirrors prod.
  new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1', logRetentionDays: 14 });
  new Environment(project, 'staging', { account: '222222222222', region: 'eu-west-1', logRetentionDays: 90 });
  new Environment(project, 'prod', { account: '333333333333', region: 'eu-west-1', logRetentionDays: 90 });

  new Pipeline(project, 'ci', { image });

  return project;
}

if (require.main === module) createProject().synth();
