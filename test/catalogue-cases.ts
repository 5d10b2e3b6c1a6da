/**
 * The catalogue of bad input: one entry per mistake a user can make, across every construct.
 * test/catalogue.test.ts asserts each one's full message and that no file was touched.
 */
import { Project } from 'projen';
import {
  AlarmMetric, BaseImages, ComposeDependency, Database, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, EscalationPolicy,
  FeatureFlag, LocalDev, Monitoring, Pipeline, ProdParity, ScalingTarget, SecretRef, Service, ServiceContainer, Severity, Shipshape,
} from '../src';
import { bareProject } from './util';

export interface BadInput {
  readonly name: string;
  readonly build: (outdir: string) => Project;
  /** Files that exist before synthesis (for the hand-written-file cases). */
  readonly existing?: Record<string, string>;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const DOMAIN = { name: 'api.example.com', hostedZoneId: 'ZEXAMPLE' };

/** A project with a service `api`; `more` adds the mistake. */
function withService(more: (p: Project, api: Service) => void, serviceProps: ConstructorParameters<typeof Service>[2] = {}) {
  return (outdir: string) => {
    const p = bareProject(outdir, 'shop');
    const api = new Service(p, 'api', serviceProps);
    more(p, api);
    return p;
  };
}

const env = (p: Project, id: string, props: Partial<ConstructorParameters<typeof Environment>[2]> = {}) =>
  new Environment(p, id, { account: ACCOUNT, region: REGION, ...props });

const image = (p: Project, api: Service) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });

