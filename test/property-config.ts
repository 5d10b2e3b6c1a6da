/**
 * The configurations the property tests generate (test/property.test.ts: every validator passes; test/iam-proof.test.ts:
 * every role allows what its template and workflow need; test/mutation.test.ts: every single mutation of one is either
 * a ShipshapeError or a valid synthesis): fast-check arbitraries, the plain props tree each describes, and the project
 * that tree builds.
 */
import fc from 'fast-check';
import { Project } from 'projen';
import {
  Database, DeploymentStrategy, DockerImage, DockerPreset, Environment, EscalationPolicy, FeatureFlag, Monitoring, Pipeline, ScalingTarget,
  Service, Shipshape,
} from '../src';
import { AWS_REGIONS, LOG_RETENTION_DAYS } from '../src/environment/regions';

const name = fc.stringMatching(/^[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6})?$/);
/** CPU and memory pairs Fargate runs. */
const size = fc.constantFrom([256, 512], [256, 2048], [512, 1024], [512, 4096], [1024, 2048], [1024, 8192], [2048, 4096], [4096, 30720]);
export const config = fc.record({
  service: fc.record({
    name,
    port: fc.integer({ min: 1, max: 65535 }),
    healthPath: fc.stringMatching(/^\/[a-z0-9/_.-]{0,20}$/),
  }),
  size,
  environments: fc.uniqueArray(fc.record({
    name,
    account: fc.stringMatching(/^\d{12}$/),
    logRetentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
    // With a domain: a load balancer and any strategy; without: rolling only.
    domain: fc.option(fc.record({ host: name, strategy: fc.constantFrom('rolling', 'blue-green', 'canary', 'linear') }), { nil: undefined }),
    scaling: fc.option(fc.record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 5 }), target: fc.constantFrom('cpu', 'memory') }), { nil: undefined }),
  }), { minLength: 1, maxLength: 3, selector: (e) => e.name }),
  // One region for the whole project: the environments of one account must share a region (the image registry is regional).
  region: fc.constantFrom(...AWS_REGIONS.filter((r) => !r.startsWith('cn-') && !r.startsWith('us-gov-'))),
  repository: fc.option(fc.constantFrom('acme/shop', 'example-org/node-api'), { nil: undefined }),
  database: fc.boolean(),
  flag: fc.boolean(),
  monitoring: fc.boolean(),
  pipeline: fc.record({
    nodeVersion: fc.constantFrom('20', '22', '24'),
    branch: fc.constantFrom('main', 'trunk', 'release/v1'),
    lint: fc.boolean(),
  }),
});

export type Config = typeof config extends fc.Arbitrary<infer T> ? T : never;

/** Another construct of the same tree (`services.0`), resolved by {@link buildTree}. */
export interface Ref { readonly $ref: string }
/** A construct of another projen project, of the given class, resolved by {@link buildTree}. */
export interface Foreign { readonly $foreign: 'Service' | 'Environment' | 'DockerImage' }
/** A factory call (`DeploymentStrategy.canary(options)`), resolved by {@link buildTree}; `options` may be absent. */
export interface Call { readonly $call: keyof typeof FACTORIES; options?: unknown }

/** One construct: its id and the props passed to its constructor (plain data, with {@link Ref}s and {@link Call}s). */
export interface Entry { id: unknown; props: Record<string, unknown> }

/** A configuration as plain data: every constructor's props and every `Shipshape.configure` option, by construct. */
export interface Tree {
  project: { name: unknown };
  services: Entry[];
  images: Entry[];
  /** `Shipshape.configure` options, one call each, after `{ cloudFormationValidation: false }`. */
  configure: Array<Record<string, unknown>>;
  environments: Entry[];
  databases: Entry[];
  flags: Entry[];
  escalations: Entry[];
  monitorings: Entry[];
  pipelines: Entry[];
}

/** The construct lists of a {@link Tree}, in the order {@link buildTree} creates them. */
export const SECTIONS = ['services', 'images', 'environments', 'databases', 'flags', 'escalations', 'monitorings', 'pipelines'] as const;

const FACTORIES = {
  'DeploymentStrategy.rolling': () => DeploymentStrategy.rolling(),
  'DeploymentStrategy.blueGreen': (o: unknown) => DeploymentStrategy.blueGreen(o as never),
  'DeploymentStrategy.canary': (o: unknown) => DeploymentStrategy.canary(o as never),
  'DeploymentStrategy.linear': (o: unknown) => DeploymentStrategy.linear(o as never),
  'ScalingTarget.cpu': (o: unknown) => ScalingTarget.cpu(o as never),
  'ScalingTarget.memory': (o: unknown) => ScalingTarget.memory(o as never),
  'DockerPreset.node': (o: unknown) => DockerPreset.node(o as never),
};

const call = (factory: Call['$call']): Call => ({ $call: factory });
const STRATEGIES: Record<string, Call['$call']> = {
  'rolling': 'DeploymentStrategy.rolling', 'blue-green': 'DeploymentStrategy.blueGreen', 'canary': 'DeploymentStrategy.canary', 'linear': 'DeploymentStrategy.linear',
};

