import { Project, typescript } from 'projen';
import { DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, Pipeline, Service, ServiceContainer, Toolchain } from 'shipshape';

/**
 * The flagship example: one Node HTTP service, its image, three environments
 * and its pipeline, all from this one file.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'node-api', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });

  const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512 });

  const image = new DockerImage(project, 'image', {
    service: api,
    preset: DockerPreset.node({ entrypoint: 'dist/server.js' }),
  });

  // Three separate accounts; staging mirrors prod.
  new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1', logRetentionDays: 14 });
  new Environment(project, 'staging', {
    account: '222222222222', region: 'eu-west-1', logRetentionDays: 90,
    url: 'https://staging.api.example.com',
  });
  new Environment(project, 'prod', {
    account: '333333333333', region: 'eu-west-1', logRetentionDays: 90,
    url: 'https://api.example.com',
    approval: { reviewers: ['octo-org/releasers'], waitMinutes: 5 },
    strategy: DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(10) }),
  });

  new Pipeline(project, 'ci', {
    image,
    toolchain: Toolchain.node({ packageManager: 'npm', version: '22' }),
    checks: {
      format: true,
      typecheck: true,
      test: { command: 'node --test --test-shard="$SHARD_INDEX/$SHARD_TOTAL" test/*.test.js', shards: 2 },
      integration: { services: { postgres: ServiceContainer.postgres(), redis: ServiceContainer.redis() } },
    },
    deploy: { smokeTest: 'npm run smoke' },
  });

  return project;
}

if (require.main === module) createProject().synth();
