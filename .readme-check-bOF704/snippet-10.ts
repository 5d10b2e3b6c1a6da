import { Project } from 'projen';
import { DockerImage, DockerPreset, Dockerfile, Pipeline, Service } from 'shipshape';
declare const project: Project;
declare const api: Service;
declare const image: DockerImage;
const webImage = new DockerImage(project, 'web-image', {
  service: new Service(project, 'web'), contextPath: 'services/web', dockerfilePath: 'services/web/Dockerfile', preset: DockerPreset.node(),
});
const apiImage = new DockerImage(project, 'api-image', {
  service: new Service(project, 'api'), contextPath: 'services/api', dockerfilePath: 'services/api/Dockerfile', preset: DockerPreset.node(),
});
new Pipeline(project, 'ci', {
  images: [webImage, apiImage],
  checks: { typecheck: true },                                  // every workload's, unless it has its own
  workloads: { api: { checks: { test: 'npm run unit' } } },     // key by key, for this workload only
  sharedPaths: ['libs/shared/**'],                              // a change here counts for every workload
});

export {};
