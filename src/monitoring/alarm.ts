import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { AlarmCondition, Comparison, MetricSource, MetricUnit, MonitoringTarget, PresetKind, TreatMissingData } from './model';
import { PRESETS, periodProblem, preset, thresholdProblem } from './presets';
import { SEVERITY_EXPECTED, Severity } from './severity';
import { ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import { Problem, problem } from '../core/errors';
import { NAME_PATTERN, NAME_RULE } from '../core/names';
import { checkOptions, keysOf } from '../core/schema';

/** Options of a custom CloudWatch metric. */
export interface CustomMetricOptions {
  readonly namespace: string;
  readonly metricName: string;
  /** @default {} */
  readonly dimensions?: Readonly<Record<string, string>>;
  /**
   * `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount` or a percentile such as `p99`.
   * @default 'Average'
   */
  readonly statistic?: string;
}

const STATISTIC = /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?)$/;

/** The metric an {@link Alarm} reads. */
export class AlarmMetric {
  /** A metric your application publishes (or any CloudWatch metric). */
  public static custom(options: CustomMetricOptions): AlarmMetric {
    checkOptions('AlarmMetric.custom', options, keysOf<CustomMetricOptions>()('namespace', 'metricName', 'dimensions', 'statistic'), 'SS-ALARM-METRIC', true);
    return new AlarmMetric({
      kind: 'custom',
      namespace: options.namespace,
      metricName: options.metricName,
      dimensions: { ...(options.dimensions ?? {}) },
      statistic: options.statistic ?? 'Average',
    });
  }

  /** The metric of a built-in alarm, for example for anomaly detection on `p99-latency`. */
  public static preset(kind: PresetKind): AlarmMetric {
    return new AlarmMetric({ kind: 'preset', preset: kind });
  }

  private constructor(public readonly source: MetricSource) {}

  /** @internal Problems with the metric itself. */
  public _problems(): Array<[string, unknown, string]> {
    const s = this.source;
    if (s.kind === 'preset') {
      return PRESETS.some((p) => p.kind === s.preset) ? [] : [['preset', s.preset, `one of ${PRESETS.map((p) => `'${p.kind}'`).join(', ')}`]];
    }
    const out: Array<[string, unknown, string]> = [];
    if (typeof s.namespace !== 'string' || !/^[^:]{1,255}$/.test(s.namespace)) out.push(['namespace', s.namespace, 'a CloudWatch namespace (1-255 characters, no colon)']);
    if (typeof s.metricName !== 'string' || s.metricName.length === 0 || s.metricName.length > 255) out.push(['metricName', s.metricName, 'a metric name of 1-255 characters']);
    if (!STATISTIC.test(String(s.statistic))) out.push(['statistic', s.statistic, "'Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount' or a percentile such as 'p99'"]);
    return out;
  }

  /** @internal */
  public get _needs(): readonly MonitoringTarget[] {
    return this.source.kind === 'preset' ? preset(this.source.preset).needs : [];
  }
}

/** Anomaly detection: alarm when the metric leaves the band CloudWatch learns from its history. */
export interface AnomalyOptions {
  readonly metric: AlarmMetric;
  /**
   * Width of the band, in standard deviations.
   * @default 2
   */
  readonly bandWidth?: number;
  /**
   * Which side of the band alarms.
   * @default 'above'
   */
  readonly direction?: 'above' | 'below' | 'outside';
}

/** A composite alarm over other alarms of the same service (by name, presets included). */
export interface CompositeOptions {
  /** ALARM when any of these is in ALARM. */
  readonly anyOf?: readonly string[];
  /** ALARM when all of these are in ALARM. */
  readonly allOf?: readonly string[];
}

