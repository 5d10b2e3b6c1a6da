/**
 * The aws-cdk-lib side of a service's Monitoring: alarms routed by severity, the dashboard, the
 * canary and the log and event metric filters, in one construct the environment stack adds with
 * {@link addServiceMonitoring}. Alarms whose metric needs a target the stack does not pass
 * (load balancer, target group, ECS service, URL) are skipped and listed in `skipped`.
 */
import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ServiceCanary, type ServiceCanaryProps } from './canary';
import { buildDashboard } from './dashboard';
import { ServiceEvents } from './events';
import { MetricTargets, missingTargets, resolveMetric } from './metrics';
import { SeverityRoutes } from './routes';
import { burnRateAlarm } from './slo';
import { pascalCase } from '../../core/names';
import { alarmName, monitoringNamespace } from '../../core/naming';
import type { EnvironmentModel, ServiceModel } from '../../model';
import type { AlarmModel, MetricSource, MonitoringModel, MonitoringTarget } from '../../monitoring/model';
import { alarmsIn, isRollbackAlarm, silentParts } from '../../monitoring/model';
import { severityLabel } from '../../monitoring/severity';

export interface ServiceMonitoringProps {
  readonly service: ServiceModel;
  readonly environment: EnvironmentModel;
  readonly monitoring: MonitoringModel;
  /** The service's log group (JSON lines); the error-level metric filter reads it. */
  readonly logGroup: logs.ILogGroup;
  readonly ecsService?: ecs.BaseService;
  /** @default - the ECS service's cluster */
  readonly cluster?: ecs.ICluster;
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Every target group the service's tasks may be in: with blue/green, canary and linear, both the primary and the
   * alternate, so alarms and the dashboard follow the tasks when a deployment moves them from one to the other.
   */
  readonly targetGroups?: readonly elbv2.IApplicationTargetGroup[];
  /** @default - the environment's url; without one there is no canary */
  readonly url?: string;
  /** True when the stack deploys feature flags: the dashboard shows their deployments. @default false */
  readonly featureFlags?: boolean;
  /** The load balancer's test listener (blue/green, canary, linear): the canary also checks the new tasks through it. */
  readonly test?: ServiceCanaryProps['test'];
  /** The service's database: the db-* alarms read its metrics. */
  readonly database?: rds.IDatabaseInstance;
  /** The database's instance class, for example `db.t4g.micro`. */
  readonly databaseInstanceType?: string;
  /** The AWS Backup vault of the database: backup-failures counts its failed jobs. */
  readonly backupVaultName?: string;
  /** Whether the database's restores are tested (restore-test-failed). @default false */
  readonly restoreTesting?: boolean;
  /** The environment's ACM certificate: certificate-expiry reads its DaysToExpiry. */
  readonly certificate?: acm.ICertificate;
}

/** An alarm that was not created, and why. */
export interface SkippedAlarm {
  readonly name: string;
  readonly missing: readonly MonitoringTarget[];
}

const COMPARISON: Record<string, cloudwatch.ComparisonOperator> = {
  '>': cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  '>=': cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  '<': cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
  '<=': cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
};
const ANOMALY: Record<string, string> = {
  above: 'GreaterThanUpperThreshold',
  below: 'LessThanLowerThreshold',
  outside: 'LessThanLowerOrGreaterThanUpperThreshold',
};
const MISSING: Record<string, cloudwatch.TreatMissingData> = {
  breaching: cloudwatch.TreatMissingData.BREACHING,
  notBreaching: cloudwatch.TreatMissingData.NOT_BREACHING,
  ignore: cloudwatch.TreatMissingData.IGNORE,
  missing: cloudwatch.TreatMissingData.MISSING,
};

export class ServiceMonitoring extends Construct {
  /**
   * The CRITICAL metric and anomaly alarms: the deployment's rollback alarms (a CRITICAL composite
   * alarm pages but is left out; its CRITICAL parts are in). Feed them to the ECS service's
   * deployment alarms (by {@link criticalAlarmNames}, which are literal and avoid a dependency
   * cycle) and to the AppConfig environment's monitors.
   */
  public readonly criticalAlarms: cloudwatch.IAlarm[] = [];
  /** The literal CloudWatch names of {@link criticalAlarms}, in the same order. */
  public readonly criticalAlarmNames: string[] = [];
  /** Every alarm created, by its name within the service. */
  public readonly alarms = new Map<string, cloudwatch.IAlarm>();
  /** Alarms not created because the stack lacks what their metric needs. */
  public readonly skipped: SkippedAlarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly routes: SeverityRoutes;
  public readonly canary?: ServiceCanary;
  public readonly events?: ServiceEvents;
  /** The anomaly alarms, as CloudFormation resources (their actions are set there). */
  private readonly anomalies = new Map<string, cloudwatch.CfnAlarm>();

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const { service, environment, monitoring } = props;
    const svc = service.name;
    const env = environment.name;

