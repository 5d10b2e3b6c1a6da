/**
 * Issue 14, "alarms that miss or mislead" and "pages that are wrong", in the generated environment templates: each
 * test asserts the alarm's metric (math), statistic, period, datapoints, missing-data treatment and actions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ESCALATION, shop } from './monitoring-helpers';
import { AlarmMetric, Database, DockerImage, DockerPreset, Duration, Environment, EscalationPolicy, Monitoring, Pipeline, Service, Severity, Toolchain } from '../src';
import { bareProject } from './util';
import { synthSnapshot } from '../src/testing/synth';

function alarm(json: Record<string, any>, name: string): any {
  const found = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === name);
  if (!found) throw new Error(`no alarm ${name}`);
  return found.Properties;
}

function composite(json: Record<string, any>, name: string): any {
  const found = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm' && r.Properties.AlarmName === name);
  if (!found) throw new Error(`no composite alarm ${name}`);
  return found.Properties;
}

function topic(json: Record<string, any>, name: string): string | undefined {
  return Object.entries(json.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties.TopicName === name)?.[0];
}

const expr = (a: any) => a.Metrics.find((q: any) => q.Expression).Expression;

describe('a production shop with a database, a composite and custom metrics', () => {
  const files = synthSnapshot((outdir) => shop(outdir, {
    extra: (m, p) => {
      new Database(p, 'db', { service: m.service });
      m.addAlarm('users-hurting', { severity: Severity.CRITICAL, composite: { anyOf: ['http-5xx-rate', 'canary'] } });
      m.addAlarm('signups', { severity: Severity.INFO, anomaly: { metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Signups', statistic: 'Sum' }), direction: 'below' }, period: Duration.hours(1), evaluationPeriods: 3 });
      m.addAlarm('backlog', { severity: Severity.WARNING, metric: AlarmMetric.custom({ namespace: 'shop-orders', metricName: 'Backlog', statistic: 'Maximum' }), threshold: 100, unit: 'count' });
      m.addAlarm('aws-metric', { severity: Severity.WARNING, metric: AlarmMetric.custom({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum' }), threshold: 600, unit: 'seconds' });
    },
  }));
  const json = JSON.parse(files['infra/api-prod.template.json']);
  const critical = topic(json, 'api-prod-critical')!;
  const warning = topic(json, 'api-prod-warning')!;

  test('THEN no healthy host is summed over BOTH target groups (blue/green) and reads silence as breaching', () => {
    const a = alarm(json, 'api-prod-no-healthy-hosts');
    expect(expr(a)).toBe('FILL(tg0, 0) + FILL(tg1, 0)');
    const parts = a.Metrics.filter((q: any) => q.MetricStat);
    expect(parts.map((q: any) => [q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period])).toEqual([['HealthyHostCount', 'Minimum', 60], ['HealthyHostCount', 'Minimum', 60]]);
    expect(new Set(parts.map((q: any) => JSON.stringify(q.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value))).size).toBe(2);
    expect([a.Threshold, a.ComparisonOperator, a.EvaluationPeriods, a.DatapointsToAlarm, a.TreatMissingData]).toEqual([1, 'LessThanThreshold', 3, 3, 'breaching']);
    expect(a.AlarmActions).toEqual([{ Ref: critical }]);
  });

  test('THEN the composite pages once: its CRITICAL parts notify nobody but still roll back', () => {
    const c = composite(json, 'api-prod-users-hurting');
    expect(c.AlarmActions).toEqual([{ Ref: critical }]);
    for (const part of ['api-prod-http-5xx-rate', 'api-prod-canary']) {
      const a = alarm(json, part);
      expect(a.AlarmActions).toBeUndefined();
      expect(a.OKActions).toBeUndefined();
    }
    const svc = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::ECS::Service');
    expect(svc.Properties.DeploymentConfiguration.Alarms.AlarmNames).toEqual(expect.arrayContaining(['api-prod-http-5xx-rate', 'api-prod-canary']));
    expect(svc.Properties.DeploymentConfiguration.Alarms.AlarmNames).not.toContain('api-prod-users-hurting');
  });

  test('THEN a custom count (Sum) is FILL(m, 0): sign-ups that drop to nothing read 0, not missing', () => {
    const a = alarm(json, 'api-prod-signups');
    const ids = a.Metrics.map((q: any) => [q.Id, q.Expression ?? q.MetricStat.Stat]);
    expect(ids).toEqual([['raw', 'Sum'], ['m', 'FILL(raw, 0)'], ['band', 'ANOMALY_DETECTION_BAND(m, 2)']]);
    expect(a.Metrics[0].MetricStat.Period).toBe(3600);
    const backlog = alarm(json, 'api-prod-backlog');
    expect([backlog.MetricName, backlog.Statistic, backlog.Metrics]).toEqual(['Backlog', 'Maximum', undefined]);
    expect(backlog.AlarmActions).toEqual([{ Ref: warning }]);
  });

  test('THEN the task role may publish exactly the custom namespaces (not AWS/ ones)', () => {
    const policies = Object.values(json.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy');
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(statements).toEqual([{ Sid: 'PublishCustomMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': ['shop', 'shop-orders'] } } }]);
  });

  test('THEN the database has its alarms, with the statistics and thresholds of the preset table', () => {
    const rows = ['db-cpu', 'db-cpu-credits', 'db-free-storage', 'db-connections', 'db-freeable-memory', 'db-read-latency', 'db-write-latency'].map((n) => {
      const a = alarm(json, `api-prod-${n}`);
      return [n, a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.EvaluationPeriods, a.TreatMissingData,
        a.Dimensions[0].Name];
    });
    expect(rows).toEqual([
      ['db-cpu', 'AWS/RDS', 'CPUUtilization', 'Average', 300, 80, 'GreaterThanOrEqualToThreshold', 3, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-cpu-credits', 'AWS/RDS', 'CPUCreditBalance', 'Minimum', 300, 20, 'LessThanThreshold', 3, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-free-storage', 'AWS/RDS', 'FreeStorageSpace', 'Minimum', 300, 2147483648, 'LessThanThreshold', 2, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-connections', 'AWS/RDS', 'DatabaseConnections', 'Maximum', 300, 80, 'GreaterThanOrEqualToThreshold', 2, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-freeable-memory', 'AWS/RDS', 'FreeableMemory', 'Minimum', 300, 134217728, 'LessThanThreshold', 2, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-read-latency', 'AWS/RDS', 'ReadLatency', 'Average', 300, 0.02, 'GreaterThanThreshold', 2, 'notBreaching', 'DBInstanceIdentifier'],
      ['db-write-latency', 'AWS/RDS', 'WriteLatency', 'Average', 300, 0.02, 'GreaterThanThreshold', 2, 'notBreaching', 'DBInstanceIdentifier'],
    ]);
  });

  test('THEN failed backup jobs of the vault are counted from AWS Backup events, and the certificate\'s expiry is watched', () => {
    const rule = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.backup');
    expect(rule.Properties.EventPattern['detail-type']).toEqual(['Backup Job State Change']);
    expect(rule.Properties.EventPattern.detail.state).toEqual(['FAILED', 'ABORTED', 'EXPIRED']);
    const backup = alarm(json, 'api-prod-backup-failures');
    expect([backup.MetricName, backup.Statistic, backup.Period, backup.Threshold, backup.TreatMissingData]).toEqual(['BackupJobsFailed', 'Sum', 3600, 1, 'notBreaching']);
    const cert = alarm(json, 'api-prod-certificate-expiry');
    expect([cert.Namespace, cert.MetricName, cert.Statistic, cert.Period, cert.Threshold, cert.ComparisonOperator, cert.TreatMissingData])
      .toEqual(['AWS/CertificateManager', 'DaysToExpiry', 'Minimum', 86400, 30, 'LessThanThreshold', 'breaching']);
  });

  test('THEN the database instance\'s RDS events (failover, failure, low storage, maintenance…) are counted from EventBridge and raise a WARNING', () => {
    const rule = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.rds');
    expect(rule.Properties.EventPattern['detail-type']).toEqual(['RDS DB Instance Event']);
    expect(rule.Properties.EventPattern.detail.EventCategories).toEqual(['availability', 'failover', 'failure', 'low storage', 'maintenance', 'recovery']);
    // Only this service's instance: its ARN, from the stack's DB instance.
    const [dbId] = Object.entries(json.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')!;
    expect(JSON.stringify(rule.Properties.EventPattern.detail.SourceArn)).toContain(dbId);
    const events = alarm(json, 'api-prod-db-events');
    const e = events;
    expect([e.MetricName, e.Statistic, e.Period, e.Threshold, e.ComparisonOperator, e.EvaluationPeriods, e.TreatMissingData])
      .toEqual(['DatabaseEvents', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 1, 'notBreaching']);
    const filter = Object.values(json.Resources as Record<string, any>)
      .find((r) => r.Type === 'AWS::Logs::MetricFilter' && r.Properties.MetricTransformations[0].MetricName === 'DatabaseEvents');
    expect(filter.Properties.FilterPattern).toBe('{ $.source = "aws.rds" }');
  });

  test('THEN 4xx surges and target connection errors are watched', () => {
    const four = alarm(json, 'api-prod-http-4xx-rate');
    expect(expr(four)).toContain('FILL(target4xx, 0) + FILL(elb4xx, 0)');
    expect([four.Threshold, four.EvaluationPeriods, four.DatapointsToAlarm]).toEqual([25, 5, 5]);
    const conn = alarm(json, 'api-prod-target-connection-errors');
    // Summed over the service's target groups (the load balancer is shared by the environment's public services).
    expect(conn.Threshold).toBe(5);
    expect(conn.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period,
      m.MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort()])).toEqual([
      ['TargetConnectionErrorCount', 'Sum', 60, ['LoadBalancer', 'TargetGroup']], ['TargetConnectionErrorCount', 'Sum', 60, ['LoadBalancer', 'TargetGroup']],
    ]);
  });
});

describe('the INFO digest', () => {
  test('GIVEN an INFO alarm THEN the digest function\'s errors raise a WARNING', () => {
    const files = synthSnapshot((outdir) => shop(outdir, {
      extra: (m) => { m.addAlarm('signups', { severity: Severity.INFO, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Signups', statistic: 'Sum' }), threshold: 1, comparison: '<', unit: 'count' }); },
    }));
    const json = JSON.parse(files['infra/api-prod.template.json']);
    const a = alarm(json, 'api-prod-digest-errors');
    expect([a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.TreatMissingData]).toEqual(['AWS/Lambda', 'Errors', 'Sum', 3600, 1, 'notBreaching']);
    expect(a.AlarmActions).toEqual([{ Ref: topic(json, 'api-prod-warning') }]);
  });
});

describe('per-environment routes', () => {
  function project(outdir: string, environments?: Record<string, { page?: boolean }>) {
    const p = bareProject(outdir, 'shop');
    const api = new Service(p, 'api');
    new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new EscalationPolicy(p, 'escalation', { ...ESCALATION, environments });
    new Monitoring(p, 'monitoring', { service: api, canary: false });
    return p;
  }

  test('GIVEN the defaults THEN only production pages; dev\'s CRITICAL alarms go to its WARNING route and dev needs no pager parameter', () => {
    const files = synthSnapshot((d) => project(d));
    const dev = JSON.parse(files['infra/api-dev.template.json']);
    const prod = JSON.parse(files['infra/api-prod.template.json']);
    expect(dev.Parameters?.PagerEndpoint).toBeUndefined();
    expect(topic(dev, 'api-dev-critical')).toBeUndefined();
    expect(prod.Parameters.PagerEndpoint.Type).toBe('AWS::SSM::Parameter::Value<String>');
    // Without a load balancer or URL no CRITICAL preset exists here: a CRITICAL alarm of the user's shows the route.
    const over = synthSnapshot((d) => {
      const p = project(d);
      const m = p.node.findChild('monitoring') as Monitoring;
      m.addAlarm('queue', { severity: Severity.CRITICAL, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Q' }), threshold: 1 });
      return p;
    });
    const devOver = JSON.parse(over['infra/api-dev.template.json']);
    const prodOver = JSON.parse(over['infra/api-prod.template.json']);
    expect(alarm(devOver, 'api-dev-queue').AlarmActions).toEqual([{ Ref: topic(devOver, 'api-dev-warning') }]);
    expect(alarm(prodOver, 'api-prod-queue').AlarmActions).toEqual([{ Ref: topic(prodOver, 'api-prod-critical') }]);
    // Still a rollback alarm in dev.
    const svc = Object.values(devOver.Resources as Record<string, any>).find((r: any) => r.Type === 'AWS::ECS::Service') as any;
    expect(svc.Properties.DeploymentConfiguration.Alarms.AlarmNames).toContain('api-dev-queue');
  });

  test('GIVEN environments: { dev: { page: true }, prod: { page: false } } THEN the routes follow', () => {
    const files = synthSnapshot((d) => project(d, { dev: { page: true }, prod: { page: false } }));
    expect(JSON.parse(files['infra/api-dev.template.json']).Parameters.PagerEndpoint).toBeDefined();
    expect(JSON.parse(files['infra/api-prod.template.json']).Parameters?.PagerEndpoint).toBeUndefined();
  });

  test('GIVEN routes for an environment that does not exist THEN synthesis names it', () => {
    expect(() => synthSnapshot((d) => project(d, { staging: { page: true } }))).toThrow(/SS-ESCALATION-ENVIRONMENT/);
  });
});

test('the flagship-like template validates with the new alarms', () => {
  const files = synthSnapshot((outdir) => shop(outdir));
  expect(() => Template.fromJSON(JSON.parse(files['infra/api-prod.template.json']))).not.toThrow();
});

test('the flagship app emits, as embedded metric format, exactly the custom metrics its alarms read', () => {
  const root = path.join(__dirname, '..', 'examples', 'node-api');
  const prod = JSON.parse(fs.readFileSync(path.join(root, 'infra', 'api-prod.template.json'), 'utf8'));
  const read = new Set<string>();
  for (const r of Object.values(prod.Resources as Record<string, any>)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const stats = r.Properties.Metrics ? r.Properties.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.MetricStat.Metric) : [r.Properties];
    for (const m of stats) if (m.Namespace === 'node-api') read.add(m.MetricName);
  }
  expect([...read].sort()).toEqual(['OrdersBacklog', 'Signups']);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { metric } = require(path.join(root, 'src', 'server.js'));
  const write = process.stdout.write;
  const lines: string[] = [];
  process.stdout.write = ((chunk: string) => { lines.push(chunk); return true; }) as never;
  try {
    for (const name of read) metric(name, 1);
  } finally {
    process.stdout.write = write;
  }
  const emitted = lines.map((l) => JSON.parse(l)._aws.CloudWatchMetrics[0]);
  expect(emitted.map((m) => [m.Namespace, m.Metrics[0].Name]).sort()).toEqual([...read].sort().map((n) => ['node-api', n]));
  // The task role may also publish there directly (PutMetricData, scoped by namespace).
  const grants = Object.values(prod.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Action === 'cloudwatch:PutMetricData');
  expect(grants.map((s: any) => s.Condition)).toEqual([{ StringEquals: { 'cloudwatch:namespace': ['node-api'] } }]);
});

describe('the error-line convention follows the toolchain by default', () => {
  function filters(toolchain: Toolchain | undefined): string[] {
    const files = synthSnapshot((outdir) => {
      const p = shop(outdir);
      if (toolchain) {
        const api = (p.node.findChild('monitoring') as Monitoring).service;
        new Pipeline(p, 'ci', { image: new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() }), toolchain });
      }
      return p;
    });
    const json = JSON.parse(files['infra/api-prod.template.json']);
    return Object.entries(json.Resources as Record<string, any>)
      .filter(([id, r]) => r.Type === 'AWS::Logs::MetricFilter' && /^Monitoring(ErrorLines|StackTraceLines)Filter/.test(id))
      .map(([, r]) => r.Properties.FilterPattern).sort();
  }

  test('Node: string and pino numeric levels, unhandled rejections; Python: levelname and tracebacks; none: all of them', () => {
    expect(filters(Toolchain.node())).toEqual(['"UnhandledPromiseRejection"', '{ ($.level = "error") || ($.level = "fatal") || ($.level >= 50) }']);
    expect(filters(Toolchain.python())).toEqual([
      '"Traceback (most recent call last)"',
      '{ ($.level = "error") || ($.level = "critical") || ($.levelname = "ERROR") || ($.levelname = "CRITICAL") }',
    ]);
    expect(filters(undefined)).toEqual([
      '?"Traceback (most recent call last)" ?"UnhandledPromiseRejection"',
      '{ ($.level = "error") || ($.level = "fatal") || ($.level >= 50) || ($.levelname = "ERROR") || ($.levelname = "CRITICAL") }',
    ]);
  });
});
