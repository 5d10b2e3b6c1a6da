import { Project } from 'projen';
import { ComposeDependency, DockerImage, DockerPreset, Dockerfile, LocalDev, Service } from 'shipshape';
declare const project: Project;
declare const image: DockerImage;
const orders = new Service(project, 'orders', { port: 8080, internal: true }); // no published port
const web = new Service(project, 'web', {
  port: 3000,
  calls: [orders],                                        // ORDERS_URL=http://orders:8080, here and in AWS
  env: { SESSION_KEY: { secret: 'shop/session-key' } },
});
const admin = new Service(project, 'admin', { port: 3000, calls: [orders] });
for (const s of [web, admin, orders]) {
  new DockerImage(project, `${s.name}-image`, { service: s, preset: DockerPreset.node(), contextPath: s.name, dockerfilePath: `${s.name}/Dockerfile` });
}
new LocalDev(project, 'local', {
  env: { web: { SESSION_KEY: 'local-session-key' } },      // local values by workload name
  hostPort: { admin: 3001 },                                // web and admin both listen on 3000
  dependencies: [ComposeDependency.redis()],
});

export {};
