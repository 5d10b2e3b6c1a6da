import { Project, typescript } from 'projen';
import {
  AlarmMetric, Database, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, EscalationPolicy, FeatureFlag,
  LocalDev, Monitoring, Pipeline, ProdParity, ScalingTarget, Service, ServiceContainer, Severity, Shipshape, Toolchain,
} from 'shipshape';

/**
 * Your settings. The hosted zone ids are the Route 53 zones that hold each domain, in each
 * environment's account (find them in the Route 53 console); these are placeholders to replace.
 */
const SETTINGS = {
  repository: 'example-org/node-api',
  stagingDomain: { name: 'staging.api.example.com', hostedZoneId: 'ZSTAGINGZONEID' },
  prodDomain: { name: 'api.example.com', hostedZoneId: 'ZPRODZONEID' },
};

/**
 * The flagship example: one Node HTTP service, its image, three environments, a database,
 * a feature flag and its pipeline, all from this one file.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'node-api', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });
  Shipshape.configure(project, { repository: SETTINGS.repository });

  // The database (declared below) gives the service DATABASE_HOST/PORT/NAME/USER/PASSWORD and PGSSLMODE: none here.
  const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512 });

  const image = new DockerImage(project, 'image', {
    service: api,
    preset: DockerPreset.node({ entrypoint: 'dist/server.js', runtime: 'distroless' }),
  });

  // docker compose up: the same Dockerfile, target, port, healthcheck and env names, with local values; the
  // database's PostgreSQL (the same major version, name and user) comes from the Database declared below.
  new LocalDev(project, 'local', { image });

  // Three separate accounts; staging mirrors prod, with the same canary.
  const canary = DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(15) });
  new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1', logRetentionDays: 14 });
  const staging = new Environment(project, 'staging', {
    account: '222222222222',
    region: 'eu-west-1',
    logRetentionDays: 90,
    domain: SETTINGS.stagingDomain,
    strategy: canary,
    scaling: { min: 1, max: 2, target: ScalingTarget.requests(500) },
    variables: { LOG_LEVEL: 'info' },
  });
  const prod = new Environment(project, 'prod', {
    account: '333333333333',
    region: 'eu-west-1',
    logRetentionDays: 90,
    domain: SETTINGS.prodDomain,
    approval: { reviewers: ['example-org/releasers'], waitMinutes: 5 },
    strategy: canary,
    scaling: { min: 2, max: 6, target: ScalingTarget.requests(500) },
    variables: { LOG_LEVEL: 'info' },
  });

  // One database, declared once: RDS, docker-compose and the CI integration job run its version, name and user.
  new Database(project, 'db', {
    service: api, databaseName: 'app', username: 'app', postgresVersion: '17',
    environments: { prod: { instanceType: 'm7g.large', allocatedStorageGiB: 100, maxAllocatedStorageGiB: 500 } },
  });
  new FeatureFlag(project, 'new-checkout', {
    description: 'Serve the new checkout flow',
    values: { dev: true, staging: true, prod: true },
  });
  // Staging mirrors prod; the differences shipshape's own defaults make (prod's database standby) and sizes need no allowance.
  new ProdParity(project, 'parity', { staging, prod });

  new Pipeline(project, 'ci', {
    image,
    toolchain: Toolchain.node({ packageManager: 'npm', version: '22' }),
    checks: {
      format: true,
      typecheck: true,
      test: { command: 'node --test --test-shard="$SHARD_INDEX/$SHARD_TOTAL" test/*.test.js', shards: 2 },
      // The integration job gets the Database's PostgreSQL on its own; Redis is added here.
      integration: { services: { redis: ServiceContainer.redis() } },
    },
    deploy: { smokeTest: 'npm run smoke' },
  });

  // Who hears about what: CRITICAL pages, WARNING goes to Slack, INFO becomes a daily digest.
  new EscalationPolicy(project, 'escalation', {
    critical: { pagerEndpointParameter: '/shipshape/pager/pagerduty-url' },
    warning: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } },
    info: { email: ['api-team@example.com'] },
  });
  const monitoring = new Monitoring(project, 'monitoring', {
    service: api,
    repository: SETTINGS.repository,
    alarms: { p99Latency: { threshold: 800, steps: ['Check the orders database dashboard for slow queries.'] } },
    canary: { journeys: [{ name: 'home', path: '/' }] },
    // SLO: burn-rate pages at 14.4x (1 h and 5 min) and 6x (6 h and 30 min), a WARNING at 1x (3 days and 6 h).
    slo: { availability: { target: 99.9 }, latency: { thresholdMs: 500, target: 99 }, window: Duration.days(30) },
  });
  monitoring.addAlarm('orders-backlog', {
    severity: Severity.WARNING,
    metric: AlarmMetric.custom({ namespace: 'node-api', metricName: 'OrdersBacklog', statistic: 'Maximum' }),
    threshold: 500, unit: 'count', period: Duration.minutes(5), evaluationPeriods: 3,
    impact: 'Orders are confirmed late.',
    steps: ['Check the order worker logs for a stuck batch.'],
  });
  monitoring.addAlarm('signup-anomaly', {
    severity: Severity.INFO,
    anomaly: { metric: AlarmMetric.custom({ namespace: 'node-api', metricName: 'Signups', statistic: 'Sum' }), direction: 'below' },
    period: Duration.hours(1), evaluationPeriods: 3,
    impact: 'Fewer sign-ups than usual: possibly a broken sign-up page.',
  });
  monitoring.addAlarm('users-hurting', {
    severity: Severity.CRITICAL,
    composite: { anyOf: ['http-5xx-rate', 'canary'] },
    impact: 'Users see errors or cannot reach the service.',
  });

  return project;
}

if (require.main === module) createProject().synth();