    this.routes = new SeverityRoutes(this, 'Routes', {
      service: svc,
      environment: env,
      escalation: monitoring.escalation,
      logRetentionDays: environment.logRetentionDays,
      production: environment.infrastructure.production,
    });

    // Count the lines at an error level: JSON string levels, numeric levels (pino: 50 error, 60 fatal), Python's
    // levelname; and, in a second filter into the same metric, the first line of an unstructured stack trace.
    const namespace = monitoringNamespace(svc, env);
    const lg = monitoring.logs;
    const field = `$.${lg.levelField}`;
    const json = [
      ...lg.errorLevels.map((l) => logs.FilterPattern.stringValue(field, '=', l)),
      ...(lg.minimumNumericLevel !== undefined ? [logs.FilterPattern.numberValue(field, '>=', lg.minimumNumericLevel)] : []),
      ...(lg.levelnames ?? []).map((l) => logs.FilterPattern.stringValue('$.levelname', '=', l)),
    ];
    new logs.MetricFilter(this, 'ErrorLinesFilter', {
      logGroup: props.logGroup,
      filterPattern: json.length === 1 ? json[0] : logs.FilterPattern.any(...json),
      metricNamespace: namespace,
      metricName: 'ErrorLogLines',
      metricValue: '1',
      defaultValue: 0,
    });
    if ((lg.stackTraceTerms ?? []).length > 0) {
      new logs.MetricFilter(this, 'StackTraceLinesFilter', {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.anyTerm(...lg.stackTraceTerms!),
        metricNamespace: namespace,
        metricName: 'ErrorLogLines',
        metricValue: '1',
      });
    }
    const errorLines = new cloudwatch.Metric({ namespace, metricName: 'ErrorLogLines', statistic: 'Sum', period: Duration.minutes(1) });

    const cluster = props.cluster ?? props.ecsService?.cluster;
    if (cluster || props.ecsService || props.backupVaultName || props.database) {
      this.events = new ServiceEvents(this, 'Events', {
        service: svc,
        environment: env,
        logRetentionDays: environment.logRetentionDays,
        cluster,
        ecsService: props.ecsService,
        backupVaultName: props.backupVaultName,
        database: props.database,
      });
    }
    // An internal service has no public URL (and no canary), whatever the environment's url.
    const url = 'url' in props ? props.url : environment.url;
    if (url && monitoring.canary) {
      this.canary = new ServiceCanary(this, 'Canary', { service: svc, environment: env, url, canary: monitoring.canary, test: props.test });
    }

    const wanted = alarmsIn(monitoring, env);
    const targets: MetricTargets = {
      errorLines,
      ecsService: props.ecsService,
      cluster,
      loadBalancer: props.loadBalancer,
      targetGroups: props.targetGroups ?? [],
      canary: this.canary?.canary,
      events: this.events,
      scalingMax: environment.infrastructure.scaling.max,
      database: props.database,
      databaseInstanceType: props.databaseInstanceType,
      backupFailures: this.events?.backupFailures,
      restoreTesting: props.restoreTesting,
      databaseEvents: this.events?.databaseEvents,
      certificate: props.certificate,
    };
    // Metric alarms first, each composite after the alarms it combines (composites of composites included); the
    // digest's own alarm last, once the digest (which lists the INFO alarms) exists.
    const ordered = creationOrder(wanted);
    const digestAlarms = ordered.filter((a) => a.needs.includes('digest'));
    for (const a of ordered.filter((x) => !digestAlarms.includes(x))) this.add(a, targets, svc, env);
    const digest = this.routes.addDigest(wanted.filter((a) => a.severity === 'info' && this.alarms.has(a.name)).map((a) => alarmName(svc, env, a.name)));
    for (const a of digestAlarms) this.add(a, { ...targets, digest }, svc, env);

