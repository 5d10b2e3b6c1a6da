import { Project, typescript } from 'projen';
import { AlarmMetric, DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, EscalationPolicy, Monitoring, Pipeline, Service, Severity } from 'shipshape';

/**
 * The flagship example: one Node HTTP service, its image, three environments
 * and its pipeline, all from this one file.
 */
export function createProject(outdir?: string): Project {
  const project = new Project({ name: 'node-api', outdir });
  new typescript.ProjenrcTs(project, { runner: typescript.TypeScriptRunner.tsx() });

  const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512 });

  const image = new DockerImage(project, 'image', {
    service: api,
    preset: DockerPreset.node({ entrypoint: 'dist/server.js' }),
  });

  // Three separate accounts; staging mirrors prod.
  new Environment(project, 'dev', { account: '111111111111', region: 'eu-west-1', logRetentionDays: 14 });
  new Environment(project, 'staging', {
    account: '222222222222', region: 'eu-west-1', logRetentionDays: 90,
    url: 'https://staging.api.example.com',
  });
  new Environment(project, 'prod', {
    account: '333333333333', region: 'eu-west-1', logRetentionDays: 90,
    url: 'https://api.example.com',
    approval: { reviewers: ['octo-org/releasers'], waitMinutes: 5 },
    strategy: DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(10) }),
  });

  new Pipeline(project, 'ci', { image });

  // Who hears about what: CRITICAL pages, WARNING goes to Slack, INFO becomes a daily digest.
  new EscalationPolicy(project, 'escalation', {
    critical: { pagerEndpointParameter: '/shipshape/pager/pagerduty-url' },
    warning: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } },
    info: { email: ['api-team@example.com'] },
  });
  const monitoring = new Monitoring(project, 'monitoring', {
    service: api,
    repository: 'example-org/node-api',
    alarms: { p99Latency: { threshold: 800, steps: ['Check the orders database dashboard for slow queries.'] } },
    canary: { journeys: [{ name: 'list-orders', path: '/orders?limit=1' }] },
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