const ESCALATION = { critical: { pagerEndpointParameter: '/pager/url' }, warning: { email: ['team@example.com'] }, info: { email: ['digest@example.com'] } };
const custom = { metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Queue' }), threshold: 10, unit: 'count' as const };
type MonitoringProps = Partial<ConstructorParameters<typeof Monitoring>[2]>;
const monitored = (extra: (m: Monitoring, p: Project) => void, escalation: object | false = ESCALATION, props: MonitoringProps = {}) =>
  withService((p, api) => {
    env(p, 'prod');
    if (escalation) new EscalationPolicy(p, 'escalation', escalation as never);
    extra(new Monitoring(p, 'monitoring', { service: api, ...props }), p);
  });

const withSlo = (slo: unknown) => withService((p, api) => {
  env(p, 'prod');
  new EscalationPolicy(p, 'escalation', ESCALATION);
  new Monitoring(p, 'monitoring', { service: api, slo: slo as never });
});

export const BAD_INPUTS: readonly BadInput[] = [
  // Service
  { name: 'service: name with capitals', build: withService(() => undefined, { name: 'Api' }) },
  { name: 'service: a one-letter name (ECR needs two)', build: withService(() => undefined, { name: 'a' }) },
  { name: 'service: port 0', build: withService(() => undefined, { port: 0 }) },
  { name: 'service: port 65536', build: withService(() => undefined, { port: 65536 }) },
  { name: 'service: fractional port', build: withService(() => undefined, { port: 80.5 }) },
  { name: 'service: health path without /', build: withService(() => undefined, { healthPath: 'healthz' }) },
  { name: 'service: health path with a space', build: withService(() => undefined, { healthPath: '/health z' }) },
  { name: 'service: CPU Fargate does not run', build: withService(() => undefined, { cpu: 300 }) },
  { name: 'service: memory that does not fit the CPU', build: withService(() => undefined, { cpu: 1024, memoryMiB: 512 }) },
  { name: 'service: env name in lower case', build: withService(() => undefined, { env: { db_host: { value: 'x' } } }) },
  { name: 'service: env with value and secret', build: withService(() => undefined, { env: { DB: { value: 'x', secret: 'y' } as never } }) },
  { name: 'service: unknown prop', build: withService(() => undefined, { prot: 8080 } as never) },
  { name: 'service: a migrate command that is empty', build: withService(() => undefined, { migrate: { command: [] } }) },
  { name: 'service: a migrate argument with a newline', build: withService(() => undefined, { migrate: { command: ['sh', '-c', 'migrate\nrm -rf /'] } }) },

  // Environment
  { name: 'environment: short account id', build: withService((p) => env(p, 'prod', { account: '12345' })) },
  { name: 'environment: unknown region', build: withService((p) => env(p, 'prod', { region: 'eu-westish-1' })) },
  { name: 'environment: duplicate name', build: withService((p) => { env(p, 'prod'); env(p, 'prod2', { name: 'prod' }); }) },
  { name: 'environment: log retention CloudWatch does not offer', build: withService((p) => env(p, 'prod', { logRetentionDays: 10 })) },
  { name: 'environment: http URL', build: withService((p) => env(p, 'prod', { url: 'http://api.example.com' })) },
  { name: 'environment: gated without reviewers or wait', build: withService((p) => env(p, 'prod', { approval: {} })) },
  { name: 'environment: reviewer that is no GitHub user or team', build: withService((p) => env(p, 'prod', { approval: { reviewers: ['not a user'] } })) },
  { name: 'environment: canary without a load balancer', build: withService((p) => env(p, 'prod', { strategy: DeploymentStrategy.canary() })) },
  { name: 'environment: blue/green without a load balancer', build: withService((p) => env(p, 'prod', { strategy: DeploymentStrategy.blueGreen() })) },
  { name: 'environment: scaling min above max', build: withService((p) => env(p, 'prod', { scaling: { min: 5, max: 2 } })) },
  { name: 'environment: a secret given as a literal', build: withService((p) => env(p, 'prod', { secrets: { API_KEY: 'hunter2-hunter2' as never } })) },
  { name: 'environment: variable name in lower case', build: withService((p) => env(p, 'prod', { variables: { log_level: 'info' } })) },
  { name: 'environment: name with capitals', build: withService((p) => env(p, 'prod', { name: 'Prod' })) },
  { name: 'environment: scaling target percent above 100', build: withService((p) => env(p, 'prod', { scaling: { min: 1, max: 2, target: ScalingTarget.cpu(150) } })) },

  // Deployment strategies
  { name: 'strategy: canary of 0 percent', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary({ percent: 0 }) })) },
  { name: 'strategy: canary of 100 percent', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary({ percent: 100 }) })) },
  { name: 'strategy: linear step of 2 percent', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.linear({ stepPercent: 2 }) })) },
  { name: 'strategy: bake shorter than the rollback alarms', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary({ bake: Duration.minutes(1) }) })) },

  // Images
  { name: 'image: preset given as a string', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: 'node' as never })) },
  { name: 'image: absolute Dockerfile path', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node(), dockerfilePath: '/Dockerfile' })) },
  { name: 'image: healthcheck interval without a unit', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node(), healthcheck: { interval: '30' } })) },
  { name: 'image: stage name used twice', build: withService((p, api) => { const i = image(p, api); i.dockerfile.addStage('deps', { from: { image: 'node', tag: '22-bookworm-slim' } }); }) },
  { name: 'image: USER root in the final stage', build: withService((p, api) => { image(p, api).targetStage.user('root'); }) },
  { name: 'image: EXPOSE another port than the service', build: withService((p, api) => { image(p, api).targetStage.expose(9999); }) },
  { name: 'image: an AWS key in ENV', build: withService((p, api) => { image(p, api).targetStage.env({ AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' }); }) },
  { name: 'image: a latest base image', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node({ baseImages: BaseImages.defaults().use('node', { image: 'node', tag: 'latest' }) } as never) })) },
  { name: 'image: a digest that is not sha256', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node(), baseImages: BaseImages.defaults().pin('node', 'sha256:abc') })) },

  // Local development
  { name: 'compose: env name the service does not declare', build: withService((p, api) => new LocalDev(p, 'local', { image: image(p, api), env: { UNKNOWN: 'x' } })) },
  { name: 'compose: service secret without a local value', build: withService((p, api) => new LocalDev(p, 'local', { image: image(p, api) }), { env: { TOKEN: { secret: 'shop/token' } } }) },
  { name: 'compose: a local value that looks like a real secret', build: withService((p, api) => new LocalDev(p, 'local', { image: image(p, api), env: { TOKEN: 'AKIAIOSFODNN7EXAMPLE' } }), { env: { TOKEN: { secret: 'shop/token' } } }) },
  { name: 'compose: the same dependency twice', build: withService((p, api) => new LocalDev(p, 'local', { image: image(p, api), dependencies: [ComposeDependency.redis(), ComposeDependency.redis()] })) },

  // Pipeline
  { name: 'pipeline: needs an unknown job', build: withService((p) => new Pipeline(p, 'ci').addJob('e2e', { needs: ['biuld'], steps: [{ run: 'npm run e2e' }] })) },
  { name: 'pipeline: a needs cycle', build: withService((p) => { const ci = new Pipeline(p, 'ci'); ci.addJob('a', { needs: ['b'], steps: [{ run: 'true' }] }); ci.addJob('b', { needs: ['a'], steps: [{ run: 'true' }] }); }) },
  { name: 'pipeline: a shard count of 0', build: withService((p) => new Pipeline(p, 'ci', { checks: { test: { shards: 0 } } })) },
  { name: 'pipeline: a budget under a minute', build: withService((p) => new Pipeline(p, 'ci', { budget: { prMinutes: 0.5 } })) },
  { name: 'pipeline: an action pinned to a tag', build: withService((p) => new Pipeline(p, 'ci').addJob('x', { steps: [{ uses: 'actions/checkout@v4' }] })) },
  { name: 'pipeline: an action missing from the pin table', build: withService((p) => new Pipeline(p, 'ci').addJob('x', { steps: [{ uses: 'someone/something' }] })) },
  { name: 'pipeline: untrusted input inside run', build: withService((p) => new Pipeline(p, 'ci').addJob('x', { steps: [{ run: 'echo "${{ github.event.pull_request.title }}"' }] })) },
  { name: 'pipeline: a deploy order naming an unknown environment', build: withService((p, api) => { image(p, api); env(p, 'prod'); new Pipeline(p, 'ci', { deploy: { order: ['prod', 'qa'] } }); }) },
  { name: 'pipeline: a job id with capitals', build: withService((p) => new Pipeline(p, 'ci').addJob('E2E', { steps: [{ run: 'true' }] })) },
  { name: 'pipeline: a job without steps', build: withService((p) => new Pipeline(p, 'ci').addJob('empty', { steps: [] })) },
  { name: 'pipeline: a timeout of 0 minutes', build: withService((p) => new Pipeline(p, 'ci').addJob('x', { timeoutMinutes: 0, steps: [{ run: 'true' }] })) },
  { name: 'pipeline: a pin that is not a commit SHA', build: withService((p) => new Pipeline(p, 'ci', { actionPins: { 'a/b': { sha: 'v1', version: 'v1' } } })) },

  // Database, flags, parity
  { name: 'database: unknown Postgres version', build: withService((p, api) => new Database(p, 'db', { service: api, postgresVersion: '9' as never })) },
  { name: 'database: no backups', build: withService((p, api) => new Database(p, 'db', { service: api, backupRetentionDays: 0 })) },
  {
    name: 'database: the service declares a variable the database gives',
    build: withService((p, api) => new Database(p, 'db', { service: api }), { env: { DATABASE_HOST: { value: 'db.internal' } } }),
  },
  {
    name: 'database: sizes for an environment that is not declared',
    build: withService((p, api) => { env(p, 'prod'); new Database(p, 'db', { service: api, environments: { production: { instanceType: 'm7g.large' } } }); }),
  },
  {
    name: 'database: an unknown size property for an environment',
    build: withService((p, api) => { env(p, 'prod'); new Database(p, 'db', { service: api, environments: { prod: { instanceClass: 'db.m7g.large' } as never } }); }),
  },
  {
    name: "database: an environment's storage ceiling below its storage",
    build: withService((p, api) => { env(p, 'prod'); new Database(p, 'db', { service: api, environments: { prod: { allocatedStorageGiB: 200 } } }); }),
  },
  {
    name: 'compose: a PostgreSQL dependency next to the Database',
    build: withService((p, api) => { new Database(p, 'db', { service: api }); new LocalDev(p, 'local', { image: image(p, api), dependencies: [ComposeDependency.postgres()] }); }),
  },
  {
    name: 'pipeline: a PostgreSQL container next to the Database',
    build: withService((p, api) => {
      new Database(p, 'db', { service: api });
      new Pipeline(p, 'ci', { image: image(p, api), checks: { integration: { services: { postgres: ServiceContainer.postgres() } } } });
    }),
  },
  { name: 'flag: a value for an environment that does not exist', build: withService((p) => { env(p, 'prod'); new FeatureFlag(p, 'beta', { description: 'Beta', values: { produktion: true } }); }) },
  {
    name: 'parity: staging diverges from prod without an allowance',
    build: withService((p) => {
      const staging = env(p, 'staging', { domain: { name: 'staging.example.com', hostedZoneId: 'ZS' }, strategy: DeploymentStrategy.rolling() });
      const prod = env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary() });
      new ProdParity(p, 'parity', { staging, prod });
    }),
  },
  {
    name: 'parity: an allowance for a difference that does not exist',
    build: withService((p) => {
      const staging = env(p, 'staging', { domain: { name: 'staging.example.com', hostedZoneId: 'ZS' } });
      const prod = env(p, 'prod', { domain: DOMAIN });
      new ProdParity(p, 'parity', { staging, prod, allow: { strategy: 'we used to differ here' } });
    }),
  },

  // Monitoring
  {
    name: 'canary: a journey with a body on GET, a secret header and an unknown method',
    build: withService((p, api) => {
      env(p, 'prod');
      new EscalationPolicy(p, 'escalation', ESCALATION);
      new Monitoring(p, 'monitoring', {
        service: api,
        canary: {
          journeys: [
            { name: 'read', path: '/orders', body: '{}' },
            { name: 'auth', path: '/me', headers: { Authorization: 'Bearer x' } },
            { name: 'trace', path: '/', method: 'TRACE' as never },
          ],
        },
      });
    }),
  },
  { name: 'alarm: no severity', build: monitored((m) => m.addAlarm('queue', { ...custom } as never)) },
  { name: 'alarm: an unknown severity', build: monitored((m) => m.addAlarm('queue', { ...custom, severity: 'urgent' as never })) },
  { name: 'alarm: a percentage above 100', build: monitored((m) => m.addAlarm('queue', { ...custom, severity: Severity.WARNING, threshold: 150, unit: 'percent' })) },
  { name: 'alarm: a negative latency', build: monitored((m) => m.addAlarm('slow', { ...custom, severity: Severity.WARNING, threshold: -5, unit: 'milliseconds' })) },
  { name: 'alarm: two alarms with the same name', build: monitored((m) => { m.addAlarm('queue', { ...custom, severity: Severity.WARNING }); m.addAlarm('queue', { ...custom, severity: Severity.INFO }); }) },
  { name: 'alarm: an empty runbook step', build: monitored((m) => m.addAlarm('queue', { ...custom, severity: Severity.WARNING, steps: ['Look at the queue.', '  '] })) },
  { name: 'slo: a target of 100 % (no error budget)', build: withSlo({ availability: { target: 100 } }) },
  { name: 'slo: neither availability nor latency', build: withSlo({ window: Duration.days(30) }) },
  { name: 'slo: a window of 36 hours', build: withSlo({ availability: { target: 99.9 }, window: Duration.hours(36) }) },
  { name: 'slo: a latency threshold of 0 ms and a misspelled key', build: withSlo({ latency: { thresholdMs: 0, target: 99 }, minimumRequests: 5 }) },
  { name: 'escalation: a page route that is not a boolean', build: monitored(() => undefined, { ...ESCALATION, environments: { prod: { page: 'yes' } } }) },
  { name: 'escalation: routes for an environment that does not exist', build: monitored(() => undefined, { ...ESCALATION, environments: { staging: { page: true } } }) },
  {
    name: 'monitoring: log options of the wrong kind',
    build: withService((p, api) => {
      env(p, 'prod');
      new EscalationPolicy(p, 'escalation', ESCALATION as never);
      new Monitoring(p, 'monitoring', { service: api, logs: { minimumNumericLevel: 'fifty' as never, stackTraceTerms: ['say "hi"'] } });
    }),
  },
  { name: 'escalation: CRITICAL with no endpoint', build: monitored(() => undefined, { critical: {}, warning: { email: ['team@example.com'] }, info: { email: ['d@example.com'] } }) },

  // Names: clashes after the outputs' normalisation, and AWS's length and character limits
  { name: 'names: services api2 and api-2 (the same logical ids)', build: withService((p) => { new Service(p, 'api-2'); }, { name: 'api2' }) },
  { name: 'names: two services with the same name', build: withService((p) => { new Service(p, 'web', { name: 'api' }); }) },
  { name: 'names: environments qa1 and qa-1', build: withService((p) => { env(p, 'qa1'); env(p, 'qa-1'); }) },
  {
    name: 'names: two service and environment pairs with one stack name',
    build: withService((p) => { new Service(p, 'api-eu'); env(p, 'eu-prod'); env(p, 'prod'); }),
  },
  { name: 'names: a construct id used by a Service and a DockerImage', build: withService((p, api) => { new DockerImage(p, 'api', { service: api, preset: DockerPreset.node() }); }) },
  {
    name: 'names: a 48-character project name (IAM role names over 64 characters)',
    build: (outdir) => {
      const p = bareProject(outdir, 'a-project-name-of-forty-eight-characters-for-iam');
      new Service(p, 'api');
      env(p, 'production');
      return p;
    },
  },
  {
    name: 'names: a project name a CloudFormation stack name refuses',
    build: (outdir) => {
      const p = bareProject(outdir, 'shop_2');
      new Service(p, 'api');
      env(p, 'prod');
      return p;
    },
  },
  // Project settings and files
  { name: 'project: a repository that is not owner/repo', build: withService((p) => { Shipshape.configure(p, { repository: 'acme' }); env(p, 'prod'); }) },
  { name: 'project: acknowledging a rule without a reason', build: withService((p, api) => { image(p, api).acknowledge('SS-DOCKER-NONROOT', ''); }) },
  { name: 'project: a Dockerfile written by hand', build: withService((p, api) => { image(p, api); }), existing: { Dockerfile: 'FROM scratch\n' } },
  { name: 'project: a workflow written by hand', build: withService((p) => { new Pipeline(p, 'ci'); }), existing: { '.github/workflows/ci.yml': 'on: push\n' } },
  { name: 'duration: a bake of 0 minutes', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.blueGreen({ bake: Duration.seconds(0) }) })) },
  // Files that cannot be written (issue 13, class 1): found before anything is written
  { name: 'project: a directory where a generated file goes', build: withService((p, api) => { image(p, api); }), existing: { 'Dockerfile/notes.txt': 'kept\n' } },
  { name: 'project: a file where a generated directory goes', build: withService((p) => { new Pipeline(p, 'ci'); }), existing: { '.github/workflows': 'not a directory\n' } },
  { name: 'project: two images writing the same Dockerfile', build: withService((p, api) => { image(p, api); new DockerImage(p, 'image2', { service: new Service(p, 'worker'), preset: DockerPreset.node() }); }) },
  // Entry points parse their input strictly (issue 13, class 7)
  { name: 'project: configure with a misspelt option', build: withService((p) => { Shipshape.configure(p, { repositroy: 'acme/shop' } as never); }) },
  { name: 'project: configure with an option of the wrong type', build: withService((p) => { Shipshape.configure(p, { cache: 'no' } as never); }) },
  { name: 'project: acknowledging a rule that does not exist', build: withService((p, api) => { image(p, api).acknowledge('SS-DOCKER-ROOT', 'the image needs root'); }) },
  { name: 'pipeline: a patchJob callback that returns nothing', build: withService((p) => { new Pipeline(p, 'ci').patchJob('lint', (() => undefined) as never); }) },
  { name: 'pipeline: a patchStep callback that throws', build: withService((p) => { new Pipeline(p, 'ci').patchStep('lint', 'Lint', () => { throw new TypeError("Cannot read properties of undefined (reading 'run')"); }); }) },
  { name: 'environment: a stack customization that throws', build: withService((p) => { env(p, 'prod').addStackCustomization(() => { throw new Error('no such construct: Alb'); }); }) },
  // Messages (issue 13, class 8)
  { name: 'duration: a negative number of minutes', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(-5) }) })) },
  { name: 'service: a name with an invisible Unicode dash', build: withService(() => undefined, { name: 'api\u2010eu' }) },
  { name: 'secret ref: an empty secret name', build: withService((p) => env(p, 'prod', { secrets: { API_KEY: SecretRef.fromName('') } })) },

  // Secrets in plain values: one pass over every plain value of the model (issue 13, class 4)
  { name: 'secret: an AWS access key in a Service env value', build: withService(() => undefined, { env: { AWS_ACCESS_KEY_ID: { value: 'AKIAIOSFODNN7EXAMPLE' } } }) },
  { name: 'secret: a GitHub token in Environment.variables', build: withService((p) => env(p, 'prod', { variables: { GH: `ghp_${'a1B2'.repeat(9)}` } })) },
  { name: 'secret: a URL with a password in a pipeline job env', build: withService((p) => new Pipeline(p, 'ci').addJob('report', { env: { DSN: 'postgres://app:hunter22@db.example.com/app' }, steps: [{ name: 'Report', run: 'echo ok' }] })) },

  // Values the target format reinterprets (class 5)
  { name: 'service: a quote in the health path', build: withService(() => undefined, { healthPath: "/health'z" }) },
  { name: 'service: a shell character in the health path', build: withService(() => undefined, { healthPath: '/healthz;reboot' }) },
  { name: 'secret ref: a JSON field with a colon', build: withService((p) => env(p, 'prod', { secrets: { DB_USER: SecretRef.fromName('db', { field: 'user:name' }) } })) },
  { name: 'pipeline: a drift schedule with minute 61', build: withService((p) => { env(p, 'prod'); new Pipeline(p, 'ci', { drift: { schedule: '61 5 * * *' } }); }) },
  { name: 'environment: a URL with a query string', build: withService((p) => env(p, 'prod', { url: 'https://api.example.com/?src=ci' })) },

  // Cross-references (class 6)
  { name: 'environment: a certificate of another region', build: withService((p) => env(p, 'prod', { domain: { name: 'api.example.com', certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0a1b2c3d` } })) },
  { name: 'environment: staging and prod with the same domain', build: withService((p) => { env(p, 'staging', { domain: DOMAIN }); env(p, 'prod', { domain: DOMAIN }); }) },
  { name: 'image: two images for one service', build: withService((p, api) => { image(p, api); new DockerImage(p, 'image2', { service: api, preset: DockerPreset.node(), dockerfilePath: 'Dockerfile.2' }); }) },
  { name: 'pipeline: an expected time for a job that does not exist', build: withService((p) => { env(p, 'prod'); new Pipeline(p, 'ci', { expectedMinutes: { 'deploy-prd': 5 } }); }) },
  {
    name: 'alarm: composite alarms in a cycle',
    build: monitored((m) => {
      m.addAlarm('either', { severity: Severity.WARNING, composite: { anyOf: ['both', 'cpu'] } });
      m.addAlarm('both', { severity: Severity.WARNING, composite: { allOf: ['either', 'memory'] } });
    }),
  },
  {
    name: 'project: a Service of another projen project',
    build: (outdir) => {
      const p = bareProject(outdir, 'shop');
      const other = new Service(bareProject(`${outdir}/other`, 'other'), 'api');
      new Service(p, 'web');
      new Monitoring(p, 'monitoring', { service: other });
      return p;
    },
  },

  // Messages (class 8): every construct's mistakes in one report, nested paths, known keys
  {
    name: 'project: mistakes in three constructs, reported together',
    build: withService((p, api) => {
      env(p, 'prod', { logRetentionDays: 15 });
      new DockerImage(p, 'image', { service: api, preset: DockerPreset.node(), dockerfilePath: '' });
      new FeatureFlag(p, 'beta', { description: 'Beta', values: { qa: true } });
    }, { port: 0 }),
  },
  { name: 'environment: a misspelt key inside domain', build: withService((p) => env(p, 'prod', { domain: { name: 'api.example.com', hostedZoneID: 'Z1' } as never })) },
  { name: 'monitoring: a built-in alarm limited to an unknown environment', build: monitored(() => undefined, ESCALATION, { alarms: { cpu: { environments: ['qa'] } } }) },
  { name: 'environment: an access key in a variable, with another mistake', build: withService((p) => env(p, 'prod', { variables: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' }, logRetentionDays: 15 })) },
  {
    name: 'project: a mistake the program cannot go on from, after another',
    build: (outdir) => {
      const p = bareProject(outdir, 'shop');
      new Service(p, 'api', { port: 0 });
      new Service(p, 'api');
      return p;
    },
  },

  // Escape hatches validated in the files they write (class 9)
  { name: 'pipeline: an override that writes a word for a timeout', build: withService((p) => new Pipeline(p, 'ci').addOverride('jobs.lint.timeout-minutes', 'ten')) },
  { name: 'pipeline: an override that writes a number for runs-on', build: withService((p) => new Pipeline(p, 'ci').addOverride('jobs.lint.runs-on', 5)) },

  // Strict factories (class 7): an unknown option is an error listing the known ones
  { name: 'strategy: a misspelt canary option', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary({ precent: 10 } as never) })) },
  { name: 'compose: a misspelt postgres option', build: withService((p, api) => new LocalDev(p, 'local', { image: image(p, api), dependencies: [ComposeDependency.postgres({ databse: 'app' } as never)] })) },
  { name: 'preset: a misspelt node preset option', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node({ entrypont: 'dist/main.js' } as never) })) },
  { name: 'alarm metric: options that are not an object', build: monitored((m) => m.addAlarm('queue', { ...custom, severity: Severity.WARNING, metric: AlarmMetric.custom(undefined as never) })) },
  // Inputs of the wrong shape, found by the random single mutations (test/mutation.test.ts)
  { name: 'construct: an id that is not a string', build: withService((p) => new Environment(p, 42 as never, { account: ACCOUNT, region: REGION })) },
  { name: 'construct: an empty id', build: withService((p) => new Pipeline(p, '')) },
  { name: 'project: a name that is not a string', build: (outdir) => { const p = new Project({ name: ['shop'] as never, outdir }); new Service(p, 'api'); return p; } },
  { name: 'environment: no props at all', build: withService((p) => new Environment(p, 'prod', undefined as never)) },
  { name: 'pipeline: props that are a number', build: withService((p) => new Pipeline(p, 'ci', 42 as never)) },
  { name: 'feature flag: props that are a string', build: withService((p) => new FeatureFlag(p, 'beta', 'Beta' as never)) },
  { name: 'strategy: a misspelt option', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.blueGreen({ bakes: Duration.minutes(5) } as never) })) },
  { name: 'strategy: options that are a number', build: withService((p) => env(p, 'prod', { domain: DOMAIN, strategy: DeploymentStrategy.canary('fast' as never) })) },
  { name: 'pipeline: an id with a GitHub expression (it names the workflow file)', build: withService((p) => new Pipeline(p, 'ci${{ github.token }}')) },
  { name: 'pipeline: a branch name too long for a file name (it names the ruleset file)', build: withService((p) => { env(p, 'prod'); new Pipeline(p, 'ci', { branch: 'b'.repeat(260) }); }) },
  { name: 'pipeline: a check command with a NUL character', build: withService((p) => new Pipeline(p, 'ci', { checks: { lint: 'npm run lint\u0000' } })) },
  { name: 'image: preset options that are a function', build: withService((p, api) => new DockerImage(p, 'image', { service: api, preset: DockerPreset.node((() => 'npm') as never) })) },
];