    // Notifications: one page per incident. The CRITICAL parts of a CRITICAL composite that exists here notify
    // nobody (they still roll back); the composite pages for them.
    const created = wanted.filter((a) => this.alarms.has(a.name));
    const silent = silentParts(created);
    const critical: Array<readonly [string, cloudwatch.Alarm]> = [];
    for (const a of created) {
      const alarm = this.alarms.get(a.name)!;
      const topic = silent.has(a.name) ? undefined : this.routes.topicFor(a.severity);
      if (topic) {
        const anomaly = this.anomalies.get(a.name);
        if (anomaly) {
          anomaly.alarmActions = [topic.topicArn];
          anomaly.okActions = [topic.topicArn];
        } else if (alarm instanceof cloudwatch.AlarmBase) {
          alarm.addAlarmAction(new cwActions.SnsAction(topic));
          alarm.addOkAction(new cwActions.SnsAction(topic));
        }
      }
      if (isRollbackAlarm(a)) {
        this.criticalAlarms.push(alarm);
        this.criticalAlarmNames.push(alarmName(svc, env, a.name));
        if (alarm instanceof cloudwatch.Alarm) critical.push([alarmName(svc, env, a.name), alarm]);
      }
    }
    this.grantCustomMetrics(created, props.ecsService);

    this.dashboard = buildDashboard(this, {
      service: svc,
      environment: env,
      alarms: [...this.alarms.values()],
      criticalAlarms: critical,
      targets,
      monitoring,
      featureFlags: props.featureFlags,
    });
  }

  private add(a: AlarmModel, targets: MetricTargets, svc: string, env: string): void {
    const created = this.createAlarm(a, targets, svc, env);
    if (created) this.alarms.set(a.name, created);
  }

  /**
   * The task role may publish the custom metrics the alarms read, in their namespaces only (the `cloudwatch:namespace`
   * condition key: "Using condition keys to limit access to CloudWatch namespaces",
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
   * `AWS/` namespaces are AWS's own and left out. Embedded metric format log lines need no grant at all.
   */
  private grantCustomMetrics(alarms: readonly AlarmModel[], ecsService: ecs.BaseService | undefined): void {
    const namespaces = new Set<string>();
    for (const a of alarms) {
      const c = a.condition;
      if (c.kind !== 'composite' && c.kind !== 'burn-rate' && c.metric.kind === 'custom' && !c.metric.namespace.startsWith('AWS/')) namespaces.add(c.metric.namespace);
    }
    if (!ecsService || namespaces.size === 0) return;
    ecsService.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
      sid: 'PublishCustomMetrics',
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData has no resource-level permissions: the namespace condition is the scope.
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': [...namespaces].sort() } },
    }));
  }

  private createAlarm(a: AlarmModel, targets: MetricTargets, svc: string, env: string): cloudwatch.IAlarm | undefined {
    const missing = missingTargets(a.needs, targets);
    if (missing.length > 0) {
      this.skipped.push({ name: a.name, missing });
      return undefined;
    }
    const name = alarmName(svc, env, a.name);
    const description = alarmDescription(a);
    const id = `${pascalCase(a.name)}Alarm`;
    const c = a.condition;
    if (c.kind === 'composite') {
      const parts = c.alarms.map((n) => this.alarms.get(n));
      if (parts.some((p) => p === undefined)) {
        this.skipped.push({ name: a.name, missing: [] });
        return undefined;
      }
      const rules = parts.map((p) => cloudwatch.AlarmRule.fromAlarm(p!, cloudwatch.AlarmState.ALARM));
      return new cloudwatch.CompositeAlarm(this, id, {
        compositeAlarmName: name,
        alarmDescription: description,
        alarmRule: c.operator === 'any' ? cloudwatch.AlarmRule.anyOf(...rules) : cloudwatch.AlarmRule.allOf(...rules),
      });
    }
    if (c.kind === 'burn-rate') {
      return burnRateAlarm(this, id, { name, prefix: `${svc}-${env}`, description, condition: c, loadBalancer: targets.loadBalancer!, targetGroups: targets.targetGroups });
    }
    const resolved = resolveMetric(c.metric, c.periodSeconds, targets);
    if (!resolved) {
      this.skipped.push({ name: a.name, missing: [] });
      return undefined;
    }
    const metric = zeroFilled(c.metric, resolved, c.periodSeconds);
    if (c.kind === 'threshold') {
      // The p99 preset alarms on the raw percentile, in seconds as the load balancer reports it: a percentile alarm
      // without metric math keeps EvaluateLowSampleCountPercentile, so a minute with a handful of requests does not
      // flip it ('ignore': the alarm keeps its state on low samples).
      const seconds = c.metric.kind === 'preset' && c.metric.preset === 'p99-latency';
      return new cloudwatch.Alarm(this, id, {
        alarmName: name,
        alarmDescription: description,
        metric,
        threshold: seconds ? c.threshold / 1000 : c.threshold,
        comparisonOperator: COMPARISON[c.comparison],
        evaluationPeriods: c.evaluationPeriods,
        datapointsToAlarm: c.datapointsToAlarm,
        treatMissingData: MISSING[c.treatMissingData],
        evaluateLowSampleCountPercentile: seconds ? 'ignore' : undefined,
      });
    }
    // Anomaly detection has no L2 alarm: the band is a metric-math expression over the metric.
    const cfn = new cloudwatch.CfnAlarm(this, id, {
      alarmName: name,
      alarmDescription: description,
      comparisonOperator: ANOMALY[c.direction],
      evaluationPeriods: c.evaluationPeriods,
      datapointsToAlarm: c.datapointsToAlarm,
      treatMissingData: c.treatMissingData,
      thresholdMetricId: 'band',
      metrics: [...metricQueries(metric, c.periodSeconds), { id: 'band', expression: `ANOMALY_DETECTION_BAND(m, ${c.bandWidth})`, label: 'expected band', returnData: true }],
    });
    this.anomalies.set(a.name, cfn);
    return cloudwatch.Alarm.fromAlarmName(this, `${id}Ref`, cfn.ref);
  }
}