/** Props of an {@link Alarm}. Give exactly one of `metric` (with `threshold`), `anomaly` or `composite`. */
export interface AlarmProps {
  /** Required: who is told, and how fast. */
  readonly severity: Severity;
  /**
   * The alarm's name within its service; the CloudWatch name is `<service>-<env>-<name>`.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - a sentence built from the metric and threshold */
  readonly description?: string;
  /** What users notice while the alarm is in ALARM. @default - not described */
  readonly impact?: string;
  readonly metric?: AlarmMetric;
  /** Required with `metric`. Checked against `unit` (a percentage is 0-100, a latency is positive). */
  readonly threshold?: number;
  /** @default '>=' */
  readonly comparison?: Comparison;
  /** @default 'none' */
  readonly unit?: MetricUnit;
  readonly anomaly?: AnomalyOptions;
  readonly composite?: CompositeOptions;
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
  /** @default 5 */
  readonly evaluationPeriods?: number;
  /** @default - the evaluation periods */
  readonly datapointsToAlarm?: number;
  /** @default 'notBreaching' */
  readonly treatMissingData?: TreatMissingData;
  /** Runbook checks, in order; each a non-empty sentence. @default [] */
  readonly steps?: readonly string[];
  /** Environments the alarm exists in. @default - every environment */
  readonly environments?: readonly string[];
}

const nonEmpty = z.string({ message: 'a non-empty sentence' }).refine((s) => s.trim().length > 0, { message: 'a non-empty sentence' });
const count = z.number().int({ message: 'a whole number from 1 to 100' }).min(1).max(100);
const alarmNames = z.array(z.string().regex(NAME_PATTERN, { message: NAME_RULE })).min(1);

