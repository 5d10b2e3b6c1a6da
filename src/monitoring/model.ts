/**
 * The monitoring part of the model: plain, readonly data that the CloudFormation side
 * (alarms, routes, dashboard, canary) and the docs renderers (runbooks, playbooks) read.
 */

/** How urgently an alarm reaches a person. */
export type SeverityLevel = 'critical' | 'warning' | 'info';

/** The built-in alarms of a service. */
export type PresetKind =
  | 'http-5xx-rate'
  | 'p99-latency'
  | 'unhealthy-hosts'
  | 'cpu'
  | 'memory'
  | 'task-restarts'
  | 'failed-deployments'
  | 'error-rate'
  | 'canary'
  | 'no-healthy-hosts'
  | 'tasks-below-desired'
  | 'scaling-at-max'
  | 'http-4xx-rate'
  | 'target-connection-errors'
  | 'db-cpu'
  | 'db-cpu-credits'
  | 'db-free-storage'
  | 'db-connections'
  | 'db-freeable-memory'
  | 'db-read-latency'
  | 'db-write-latency'
  | 'db-events'
  | 'backup-failures'
  | 'restore-test-failed'
  | 'certificate-expiry'
  | 'digest-errors';

/** What an alarm's metric needs from the stack; an alarm whose target is missing is not created. */
export type MonitoringTarget =
  | 'load-balancer' | 'target-group' | 'ecs-service' | 'cluster' | 'url' | 'log-group'
  /** The service's database (a `Database`). */
  | 'database'
  /** A database on a burstable (db.t*) instance class: it spends CPU credits. */
  | 'burstable-database'
  /** An AWS Backup plan (the database's). */
  | 'backup'
  /** An AWS Backup restore testing plan (the database's, unless `restoreTesting: false`). */
  | 'restore-testing'
  /** The environment's ACM certificate (a domain). */
  | 'certificate'
  /** The INFO digest function (an EscalationPolicy with `info`, and at least one INFO alarm). */
  | 'digest';

export type Comparison = '>' | '>=' | '<' | '<=';
export type MetricUnit = 'percent' | 'milliseconds' | 'seconds' | 'count' | 'bytes' | 'none';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** The metric an alarm reads. */
export type MetricSource =
  | { readonly kind: 'preset'; readonly preset: PresetKind }
  | {
    readonly kind: 'custom';
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
    readonly statistic: string;
  };

