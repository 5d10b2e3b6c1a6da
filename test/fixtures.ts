import { Project } from 'projen';
import { DockerImage, DockerPreset, Environment, Pipeline, Service } from '../src';

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
];