const schema = z.strictObject({
  severity: z.custom<Severity>((v) => v instanceof Severity, { message: SEVERITY_EXPECTED }),
  name: z.string().regex(NAME_PATTERN, { message: NAME_RULE }),
  description: nonEmpty.optional(),
  impact: nonEmpty.optional(),
  metric: z.custom<AlarmMetric>((v) => v instanceof AlarmMetric, { message: 'an AlarmMetric, for example AlarmMetric.custom({...})' }).optional(),
  threshold: z.number({ message: 'a number' }).optional(),
  comparison: z.enum(['>', '>=', '<', '<=']).default('>='),
  unit: z.enum(['percent', 'milliseconds', 'seconds', 'count', 'bytes', 'none']).default('none'),
  anomaly: z.strictObject({
    metric: z.custom<AlarmMetric>((v) => v instanceof AlarmMetric, { message: 'an AlarmMetric' }),
    bandWidth: z.number().positive().max(10).default(2),
    direction: z.enum(['above', 'below', 'outside']).default('above'),
  }).optional(),
  composite: z.strictObject({ anyOf: alarmNames.optional(), allOf: alarmNames.optional() })
    .refine((c) => (c.anyOf === undefined) !== (c.allOf === undefined), { message: 'exactly one of anyOf or allOf' }).optional(),
  period: z.custom<Duration>(Duration.isDuration, { message: 'a Duration' })
    .refine((d) => periodProblem(d.toSeconds()) === undefined, { message: periodProblem(7)! }).default(() => Duration.minutes(1)),
  evaluationPeriods: count.default(5),
  datapointsToAlarm: count.optional(),
  treatMissingData: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).default('notBreaching'),
  steps: z.array(nonEmpty).default([]),
  environments: z.array(z.string().regex(NAME_PATTERN, { message: NAME_RULE })).min(1).optional(),
}).superRefine((p, ctx) => {
  const kinds = [p.metric, p.anomaly, p.composite].filter((k) => k !== undefined).length;
  if (kinds !== 1) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'exactly one of metric (with threshold), anomaly or composite' });
  if (p.metric !== undefined) {
    if (p.threshold === undefined) {ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a number (required with metric)' });} else {
      const bad = thresholdProblem(p.unit, p.threshold);
      if (bad) ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${bad} (unit '${p.unit}')` });
    }
  } else if (p.threshold !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'absent unless metric is given' });
  }
  for (const [prop, got, expected] of (p.metric ?? p.anomaly?.metric)?._problems() ?? []) {
    ctx.addIssue({ code: 'custom', path: [p.metric ? 'metric' : 'anomaly', prop], message: `${expected} (got ${JSON.stringify(got)})` });
  }
  if (p.datapointsToAlarm !== undefined && p.datapointsToAlarm > p.evaluationPeriods) {
    ctx.addIssue({ code: 'custom', path: ['datapointsToAlarm'], message: `at most evaluationPeriods (${p.evaluationPeriods})` });
  }
  if (p.period.toSeconds() * p.evaluationPeriods > 86400) {
    ctx.addIssue({ code: 'custom', path: ['evaluationPeriods'], message: 'a window (period × evaluationPeriods) of at most one day' });
  }
}) satisfies z.ZodType<unknown, AlarmProps & { name: string }>;

type Parsed = z.output<typeof schema>;

/**
 * One alarm of a service, with exactly one {@link Severity}. Create it under the service's
 * {@link Monitoring} (`monitoring.addAlarm(id, props)` or `new Alarm(monitoring, id, props)`).
 * It exists in every environment of the service (or in `environments`), named `<service>-<env>-<name>`.
 */
export class Alarm extends ShipshapeConstruct {
  public readonly name: string;
  public readonly severity: Severity;
  private readonly props: Parsed;

  constructor(scope: IConstruct, id: string, props: AlarmProps) {
    super(scope, id);
    this.props = this.parse(schema, { name: id, ...props }, 'SS-ALARM', { name: id });
    this.name = this.props.name;
    this.severity = this.props.severity;
  }

  /** @internal */
  public _validate(): Problem[] {
    const parent = this.node.scope as { _isMonitoring?: boolean } | undefined;
    if (parent?._isMonitoring) return [];
    return [problem('SS-ALARM-SCOPE', this.constructPath, '(scope)', this.node.scope?.node.id,
      "a service's Monitoring construct", 'Create alarms with monitoring.addAlarm(id, props) so that each belongs to one service.')];
  }

  /** @internal The parts of the model the Monitoring completes (paths and links). */
  public get _spec() {
    const p = this.props;
    const evaluation = {
      periodSeconds: p.period.toSeconds(),
      evaluationPeriods: p.evaluationPeriods,
      datapointsToAlarm: p.datapointsToAlarm ?? p.evaluationPeriods,
      treatMissingData: p.treatMissingData,
    };
    let condition: AlarmCondition;
    let summary: string;
    let needs: readonly MonitoringTarget[] = [];
    if (p.metric) {
      condition = { kind: 'threshold', metric: p.metric.source, threshold: p.threshold!, comparison: p.comparison, unit: p.unit, ...evaluation };
      summary = `${describeMetric(p.metric.source)} ${p.comparison} ${p.threshold}${p.unit === 'none' ? '' : ` ${p.unit}`}.`;
      needs = p.metric._needs;
    } else if (p.anomaly) {
      condition = { kind: 'anomaly', metric: p.anomaly.metric.source, bandWidth: p.anomaly.bandWidth, direction: p.anomaly.direction, ...evaluation };
      summary = `${describeMetric(p.anomaly.metric.source)} goes ${p.anomaly.direction === 'outside' ? 'outside' : p.anomaly.direction} its expected band (${p.anomaly.bandWidth} standard deviations, learned by anomaly detection).`;
      needs = p.anomaly.metric._needs;
    } else {
      const c = p.composite!;
      condition = { kind: 'composite', operator: c.anyOf ? 'any' : 'all', alarms: [...(c.anyOf ?? c.allOf!)] };
      summary = `${c.anyOf ? 'Any' : 'All'} of ${(c.anyOf ?? c.allOf!).join(', ')} ${c.anyOf ? 'is' : 'are'} in ALARM.`;
    }
    return {
      path: this.constructPath,
      name: p.name,
      severity: p.severity.level,
      summary: p.description ?? summary,
      impact: p.impact ?? 'Not described: add `impact` to the alarm.',
      condition,
      needs,
      steps: p.steps,
      environments: p.environments,
    };
  }
}

function describeMetric(m: MetricSource): string {
  if (m.kind === 'preset') return `The ${m.preset} metric`;
  const dims = Object.entries(m.dimensions).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${m.statistic} of ${m.namespace} ${m.metricName}${dims ? ` (${dims})` : ''}`;
}
