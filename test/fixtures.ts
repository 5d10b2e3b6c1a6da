import { Project } from 'projen';
import { DeploymentStrategy, DockerImage, DockerPreset, Environment, Pipeline, Service, ServiceContainer, Toolchain } from '../src';

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
  ['fixture: python toolchain, linear deploys', (outdir) => {
    const project = new Project({ name: 'py', outdir });
    const svc = new Service(project, 'web');
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    new Environment(project, 'live', { account: '123456789012', region: 'us-east-1', url: 'https://web.example.com', strategy: DeploymentStrategy.linear() });
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
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', strategy: DeploymentStrategy.blueGreen(), approval: { waitMinutes: 10 } });
    new Pipeline(project, 'ci', { toolchain: Toolchain.node({ packageManager: 'pnpm' }), checks: { typecheck: true } });
    new Pipeline(project, 'yarn', { toolchain: Toolchain.node({ packageManager: 'yarn' }), deploy: false, drift: false, guardrails: { ruleset: false, dependabot: false } });
    return project;
  }],
];
