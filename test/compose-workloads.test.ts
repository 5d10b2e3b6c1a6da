/** Issue 15 item 4: one compose file for the whole application, with the service-to-service names Service Connect gives. */
import { Project } from 'projen';
import { parse } from 'yaml';
import { ComposeDependency, Database, DockerImage, DockerPreset, LocalDev, Service } from '../src';
import type { LocalDevProps } from '../src';
import { newProject, synthError } from './docker-helpers';
import { JOBS_PROFILE, composeServices } from '../src/compose/assemble';
import type { ComposeModel } from '../src/compose/model';
import { renderCompose } from '../src/compose/render';
import { portlessWorkload, serviceWorkload } from '../src/compose/workloads';
import { serviceUrl, serviceUrlVariable } from '../src/core/naming';
import type { ImageModel, ServiceModel } from '../src/model';
import { synthSnapshot } from '../src/testing/synth';
import { checkCompose } from '../src/validators/compose';

/** web (public, calls api), admin (public, same port, calls api and web), api (internal, with a database). */
function shop(project: Project, local: LocalDevProps | ((s: { api: Service; web: Service; admin: Service }) => LocalDevProps)) {
  const api = new Service(project, 'api', { port: 8080, internal: true, env: { LOG_LEVEL: { value: 'info' } } });
  const web = new Service(project, 'web', { port: 3000, calls: [api], env: { SESSION_SECRET: { secret: 'shop/session' } } });
  const admin = new Service(project, 'admin', { port: 3000, healthPath: '/ready', calls: [api, web] });
  for (const s of [web, admin, api]) {
    new DockerImage(project, `${s.name}-image`, { service: s, preset: DockerPreset.node(), contextPath: s.name, dockerfilePath: `${s.name}/Dockerfile` });
  }
  new Database(project, 'db', { service: api, databaseName: 'orders', username: 'orders_app', postgresVersion: '16' });
  new LocalDev(project, 'local', typeof local === 'function' ? local({ api, web, admin }) : local);
}

const GOOD: LocalDevProps = { env: { web: { SESSION_SECRET: 'local-session' } }, hostPort: { admin: 3001 }, dependencies: [ComposeDependency.redis()] };