/** How often and for how long a metric alarm looks. */
export interface EvaluationModel {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

export type AlarmCondition =
  | ({
    readonly kind: 'threshold';
    readonly metric: MetricSource;
    readonly threshold: number;
    readonly comparison: Comparison;
    readonly unit: MetricUnit;
  } & EvaluationModel)
  | ({
    readonly kind: 'anomaly';
    readonly metric: MetricSource;
    /** Width of the expected band, in standard deviations. */
    readonly bandWidth: number;
    readonly direction: 'above' | 'below' | 'outside';
  } & EvaluationModel)
  | {
    readonly kind: 'composite';
    readonly operator: 'any' | 'all';
    /** Names (within the same service) of the alarms this one combines. */
    readonly alarms: readonly string[];
  }
  /** An SLO burn-rate alarm (src/monitoring/slo.ts): a composite of metric-math windows and a traffic guard. */
  | BurnRateCondition;

export interface AlarmModel {
  /** Construct path of the alarm (or of the Monitoring that created the preset). */
  readonly path: string;
  /** The alarm's name within its service, for example `http-5xx-rate`. */
  readonly name: string;
  readonly severity: SeverityLevel;
  /** One sentence: what the alarm watches. */
  readonly summary: string;
  /** What users notice while it is in ALARM. */
  readonly impact: string;
  /** The preset it came from, if any. */
  readonly preset?: PresetKind;
  readonly condition: AlarmCondition;
  /** Targets the metric needs; when the stack lacks one, the alarm is skipped. */
  readonly needs: readonly MonitoringTarget[];
  /** Runbook checks, in order: the preset's defaults, then the user's own. */
  readonly steps: readonly string[];
  /** Environments the alarm exists in; undefined means every environment. */
  readonly environments?: readonly string[];
  /**
   * False for a CRITICAL alarm that pages but does not roll deployments back (no-healthy-hosts).
   * @default - CRITICAL metric and anomaly alarms roll back
   */
  readonly rollback?: boolean;
  /** The runbook file, relative to the project root. */
  readonly runbookPath: string;
  /** Where the alarm description points: a repository URL, or the relative runbook path. */
  readonly runbookUrl: string;
}

/** Where the CRITICAL alarms page. */
export interface CriticalRouteModel {
  /** SSM parameter (type String) holding the pager's HTTPS integration URL. */
  readonly pagerEndpointParameter: string;
}

export type WarningRouteModel =
  | { readonly kind: 'slack'; readonly workspaceId: string; readonly channelId: string }
  | { readonly kind: 'email'; readonly addresses: readonly string[] };

export interface InfoRouteModel {
  readonly kind: 'email-digest';
  readonly addresses: readonly string[];
  /** Hours between two digests. */
  readonly everyHours: number;
}

/** The routes of one environment, where they differ from the defaults. */
export interface EnvironmentRouteModel {
  /** Whether CRITICAL alarms page here; undefined: only in production environments. */
  readonly page?: boolean;
  /** This environment's WARNING route; undefined: the policy's. */
  readonly warning?: WarningRouteModel;
}

export interface EscalationModel {
  readonly path: string;
  readonly critical: CriticalRouteModel;
  readonly warning: WarningRouteModel;
  readonly info?: InfoRouteModel;
  /** Per-environment routes, by environment name. */
  readonly environments?: Readonly<Record<string, EnvironmentRouteModel>>;
}

/**
 * The routes in one environment: CRITICAL alarms page only where `page` (by default, production environments);
 * elsewhere they go to the WARNING route (and still roll deployments back), so a non-production account needs no
 * pager parameter.
 */
export function routesIn(
  escalation: EscalationModel, environment: string, production: boolean,
): { readonly pages: boolean; readonly warning: WarningRouteModel } {
  const own = escalation.environments?.[environment];
  return { pages: own?.page ?? production, warning: own?.warning ?? escalation.warning };
}

export interface JourneyModel {
  readonly name: string;
  readonly path: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly expectStatus: number;
}

export interface CanaryModel {
  readonly everyMinutes: number;
  readonly timeoutSeconds: number;
  /** The health check first, then the user journeys. */
  readonly journeys: readonly JourneyModel[];
}

export interface TracingModel {
  readonly kind: 'xray';
  /** The X-Ray daemon image, `public.ecr.aws/xray/aws-xray-daemon:<tag>`. */
  readonly image: string;
}

export interface LogsModel {
  /** The JSON field holding the level, for example `level`. */
  readonly levelField: string;
  /** Levels counted as errors. */
  readonly errorLevels: readonly string[];
  /** Numeric levels at or above this count as errors (pino and bunyan: error is 50, fatal 60). */
  readonly minimumNumericLevel?: number;
  /** Python's logging: `levelname` values counted as errors. */
  readonly levelnames?: readonly string[];
  /** Terms of unstructured lines that start a stack trace (an uncaught error printed outside the JSON logger). */
  readonly stackTraceTerms?: readonly string[];
}

/** Everything that watches one service. */
export interface MonitoringModel {
  readonly path: string;
  readonly service: string;
  readonly alarms: readonly AlarmModel[];
  readonly escalation: EscalationModel;
  readonly canary?: CanaryModel;
  readonly tracing?: TracingModel;
  readonly logs: LogsModel;
  /** The service level objective, if declared; its burn-rate alarms are in `alarms`. */
  readonly slo?: SloModel;
}

/** The alarms of `monitoring` that exist in `env`. */
export function alarmsIn(monitoring: MonitoringModel, env: string): AlarmModel[] {
  return monitoring.alarms.filter((a) => a.environments === undefined || a.environments.includes(env));
}

/** The evaluation window of an alarm in seconds (a composite alarm: its longest part). */
export function evaluationWindowSeconds(alarm: AlarmModel, all: readonly AlarmModel[]): number {
  const c = alarm.condition;
  if (c.kind === 'burn-rate') return c.long.periodSeconds * c.long.evaluationPeriods;
  if (c.kind !== 'composite') return c.periodSeconds * c.evaluationPeriods;
  const parts = all.filter((a) => c.alarms.includes(a.name) && a !== alarm);
  return Math.max(0, ...parts.map((p) => evaluationWindowSeconds(p, all.filter((x) => x !== alarm))));
}

/**
 * True for the alarms that roll deployments back: CRITICAL metric and anomaly alarms (but not those marked
 * `rollback: false`). A CRITICAL composite alarm pages but is not a rollback alarm itself: ECS deployment alarms
 * are documented for CloudWatch alarm names, not composite alarms ("How CloudWatch alarms detect Amazon ECS
 * deployment failures"), so its CRITICAL parts roll back instead. Nor is an SLO burn-rate alarm: its windows (1 h and
 * more) are longer than any bake; the 5xx-rate alarm rolls back.
 */
export function isRollbackAlarm(alarm: AlarmModel): boolean {
  return alarm.severity === 'critical' && alarm.condition.kind !== 'composite' && alarm.condition.kind !== 'burn-rate' && alarm.rollback !== false;
}

/**
 * The names of the alarms that only roll back and never notify: the CRITICAL parts of a CRITICAL composite alarm,
 * which pages once for all of them (one page per incident, not one per part).
 */
export function silentParts(alarms: readonly AlarmModel[]): Set<string> {
  const out = new Set<string>();
  for (const a of alarms) {
    if (a.severity !== 'critical' || a.condition.kind !== 'composite') continue;
    for (const n of a.condition.alarms) {
      const part = alarms.find((x) => x.name === n);
      if (part && part.severity === 'critical' && part.condition.kind !== 'composite' && part.condition.kind !== 'burn-rate') out.add(n);
    }
  }
  return out;
}

export type SliKind = 'availability' | 'latency';

export interface SliModel {
  readonly kind: SliKind;
  /** The target in percent, for example 99.9. */
  readonly objective: number;
  /** The error budget as a fraction of requests: 1 - objective / 100 (0.001 for 99.9 %). */
  readonly budget: number;
  /** Latency only: the good-request threshold in seconds (`TargetResponseTime` is in seconds). */
  readonly thresholdSeconds?: number;
}

export interface SloModel {
  readonly windowDays: number;
  readonly minimumRequestsPerHour: number;
  readonly slis: readonly SliModel[];
}

/** One window of a burn-rate alarm: the metric-math alarm's period and evaluation. */
export interface BurnWindowModel {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The condition of a burn-rate alarm: long AND short window above `threshold`, AND the traffic guard. */
export interface BurnRateCondition {
  readonly kind: 'burn-rate';
  readonly sli: SliModel;
  /** How many times faster than the SLO allows, for example 14.4. */
  readonly burnRate: number;
  /** The bad-request ratio both windows must reach: burnRate × budget (0.0144 for 14.4x at 99.9 %). */
  readonly threshold: number;
  readonly long: BurnWindowModel;
  readonly short: BurnWindowModel;
  /** The traffic guard: requests (target-routed + load balancer 5xx) per long-window period. */
  readonly minimumRequests: number;
  /** No requests, no budget spent: missing data does not breach (a total outage still has load balancer 5xx). */
  readonly treatMissingData: 'notBreaching';
}
