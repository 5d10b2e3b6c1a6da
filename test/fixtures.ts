import { Project } from 'projen';
import {
  BaseImages, ComposeDependency, Database, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, FeatureFlag, LocalDev,
  Network, Pipeline, ScalingTarget, SecretRef, Service, ServiceContainer, Shipshape, Toolchain,
} from '../src';

/** Small projects that exercise options the flagship example does not. */
export const fixtures: Array<[string, (outdir: string) => Project]> = [
  ['fixture: minimal', (outdir) => {
    const project = new Project({ name: 'minimal', outdir });
    const svc = new Service(project, 'web');
    new Environment(project, 'prod', { account: '123456789012', region: 'us-east-1' });
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    new Pipeline(project, 'ci', { checks: { lint: false } });
    return project;
  }],
  ['fixture: two services', (outdir) => {
    const project = new Project({ name: 'pair', outdir });
    const a = new Service(project, 'alpha', { port: 3000, healthPath: '/health/live' });
    new Service(project, 'beta', { port: 9000, healthPath: '/ready', cpu: 512, memoryMiB: 1024 });
    new Environment(project, 'qa', { account: '123456789012', region: 'ap-southeast-2', logRetentionDays: 7 });
    new Environment(project, 'live', { account: '210987654321', region: 'eu-central-1', logRetentionDays: 365 });
    new DockerImage(project, 'alpha-image', { service: a, preset: DockerPreset.node({ outDir: 'build', entrypoint: 'build/main.js' }) });
    new Pipeline(project, 'ci', { nodeVersion: '20', branch: 'trunk' });
    return project;
  }],
  ['fixture: python, go and compose', (outdir) => {
    const project = new Project({ name: 'polyglot', outdir });
    const py = new Service(project, 'py', { port: 8000, env: { REDIS_URL: { value: 'redis://cache.internal:6379' }, API_TOKEN: { secret: 'polyglot/api-token' } } });
    // go calls py (PY_URL) and is internal: compose runs both, publishing py's port only.
    const go = new Service(project, 'go', { port: 9000, healthPath: '/ready', calls: [py], internal: true });
    const pyImage = new DockerImage(project, 'py-image', {
      service: py,
      preset: DockerPreset.python({ buildPackages: ['build-essential'] }),
      dockerfilePath: 'py/Dockerfile',
      contextPath: 'py',
      sourceUrl: 'https://example.com/polyglot',
    });
    new DockerImage(project, 'go-image', {
      service: go,
      preset: DockerPreset.go({ mainPackage: './cmd/server' }),
      dockerfilePath: 'go/Dockerfile',
      contextPath: 'go',
      baseImages: BaseImages.defaults().use('golang', { image: 'golang', tag: '1.23-bookworm' }),
    });
    const redis = ComposeDependency.redis();
    new LocalDev(project, 'local', { dependencies: [redis], env: { [pyImage.service.name]: { REDIS_URL: redis.url, API_TOKEN: 'local-dev-token' } } });
    new Pipeline(project, 'ci', { checks: { lint: false } });
    return project;
  }],
  ['fixture: existing network, blue/green and linear, one account', (outdir) => {
    const project = new Project({ name: 'infra', outdir });
    Shipshape.configure(project, { repository: 'acme/infra', existingOidcProviderAccounts: ['123456789012'] });
    const web = new Service(project, 'web', { port: 3000, healthPath: '/health', cpu: 1024, memoryMiB: 2048 });
    new Environment(project, 'test', {
      account: '123456789012',
      region: 'us-east-1',
      network: Network.existing(),
      domain: { name: 'test.web.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000' },
      strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(7) }),
      scaling: { min: 1, max: 3, target: ScalingTarget.memory(75) },
      secrets: { API_KEY: SecretRef.fromName('web/api-key'), SIGNING_KEY: SecretRef.fromArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:web/signing-AbCdEf', { field: 'key' }) },
    });
    new Environment(project, 'live', {
      account: '123456789012',
      region: 'us-east-1',
      network: Network.create({ natGateways: 2 }),
      domain: { name: 'web.example.org', hostedZoneId: 'ZEXAMPLEZONE' },
      strategy: DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(3), bake: Duration.minutes(15) }),
      scaling: { min: 2, max: 10, target: ScalingTarget.cpu(50) },
    });
    new Database(project, 'db', { service: web, postgresVersion: '16', multiAz: true });
    new FeatureFlag(project, 'beta-banner', { description: 'Show the beta banner', values: { test: true } });
    new DockerImage(project, 'image', { service: web, preset: DockerPreset.node() });
    new Pipeline(project, 'ci', { checks: { lint: false } });
    return project;
  }],
  ['fixture: python toolchain, linear deploys', (outdir) => {
    const project = new Project({ name: 'py', outdir });
    const svc = new Service(project, 'web');
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    new Environment(project, 'live', {
      account: '123456789012', region: 'us-east-1', domain: { name: 'web.example.com', hostedZoneId: 'ZEXAMPLEZONE' }, strategy: DeploymentStrategy.linear(),
    });
    new Pipeline(project, 'ci', {
      toolchain: Toolchain.python(),
      checks: { format: true, typecheck: true, build: false, integration: { services: { db: ServiceContainer.postgres() } } },
    });
    return project;
  }],
  ['fixture: go toolchain, no deploys', (outdir) => {
    const project = new Project({ name: 'gosvc', outdir });
    new Pipeline(project, 'ci', { toolchain: Toolchain.go(), checks: { format: true, test: { shards: 3 } } });
    return project;
  }],
  ['fixture: pnpm and yarn, blue-green', (outdir) => {
    const project = new Project({ name: 'pnpm', outdir });
    const svc = new Service(project, 'web');
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    new Environment(project, 'prod', {
      account: '123456789012',
      region: 'eu-west-1',
      domain: { name: 'pnpm.example.com', hostedZoneId: 'ZEXAMPLEZONE' },
      strategy: DeploymentStrategy.blueGreen(),
      approval: { waitMinutes: 10 },
    });
    new Pipeline(project, 'ci', { toolchain: Toolchain.node({ packageManager: 'pnpm' }), checks: { typecheck: true } });
    new Pipeline(project, 'yarn', { toolchain: Toolchain.node({ packageManager: 'yarn-berry' }), deploy: false, drift: false, guardrails: { ruleset: false, dependabot: false } });
    return project;
  }],
  ['fixture: a migration before the deploy, with a database and a secret', (outdir) => {
    const project = new Project({ name: 'migrating', outdir });
    Shipshape.configure(project, { repository: 'acme/migrating' });
    const svc = new Service(project, 'api', { env: { API_TOKEN: { secret: 'migrating/api-token' } }, migrate: { command: ['npm', 'run', 'migrate'] } });
    new Database(project, 'db', { service: svc });
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    new Environment(project, 'dev', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', {
      account: '210987654321', region: 'eu-west-1', domain: { name: 'api.example.com', hostedZoneId: 'ZEXAMPLEZONE' }, strategy: DeploymentStrategy.blueGreen(),
    });
    new Pipeline(project, 'ci', { checks: { lint: false } });
    return project;
  }],
];
