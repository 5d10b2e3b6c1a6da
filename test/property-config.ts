/**
 * The configurations the property tests generate (test/property.test.ts: every validator passes; test/iam-proof.test.ts:
 * every role allows what its template and workflow need): fast-check arbitraries and the project they describe.
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

export function build(c: Config) {
  return (outdir: string) => {
    const p = new Project({ name: 'prop', outdir });
    Shipshape.configure(p, { cloudFormationValidation: false });
    const svc = new Service(p, c.service.name, { ...c.service, cpu: c.size[0], memoryMiB: c.size[1] });
    const image = new DockerImage(p, 'image', { service: svc, preset: DockerPreset.node() });
    if (c.repository) Shipshape.configure(p, { repository: c.repository });
    const strategies = {
      'rolling': () => DeploymentStrategy.rolling(),
      'blue-green': () => DeploymentStrategy.blueGreen(),
      'canary': () => DeploymentStrategy.canary(),
      'linear': () => DeploymentStrategy.linear(),
    };
    c.environments.forEach((e, i) => new Environment(p, `env-${i}`, {
      name: e.name,
      account: e.account,
      region: c.region,
      logRetentionDays: e.logRetentionDays,
      ...(e.domain ? { domain: { name: `${e.domain.host}.example.com`, hostedZoneId: 'ZPROPERTY' }, strategy: strategies[e.domain.strategy as keyof typeof strategies]() } : {}),
      ...(e.scaling ? { scaling: { min: e.scaling.min, max: e.scaling.min + e.scaling.extra, target: e.scaling.target === 'cpu' ? ScalingTarget.cpu() : ScalingTarget.memory() } } : {}),
    }));
    if (c.database) new Database(p, 'db', { service: svc });
    if (c.flag) new FeatureFlag(p, 'beta', { description: 'Beta', values: { [c.environments[0].name]: true } });
    if (c.monitoring) {
      new EscalationPolicy(p, 'escalation', { critical: { pagerEndpointParameter: '/pager/url' }, warning: { email: ['team@example.com'] }, info: { email: ['d@example.com'] } });
      new Monitoring(p, 'monitoring', { service: svc });
    }
    new Pipeline(p, 'ci', { image, nodeVersion: c.pipeline.nodeVersion, branch: c.pipeline.branch, checks: { lint: c.pipeline.lint ? 'npm run lint' : false } });
    return p;
  };
}