/**
 * The props tree of a generated configuration. With `extras`, the service and the last environment also get the
 * optional records and lists the property test leaves out (env, variables, approval, url), so that a mutation can
 * reach them.
 */
export function toTree(c: Config, extras = false): Tree {
  const t = plainTree(c);
  if (!extras) return t;
  t.services[0].props.env = { LOG_LEVEL: { value: 'info' }, API_TOKEN: { secret: `${c.service.name}/api-token` } };
  const last = t.environments[t.environments.length - 1].props;
  last.variables = { FEATURE_MODE: 'on' };
  last.approval = { reviewers: ['octocat'] };
  if (isObject(last.domain)) last.url = `https://${String(last.domain.name)}/`;
  return t;
}

function plainTree(c: Config): Tree {
  return {
    project: { name: 'prop' },
    services: [{ id: c.service.name, props: { ...c.service, cpu: c.size[0], memoryMiB: c.size[1] } }],
    images: [{ id: 'image', props: { service: { $ref: 'services.0' }, preset: call('DockerPreset.node') } }],
    configure: c.repository ? [{ repository: c.repository }] : [],
    environments: c.environments.map((e, i) => ({
      id: `env-${i}`,
      props: {
        name: e.name,
        account: e.account,
        region: c.region,
        logRetentionDays: e.logRetentionDays,
        ...(e.domain ? { domain: { name: `${e.domain.host}.example.com`, hostedZoneId: 'ZPROPERTY' }, strategy: call(STRATEGIES[e.domain.strategy]) } : {}),
        ...(e.scaling ? { scaling: { min: e.scaling.min, max: e.scaling.min + e.scaling.extra, target: call(e.scaling.target === 'cpu' ? 'ScalingTarget.cpu' : 'ScalingTarget.memory') } } : {}),
      },
    })),
    databases: c.database ? [{ id: 'db', props: { service: { $ref: 'services.0' } } }] : [],
    flags: c.flag ? [{ id: 'beta', props: { description: 'Beta', values: { [c.environments[0].name]: true } } }] : [],
    escalations: c.monitoring ? [{
      id: 'escalation',
      props: { critical: { pagerEndpointParameter: '/pager/url' }, warning: { email: ['team@example.com'] }, info: { email: ['d@example.com'] } },
    }] : [],
    monitorings: c.monitoring ? [{ id: 'monitoring', props: { service: { $ref: 'services.0' } } }] : [],
    pipelines: [{
      id: 'ci',
      props: { image: { $ref: 'images.0' }, nodeVersion: c.pipeline.nodeVersion, branch: c.pipeline.branch, checks: { lint: c.pipeline.lint ? 'npm run lint' : false } },
    }],
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A construct of another projen project (the cross-project mutation). */
function foreign(kind: Foreign['$foreign']): unknown {
  const other = new Project({ name: 'other', outdir: '/nonexistent/other-project' });
  const svc = new Service(other, 'other-api');
  if (kind === 'Service') return svc;
  if (kind === 'DockerImage') return new DockerImage(other, 'other-image', { service: svc, preset: DockerPreset.node() });
  return new Environment(other, 'other-env', { account: '123456789012', region: 'eu-west-1' });
}

/** The project a {@link Tree} describes, in `outdir`: every props object passed as is, refs and factory calls resolved. */
export function buildTree(t: Tree) {
  return (outdir: string) => {
    const p = new Project({ name: t.project.name as string, outdir });
    Shipshape.configure(p, { cloudFormationValidation: false });
    const built = new Map<string, unknown>();
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (!isObject(v)) return v;
      if (typeof v.$ref === 'string') return built.get(v.$ref);
      if (typeof v.$foreign === 'string') return foreign(v.$foreign as Foreign['$foreign']);
      if (typeof v.$call === 'string') return 'options' in v ? FACTORIES[v.$call as Call['$call']](resolve(v.options)) : FACTORIES[v.$call as Call['$call']](undefined);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    };
    const create = (section: typeof SECTIONS[number], make: (id: string, props: never) => unknown) =>
      t[section].forEach((e, i) => built.set(`${section}.${i}`, make(e.id as string, resolve(e.props) as never)));
    create('services', (id, props) => new Service(p, id, props));
    create('images', (id, props) => new DockerImage(p, id, props));
    for (const options of t.configure) Shipshape.configure(p, resolve(options) as never);
    create('environments', (id, props) => new Environment(p, id, props));
    create('databases', (id, props) => new Database(p, id, props));
    create('flags', (id, props) => new FeatureFlag(p, id, props));
    create('escalations', (id, props) => new EscalationPolicy(p, id, props));
    create('monitorings', (id, props) => new Monitoring(p, id, props));
    create('pipelines', (id, props) => new Pipeline(p, id, props));
    return p;
  };
}

/** The project a generated configuration describes, in `outdir`. */
export function build(c: Config) {
  return buildTree(toTree(c));
}