/**
 * A custom count (statistic Sum or SampleCount) as `FILL(m, 0)`: CloudWatch has no datapoint for a period in which
 * nothing was published, and a count that drops to nothing (no sign-ups at all) must read 0, not missing.
 */
function zeroFilled(source: MetricSource, metric: cloudwatch.IMetric, periodSeconds: number): cloudwatch.IMetric {
  if (source.kind !== 'custom' || !['Sum', 'SampleCount'].includes(source.statistic)) return metric;
  return new cloudwatch.MathExpression({
    expression: 'FILL(raw, 0)',
    usingMetrics: { raw: metric },
    label: `${source.metricName} (0 when nothing is published)`,
    period: Duration.seconds(periodSeconds),
  });
}

/** The metric as CloudFormation metric-data queries, the alarmed series with id `m`. */
function metricQueries(metric: cloudwatch.IMetric, periodSeconds: number): cloudwatch.CfnAlarm.MetricDataQueryProperty[] {
  if (metric instanceof cloudwatch.MathExpression) {
    const inner = Object.entries(metric.usingMetrics)
      .map(([id, m]) => ({ id, returnData: false, metricStat: metricStat(m as cloudwatch.Metric, periodSeconds) }));
    return [...inner, { id: 'm', expression: metric.expression, returnData: true }];
  }
  return [{ id: 'm', returnData: true, metricStat: metricStat(metric as cloudwatch.Metric, periodSeconds) }];
}

function metricStat(m: cloudwatch.Metric, periodSeconds: number): cloudwatch.CfnAlarm.MetricStatProperty {
  return {
    metric: {
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: Object.entries(m.dimensions ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    },
    period: periodSeconds,
    stat: m.statistic,
  };
}

/** Severity, what it watches, the impact and the runbook link (CloudWatch allows 1024 characters). */
export function alarmDescription(a: AlarmModel): string {
  const tail = ` Impact: ${a.impact} Runbook: ${a.runbookUrl}`;
  const head = `${severityLabel(a.severity)}: ${a.summary}`;
  const room = 1024 - tail.length;
  return (head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head) + tail;
}

/** Add a service's monitoring to an environment stack. The one call the stack makes. */
export function addServiceMonitoring(scope: Construct, props: ServiceMonitoringProps): ServiceMonitoring {
  return new ServiceMonitoring(scope, 'Monitoring', props);
}

/**
 * Metric alarms first, then each composite once every alarm it combines is placed (cycles are rejected by
 * Monitoring's validation; a composite left over, whose part does not exist here, is skipped by createAlarm).
 */
function creationOrder(alarms: readonly AlarmModel[]): AlarmModel[] {
  const out = alarms.filter((a) => a.condition.kind !== 'composite');
  let rest = alarms.filter((a) => a.condition.kind === 'composite');
  const names = () => new Set(rest.map((a) => a.name));
  for (;;) {
    const pending = names();
    const ready = rest.filter((a) => a.condition.kind === 'composite' && a.condition.alarms.every((n) => !pending.has(n)));
    if (ready.length === 0) return [...out, ...rest];
    out.push(...ready);
    rest = rest.filter((a) => !ready.includes(a));
  }
}
