import { Project, typescript } from 'projen';
import {
  ComposeDependency, Database, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, FeatureFlag, LocalDev, Pipeline, ProdParity,
  ScalingTarget, Service, ServiceContainer, Shipshape, Toolchain,
} from 'shipshape';

/**
 * Your settings. The hosted zone ids are the Route 53 zones that hold each domain, in each
 * environment's account (find them in the Route 53 console); these are placeholders to replace.
 */
const SETTINGS = {
  repository: 'example-org/node-api',
  stagingDomain: { name: 'staging.api.example.com', hostedZoneId: 'ZSTAGINGZONEID' },
  prodDomain: { name: 'api.example.com', hostedZoneId: 'ZPRODZONEID' },
};

/**
 * The flagship example: one Node HTTP service, its image, three environments, a database,
 * a feature flag and its pipeline, all from this one file.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'node-api', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });
  Shipshape.configure(project, { repository: SETTINGS.repository });

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

  // Three separate accounts; staging mirrors prod, with the same canary.
  const canary = DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(10) });
  new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1', logRetentionDays: 14 });
  const staging = new Environment(project, 'staging', {
    account: '222222222222',
    region: 'eu-west-1',
    logRetentionDays: 90,
    domain: SETTINGS.stagingDomain,
    strategy: canary,
    scaling: { min: 1, max: 2, target: ScalingTarget.requests(500) },
    variables: { LOG_LEVEL: 'info' },
  });
  const prod = new Environment(project, 'prod', {
    account: '333333333333',
    region: 'eu-west-1',
    logRetentionDays: 90,
    domain: SETTINGS.prodDomain,
    approval: { reviewers: ['example-org/releasers'], waitMinutes: 5 },
    strategy: canary,
    scaling: { min: 2, max: 6, target: ScalingTarget.requests(500) },
    variables: { LOG_LEVEL: 'info' },
  });

  new Database(project, 'db', { service: api, databaseName: 'app', username: 'app' });
  new FeatureFlag(project, 'new-checkout', {
    description: 'Serve the new checkout flow',
    values: { dev: true, staging: true, prod: true },
  });
  new ProdParity(project, 'parity', {
    staging,
    prod,
    allow: { 'database.api.multiAz': 'Staging runs a single-AZ database to halve its cost; failover is rehearsed in prod.' },
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