describe('GIVEN two public services and an internal one with a database, and LocalDev without images', () => {
  const files = synthSnapshot((outdir) => {
    const project = new Project({ name: 'shop', outdir });
    shop(project, GOOD);
    return project;
  });
  const text = files['docker-compose.yml'];
  const compose = parse(text);
  const { web, admin, api } = compose.services;

  test('THEN the compose file has every workload (by image order), then the database, then the dependencies', () => {
    expect(Object.keys(compose.services)).toEqual(['web', 'admin', 'api', 'postgres', 'redis']);
  });

  test('THEN each workload builds its own Dockerfile, context and target stage, with its own healthcheck', () => {
    for (const name of ['web', 'admin', 'api']) {
      expect(compose.services[name].build).toEqual({ context: name, dockerfile: 'Dockerfile', target: 'runtime' });
      expect(files[`${name}/Dockerfile`]).toContain('FROM node:22-bookworm-slim AS runtime');
    }
    expect(admin.healthcheck.test.join(' ')).toContain('/ready');
    expect(web.healthcheck.test.join(' ')).toContain('3000/healthz');
    expect(api.healthcheck.test.join(' ')).toContain('8080/healthz');
  });

  test("THEN each call gives the caller <NAME>_URL, exactly serviceUrl(name, port): Service Connect's URL in AWS", () => {
    expect(web.environment.API_URL).toBe(serviceUrl('api', 8080));
    expect(web.environment.API_URL).toBe('http://api:8080');
    expect(admin.environment).toMatchObject({ [serviceUrlVariable('api')]: 'http://api:8080', [serviceUrlVariable('web')]: 'http://web:3000' });
    expect(Object.keys(api.environment).filter((k) => k.endsWith('_URL'))).toEqual([]);
  });

  test('THEN public services publish their own host port on 127.0.0.1, and the internal service none', () => {
    expect(web.ports).toEqual([{ target: 3000, published: '3000', host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(admin.ports).toEqual([{ target: 3000, published: '3001', host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(api.ports).toBeUndefined();
    expect(text).not.toMatch(/published: "8080"/);
  });

  test('THEN each workload waits until healthy for the dependencies, its own database and the services it calls', () => {
    const healthy = { condition: 'service_healthy' };
    expect(web.depends_on).toEqual({ redis: healthy, api: healthy });
    expect(admin.depends_on).toEqual({ redis: healthy, api: healthy, web: healthy });
    expect(api.depends_on).toEqual({ postgres: healthy, redis: healthy });
  });

  test("THEN the database's names go to its own workload only, with each workload's own local values", () => {
    expect(api.environment).toMatchObject({ DATABASE_HOST: 'postgres', DATABASE_NAME: 'orders', DATABASE_USER: 'orders_app', LOG_LEVEL: 'info', PORT: '8080' });
    expect(Object.keys(web.environment).sort()).toEqual(['API_URL', 'PORT', 'SESSION_SECRET']);
    expect(web.environment.SESSION_SECRET).toBe('local-session');
    expect(compose.services.postgres.image).toBe('postgres:16-alpine');
  });

  test('THEN the compose file passes the structural checks (as in validate-outputs)', () => {
    expect(checkCompose(text, 'docker-compose.yml')).toEqual([]);
  });
});

describe('two Databases: each workload gets its own local PostgreSQL', () => {
  test('named <workload>-postgres, each DATABASE_HOST pointing at its own', () => {
    const project = newProject();
    const a = new Service(project, 'orders', { port: 8080 });
    const b = new Service(project, 'billing', { port: 8081 });
    for (const s of [a, b]) {
      new DockerImage(project, `${s.name}-image`, { service: s, preset: DockerPreset.node() });
      new Database(project, `${s.name}-db`, { service: s });
    }
    const local = new LocalDev(project, 'local', {});
    const m = local._contribute().model as ComposeModel;
    expect(m.services.map((s) => s.name)).toEqual(['orders', 'billing', 'orders-postgres', 'billing-postgres']);
    expect(m.services[0].environment.DATABASE_HOST).toBe('orders-postgres');
    expect(m.services[1].environment.DATABASE_HOST).toBe('billing-postgres');
    expect(m.services[1].dependsOn).toEqual(['billing-postgres']);
    expect(local._validate()).toEqual([]);
    expect(checkCompose(renderCompose(m), 'docker-compose.yml')).toEqual([]);
  });
});

describe('a compose file in a subfolder', () => {
  test('builds each context relative to the compose file, as compose reads it', () => {
    const project = newProject();
    const api = new Service(project, 'api');
    new DockerImage(project, 'api-image', { service: api, preset: DockerPreset.node(), contextPath: 'api', dockerfilePath: 'api/Dockerfile' });
    const root = new Service(project, 'root', { port: 9000 });
    new DockerImage(project, 'root-image', { service: root, preset: DockerPreset.node() });
    const m = new LocalDev(project, 'local', { filePath: 'dev/docker-compose.yml' })._contribute().model as ComposeModel;
    expect(m.services.map((s) => s.build)).toEqual([
      { context: '../api', dockerfile: 'Dockerfile', target: 'runtime' },
      { context: '..', dockerfile: 'Dockerfile', target: 'runtime' },
    ]);
  });
});

describe('the one-service shorthand stays as it was', () => {
  test('`image` runs only that workload, with env names given directly; the other images are left out', () => {
    const project = newProject();
    const py = new Service(project, 'py', { port: 8000, env: { TOKEN: { secret: 'x/token' } } });
    const go = new Service(project, 'go', { port: 9000 });
    const image = new DockerImage(project, 'py-image', { service: py, preset: DockerPreset.node() });
    new DockerImage(project, 'go-image', { service: go, preset: DockerPreset.go() });
    const local = new LocalDev(project, 'local', { image, env: { TOKEN: 'local-token' }, hostPort: 18000 });
    const m = local._contribute().model as ComposeModel;
    expect(m.services.map((s) => s.name)).toEqual(['py']);
    expect(m.services[0].environment).toEqual({ TOKEN: 'local-token', PORT: '8000' });
    expect(m.services[0].ports).toEqual([{ target: 8000, published: 18000 }]);
    expect(local._validate()).toEqual([]);
  });
});

/** A hand-made image model: one runtime stage, a healthcheck command if given. */
function imageModel(name: string, health?: readonly string[]): ImageModel {
  const check = health ? [{ kind: 'healthcheck' as const, check: { command: health, interval: '30s', timeout: '5s', startPeriod: '10s', retries: 3 } }] : [];
  return {
    path: `demo/${name}-image`,
    service: name,
    dockerfilePath: `${name}/Dockerfile`,
    contextPath: name,
    dockerignore: [],
    dockerfile: { globalArgs: [], stages: [{ name: 'runtime', from: { image: 'node', tag: '22-bookworm-slim' }, instructions: check }] },
  };
}

describe('workers and jobs (plugged into the workload lookup by their own helpers)', () => {
  const api: ServiceModel = { path: 'demo/api', name: 'api', port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512, env: {}, calls: [], internal: true, exposure: { kind: 'internal' }, publishes: false };
  const services = composeServices([
    { image: imageModel('api', ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/healthz']), workload: serviceWorkload(api), values: {} },
    {
      image: imageModel('mailer', ['node', 'dist/health.js']),
      workload: portlessWorkload('worker', { path: 'demo/mailer', name: 'mailer', env: { FROM: { value: 'shop@example.com' } } }),
      values: {},
    },
    {
      image: imageModel('nightly'),
      workload: portlessWorkload('job', { path: 'demo/nightly', name: 'nightly', env: {}, command: ['node', 'dist/report.js', '--since=$YESTERDAY'] }),
      values: {},
    },
  ], [ComposeDependency.redis()]);
  const text = renderCompose({ path: 'demo/local', filePath: 'docker-compose.yml', projectName: 'demo', services });
  const compose = parse(text);

  test("THEN a worker publishes no port, gets no PORT, and keeps its image's healthcheck command", () => {
    expect(compose.services.mailer.ports).toBeUndefined();
    expect(compose.services.mailer.environment).toEqual({ FROM: 'shop@example.com' });
    expect(compose.services.mailer.healthcheck.test).toEqual(['CMD', 'node', 'dist/health.js']);
    expect(compose.services.mailer.profiles).toBeUndefined();
  });

  test("THEN a job runs only when asked (profile 'jobs'), with its whole command as the entrypoint, literally", () => {
    expect(compose.services.nightly.profiles).toEqual([JOBS_PROFILE]);
    expect(compose.services.nightly.entrypoint).toEqual(['node', 'dist/report.js', '--since=$$YESTERDAY']);
    expect(compose.services.nightly.command).toBeUndefined();
    expect(compose.services.nightly.healthcheck).toBeUndefined();
    expect(compose.services.nightly.ports).toBeUndefined();
    expect(compose.services.nightly.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  test('THEN an internal service publishes no port, and the file passes the structural checks', () => {
    expect(compose.services.api.ports).toBeUndefined();
    expect(checkCompose(text, 'docker-compose.yml')).toEqual([]);
  });

  test('THEN waiting for a service without a healthcheck is until it has started; the checks refuse waiting on a job', () => {
    const waits = renderCompose({
      path: 'demo/local',
      filePath: 'docker-compose.yml',
      projectName: 'demo',
      services: [{ ...services[0], dependsOn: ['nightly'] }, { ...services[2], dependsOn: [] }],
    });
    expect(parse(waits).services.api.depends_on).toEqual({ nightly: { condition: 'service_started' } });
    expect(checkCompose(waits, 'docker-compose.yml').map((f) => f.rule)).toEqual(['depends-on-profile']);
  });
});

describe('naming: one URL in AWS and in compose', () => {
  test('serviceUrlVariable upper-cases and turns dashes into underscores; serviceUrl is http://<name>:<port>', () => {
    expect(serviceUrlVariable('orders-api')).toBe('ORDERS_API_URL');
    expect(serviceUrlVariable('a')).toBe('A_URL');
    expect(serviceUrl('orders-api', 8080)).toBe('http://orders-api:8080');
  });
});

describe('bad input: every problem at once, before anything is written', () => {
  test('a dependency with a workload name, two public services on one host port, a call to a service without an image', () => {
    const { error, written } = synthError((p) => {
      const billing = new Service(p, 'billing', { port: 9000 });
      shop(p, ({ web }) => {
        (web.calls as Service[]).push(billing);
        return { env: { web: { SESSION_SECRET: 'local-session' } }, dependencies: [ComposeDependency.custom({ name: 'api', image: { image: 'nginx', tag: '1.27-alpine' }, port: 80, healthcheck: ['nginx', '-t'] })] };
      });
    });
    expect(written).toEqual([]);
    expect(error.problems.map((x) => [x.code, x.property])).toEqual(expect.arrayContaining([
      ['SS-COMPOSE-PORT', 'hostPort.admin'],
      ['SS-COMPOSE-DEPENDENCY', 'dependencies'],
      ['SS-COMPOSE-CALLS', 'images'],
    ]));
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('(web publishes it)');
    expect(error.message).toContain('billing has none, so compose cannot run it');
    expect(error.message).toContain("and not a workload's name");
  });

  test("a call to a service whose image LocalDev does not run names the image and the callee's URL", () => {
    const { error } = synthError((p) => shop(p, () => ({ images: [p.node.findChild('web-image') as DockerImage], env: { SESSION_SECRET: 'local-session' } })));
    expect(error.code).toBe('SS-COMPOSE-CALLS');
    expect(error.got).toBe("'web calls api'");
    expect(error.message).toContain('bad/api-image');
    expect(error.message).toContain('http://api:8080');
  });

  test('with several workloads, SS-COMPOSE-DATABASE still guards the workload the Database belongs to', () => {
    const { error } = synthError((p) => shop(p, { ...GOOD, env: { ...GOOD.env, api: { DATABASE_HOST: 'elsewhere' } }, dependencies: [ComposeDependency.postgres()] }));
    expect(error.problems.map((x) => [x.code, x.property])).toEqual([
      ['SS-COMPOSE-DATABASE', 'env.api.DATABASE_HOST'],
      ['SS-COMPOSE-DATABASE', 'dependencies'],
    ]);
    expect(error.message).toContain('bad/db provides it (postgres:16-alpine');
  });

  test('env names given directly when LocalDev runs several workloads, or under an unknown workload', () => {
    const flat = synthError((p) => shop(p, { env: { SESSION_SECRET: 'local-session' }, hostPort: { admin: 3001 } })).error;
    expect(flat.problems.map((x) => [x.code, x.property])).toEqual(expect.arrayContaining([['SS-COMPOSE-ENV', 'env']]));
    expect(flat.message).toContain('local values by workload name, since LocalDev runs 3 workloads (web, admin, api)');
    const unknown = synthError((p) => shop(p, { ...GOOD, env: { ...GOOD.env, shop: { X: 'y' } } })).error;
    expect([unknown.code, unknown.property]).toEqual(['SS-COMPOSE-ENV', 'env.shop']);
    const secret = synthError((p) => shop(p, { hostPort: { admin: 3001 } })).error;
    expect([secret.code, secret.property]).toEqual(['SS-COMPOSE-ENV', 'env.web.SESSION_SECRET']);
    expect(secret.message).toContain('env: { web: { SESSION_SECRET: postgres.password } }');
  });

  test('a host port for an internal service, one number for two public services, image and images together', () => {
    const internal = synthError((p) => shop(p, { ...GOOD, hostPort: { admin: 3001, api: 18080 } })).error;
    expect([internal.code, internal.property]).toEqual(['SS-COMPOSE-HOSTPORT', 'hostPort.api']);
    expect(internal.message).toContain('the name of a public service LocalDev runs (web, admin)');
    const number = synthError((p) => shop(p, { ...GOOD, hostPort: 4000 })).error;
    expect([number.code, number.property]).toEqual(['SS-COMPOSE-HOSTPORT', 'hostPort']);
    expect(number.message).toContain('hostPort: { web: 4000, admin: 4001 }');
    const both = synthError((p) => shop(p, () => ({ ...GOOD, image: p.node.findChild('web-image') as DockerImage, images: [p.node.findChild('web-image') as DockerImage] }))).error;
    expect(both.problems.map((x) => [x.code, x.property])).toContainEqual(['SS-COMPOSE-IMAGES', 'images']);
  });

  test('a host port when LocalDev runs no public service', () => {
    const { error } = synthError((p) => {
      const api = new Service(p, 'api', { internal: true });
      new LocalDev(p, 'local', { image: new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() }), hostPort: 8080 });
    });
    expect([error.code, error.property]).toEqual(['SS-COMPOSE-HOSTPORT', 'hostPort']);
    expect(error.message).toContain('LocalDev runs no public service');
  });

  test('an image of another project', () => {
    const { error } = synthError((p) => {
      const other = new Project({ name: 'other', outdir: p.outdir + '-other' });
      const image = new DockerImage(other, 'image', { service: new Service(other, 'api'), preset: DockerPreset.node() });
      new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
      new LocalDev(p, 'local', { images: [image] });
    });
    expect([error.code, error.property]).toEqual(['SS-FOREIGN-CONSTRUCT', 'images[0]']);
    expect(error.problems).toHaveLength(1);
  });

  test('a project without any DockerImage', () => {
    const { error } = synthError((p) => {
      new Service(p, 'api');
      new LocalDev(p, 'local');
    });
    expect([error.code, error.property]).toEqual(['SS-COMPOSE-IMAGES', 'images']);
  });
});

describe('Service.calls', () => {
  test('the model holds the callee names', () => {
    const project = newProject();
    const api = new Service(project, 'api');
    const web = new Service(project, 'web', { calls: [api] });
    expect((web._contribute().model as ServiceModel).calls).toEqual(['api']);
    expect((api._contribute().model as ServiceModel).calls).toEqual([]);
  });

  test("the caller's own env declaring <NAME>_URL, the same callee twice, itself", () => {
    const { error, written } = synthError((p) => {
      const api = new Service(p, 'orders-api');
      const web = new Service(p, 'web', { calls: [api, api], env: { ORDERS_API_URL: { value: 'http://elsewhere' } } });
      (web.calls as Service[]).push(web);
    });
    expect(written).toEqual([]);
    expect(error.problems.map((x) => [x.code, x.property])).toEqual([
      ['SS-SERVICE-CALLS', 'env.ORDERS_API_URL'],
      ['SS-SERVICE-CALLS', 'calls[1]'],
      ['SS-SERVICE-CALLS', 'calls[2]'],
    ]);
  });

  test('a service of another project, or something that is not a Service', () => {
    const { error } = synthError((p) => {
      const other = new Project({ name: 'other', outdir: p.outdir + '-other' });
      new Service(p, 'web', { calls: [new Service(other, 'api')] });
    });
    expect([error.code, error.property]).toEqual(['SS-FOREIGN-CONSTRUCT', 'calls[0]']);
    const notService = synthError((p) => new Service(p, 'web', { calls: ['api' as unknown as Service] })).error;
    expect([notService.code, notService.property]).toEqual(['SS-SERVICE-CALLS', 'calls.0']);
  });
});
