import { Project, typescript } from 'projen';
import {
  Database, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, EscalationPolicy, LocalDev, Monitoring, Pipeline, ScalingTarget,
  ScheduledJob, Service, Shipshape, Worker,
} from 'shipshape';

/**
 * Your settings. The hosted zone ids are the Route 53 zones that hold each environment's domain, in each
 * environment's account; these are placeholders to replace.
 */
const SETTINGS = {
  repository: 'example-org/shop',
  stagingDomain: { name: 'staging.shop.example.com', hostedZoneId: 'ZSTAGINGZONEID' },
  prodDomain: { name: 'shop.example.com', hostedZoneId: 'ZPRODZONEID' },
};

/**
 * An application, not one service: a public web front end, an internal orders API with its database and
 * migrations, a billing worker fed by the API's order events, and a nightly job. Each lives in its own directory
 * (web with pnpm, the others with npm) and deploys on its own stack, on one shared environment per account.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'shop', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });
  Shipshape.configure(project, { repository: SETTINGS.repository });

  // Internal: reachable only as http://api:8080 (Service Connect in AWS, the compose network locally).
  // exec: `aws ecs execute-command` into its tasks for debugging (the task role gets the Session Manager channels).
  const api = new Service(project, 'api', {
    port: 8080, healthPath: '/healthz', internal: true, publishes: true, exec: true,
    migrate: { command: ['/nodejs/bin/node', 'dist/migrate.js'] },
    scaling: { min: 1, max: 4, target: ScalingTarget.cpu(60) },
  });
  // Public on www.<environment domain>; it gets API_URL=http://api:8080.
  // In prod each task gets twice the CPU and memory (an override for one environment; staging keeps the defaults).
  const web = new Service(project, 'web', {
    port: 3000, healthPath: '/health', host: 'www', calls: [api],
    environments: { prod: { cpu: 512, memoryMiB: 1024 } },
  });
  // Reads the API's order events from its own queue (with a dead-letter queue); scales on backlog per task.
  const billing = new Worker(project, 'billing', {
    healthCommand: ['/nodejs/bin/node', 'dist/health.js'],
    subscribe: [api],
    queue: { visibilityTimeout: Duration.minutes(2), maxReceiveCount: 5 },
    scaling: { min: 1, max: 4, messagesPerTask: 50 },
  });
  const nightly = new ScheduledJob(project, 'nightly', {
    schedule: 'cron(0 3 * * ? *)', command: ['/nodejs/bin/node', 'dist/nightly.js'], retries: 2, timeout: Duration.minutes(30),
  });

  const entrypoints: Record<string, string> = { web: 'dist/server.js', api: 'dist/server.js', billing: 'dist/worker.js', nightly: 'dist/nightly.js' };
  for (const workload of [web, api, billing, nightly]) {
    new DockerImage(project, `${workload.name}-image`, {
      service: workload,
      preset: DockerPreset.node({ entrypoint: entrypoints[workload.name], runtime: 'distroless' }),
      contextPath: `services/${workload.name}`,
      dockerfilePath: `services/${workload.name}/Dockerfile`,
    });
  }

  // The API's database: RDS in AWS, PostgreSQL in compose and in the API's integration job, one version, name and user.
  new Database(project, 'orders-db', { service: api, databaseName: 'orders', username: 'orders', postgresVersion: '17' });

  // docker compose up: every workload, named as Service Connect names them, with the API's PostgreSQL.
  new LocalDev(project, 'local');

  // Staging rolls; prod moves the public web service's traffic by canary (internal services, workers and jobs always
  // roll). Each workload deploys in its own job, in parallel, after the environment's shared stack: one canary bake
  // is waited out once, not once per workload, and prod's reviewers approve the jobs together.
  const rolling = DeploymentStrategy.rolling();
  const canary = DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(15) });
  new Environment(project, 'staging', {
    account: '222222222222', region: 'eu-west-1', logRetentionDays: 90, domain: SETTINGS.stagingDomain, strategy: rolling,
  });
  new Environment(project, 'prod', {
    account: '333333333333', region: 'eu-west-1', logRetentionDays: 90, domain: SETTINGS.prodDomain, strategy: canary,
    approval: { reviewers: ['example-org/releasers'], waitMinutes: 5 },
    scaling: { min: 2, max: 6, target: ScalingTarget.requests(500) },
  });

  // One pipeline for the monorepo: each workload is checked, built and deployed only when its directory changed.
  new Pipeline(project, 'ci', { checks: { lint: true, test: true, build: true } });

  new EscalationPolicy(project, 'escalation', {
    critical: { pagerEndpointParameter: '/shipshape/pager/pagerduty-url' },
    warning: { email: ['shop-team@example.com'] },
  });
  new Monitoring(project, 'web-monitoring', { service: web, canary: { journeys: [{ name: 'home', path: '/' }] } });
  new Monitoring(project, 'api-monitoring', { service: api });

  return project;
}

if (require.main === module) createProject().synth();
