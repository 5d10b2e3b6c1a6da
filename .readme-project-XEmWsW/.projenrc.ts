// .projenrc.ts
import { Project } from 'projen';
import { DockerImage, DockerPreset, Environment, Pipeline, Service } from '/work/wt-env/src/index';

const project = new Project({ name: 'node-api' });

const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512 });
const image = new DockerImage(project, 'image', { service: api, preset: DockerPreset.node() });

new Environment(project, 'staging', { account: '222222222222', region: 'eu-west-1' });
new Environment(project, 'prod', { account: '333333333333', region: 'eu-west-1' });

new Pipeline(project, 'ci', { image });

project.synth();
