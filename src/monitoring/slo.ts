/**
 * Service level objectives and their multiwindow, multi-burn-rate alerts (the SRE workbook's "Alerting on SLOs").
 *
 * An SLO turns into three alarms per SLI, each an AND of a long window, a short window and a minimum-traffic guard:
 * fast burn (14.4x over 1 h and 5 min, pages), slow burn (6x over 6 h and 30 min, pages) and budget burn (1x over
 * 3 days and 6 h, a WARNING ticket). The alarms are ordinary {@link AlarmModel}s (kind `burn-rate`), so they get a
 * runbook, a route and a row in the incident docs like every other alarm; the CloudFormation side
 * (`src/cloudformation/monitoring/slo.ts`) builds their metric-math parts and the composite.
 */
import { z } from 'zod';
import type { AlarmModel, BurnRateCondition, BurnWindowModel, MonitoringTarget, SeverityLevel, SliKind, SliModel, SloModel } from './model';
import { Duration } from '../core/duration';

/** Availability: the share of requests answered without a 5xx (the load balancer's own 5xx included). */
export interface AvailabilityObjective {
  /** The target, in percent, for example 99.9. From 95 to 99.999. */
  readonly target: number;
}

/** Latency: the share of requests the service answers within a threshold (`TargetResponseTime`). */
export interface LatencyObjective {
  /** A request is good when the target answers within this many milliseconds (1 to 60000). */
  readonly thresholdMs: number;
  /** The target, in percent, for example 99. From 95 to 99.999. */
  readonly target: number;
}

/** A service level objective: one or both SLIs over a rolling window. */
export interface SloOptions {
  readonly availability?: AvailabilityObjective;
  readonly latency?: LatencyObjective;
  /**
   * The rolling window the error budget is counted over: whole days from 7 to 90.
   * @default Duration.days(30)
   */
  readonly window?: Duration;
  /**
   * The minimum-traffic guard: burn-rate alarms fire only when the load balancer saw at least this many requests per
   * hour of their long window, so that a few failures at night, out of a handful of requests, do not page.
   * @default 100
   */
  readonly minimumRequestsPerHour?: number;
}

interface Tier {
  readonly name: string;
  readonly burnRate: number;
  readonly severity: SeverityLevel;
  readonly long: BurnWindowModel;
  readonly short: BurnWindowModel;
}

const one = (periodSeconds: number): BurnWindowModel => ({ periodSeconds, evaluationPeriods: 1, datapointsToAlarm: 1 });

/**
 * The SRE workbook's recommended tiers for a 30-day SLO. CloudWatch limits (PutMetricAlarm): period × evaluation
 * periods at most 1 day below a 1-hour period, at most 7 days from 1 hour up; the default SlidingWindow evaluation
 * makes each period a rolling window
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html). The 3-day window is
 * three 1-day periods, all three breaching: one period of 3 days is past the 1-day period this project allows.
 */
export const BURN_TIERS: readonly Tier[] = [
  { name: 'fast-burn', burnRate: 14.4, severity: 'critical', long: one(3600), short: one(300) },
  { name: 'slow-burn', burnRate: 6, severity: 'critical', long: one(21600), short: one(1800) },
  { name: 'budget-burn', burnRate: 1, severity: 'warning', long: { periodSeconds: 86400, evaluationPeriods: 3, datapointsToAlarm: 3 }, short: one(21600) },
];

const target = z.number({ message: 'a percentage from 95 to 99.999, for example 99.9' })
  .min(95, { message: 'a percentage from 95 to 99.999, for example 99.9 (below 95 %, 14.4 times the error budget exceeds every request)' })
  .max(99.999, { message: 'a percentage from 95 to 99.999, for example 99.9 (100 % leaves no error budget to alert on)' });

/** The `slo` property of Monitoring. */
export const sloSchema = z.strictObject({
  availability: z.strictObject({ target }).optional(),
  latency: z.strictObject({
    thresholdMs: z.number({ message: 'a whole number of milliseconds from 1 to 60000' }).int({ message: 'a whole number of milliseconds from 1 to 60000' })
      .min(1, { message: 'a whole number of milliseconds from 1 to 60000' }).max(60000, { message: 'a whole number of milliseconds from 1 to 60000' }),
    target,
  }).optional(),
  window: z.custom<Duration>(Duration.isDuration, { message: 'a Duration of whole days from 7 to 90, for example Duration.days(30)' })
    .refine((d) => d.toSeconds() % 86400 === 0 && d.toSeconds() >= 7 * 86400 && d.toSeconds() <= 90 * 86400,
      { message: 'a Duration of whole days from 7 to 90, for example Duration.days(30)' })
    .default(() => Duration.days(30)),
  minimumRequestsPerHour: z.number({ message: 'a whole number of requests per hour from 1 to 1000000' }).int({ message: 'a whole number of requests per hour from 1 to 1000000' })
    .min(1, { message: 'a whole number of requests per hour from 1 to 1000000' }).max(1_000_000, { message: 'a whole number of requests per hour from 1 to 1000000' }).default(100),
}).refine((s) => s.availability !== undefined || s.latency !== undefined, { message: 'an availability or a latency objective, or both (for example availability: { target: 99.9 })', path: ['availability'] });

export type ParsedSlo = z.output<typeof sloSchema>;

/** Rounded so that 100 - 99.9 is 0.1, not 0.09999999999999432. */
const round = (n: number) => Number(n.toPrecision(10));

export function sloModel(slo: ParsedSlo): SloModel {
  const slis: SliModel[] = [];
  if (slo.availability) slis.push({ kind: 'availability', objective: slo.availability.target, budget: round((100 - slo.availability.target) / 100) });
  if (slo.latency) {
    slis.push({ kind: 'latency', objective: slo.latency.target, budget: round((100 - slo.latency.target) / 100), thresholdSeconds: slo.latency.thresholdMs / 1000 });
  }
  return { windowDays: slo.window.toSeconds() / 86400, minimumRequestsPerHour: slo.minimumRequestsPerHour, slis };
}

/** Short text of a window length: '5m', '1h', '3d'. */
export function windowText(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${seconds / 60}m`;
}

const SLI_TEXT: Record<SliKind, (s: SliModel) => string> = {
  availability: (s) => `availability (requests answered without a 5xx, load balancer 5xx included; objective ${s.objective} %)`,
  latency: (s) => `latency (requests answered within ${round(s.thresholdSeconds! * 1000)} ms; objective ${s.objective} %)`,
};

/** The burn-rate alarms of an SLO, in the model's alarm shape (the Monitoring adds the runbook links). */
export function burnRateAlarms(slo: SloModel, path: string): Array<Omit<AlarmModel, 'runbookPath' | 'runbookUrl'>> {
  const needs: readonly MonitoringTarget[] = ['load-balancer'];
  return slo.slis.flatMap((sli) => BURN_TIERS.map((tier) => {
    const longSeconds = tier.long.periodSeconds * tier.long.evaluationPeriods;
    const condition: BurnRateCondition = {
      kind: 'burn-rate',
      sli,
      burnRate: tier.burnRate,
      threshold: round(tier.burnRate * sli.budget),
      long: tier.long,
      short: tier.short,
      minimumRequests: round(slo.minimumRequestsPerHour * tier.long.periodSeconds / 3600),
      treatMissingData: 'notBreaching',
    };
    const consumed = round(100 * tier.burnRate * longSeconds / (slo.windowDays * 86400));
    const exhausted = round(slo.windowDays * 24 / tier.burnRate);
    return {
      path,
      name: `slo-${sli.kind}-${tier.name}`,
      severity: tier.severity,
      summary: `The ${SLI_TEXT[sli.kind](sli)} burns its ${slo.windowDays}-day error budget at ${tier.burnRate}x or faster over both `
        + `${windowText(longSeconds)} and ${windowText(tier.short.periodSeconds)}: ${consumed} % of the budget spent in ${windowText(longSeconds)}.`,
      impact: `Users get ${sli.kind === 'availability' ? 'errors' : 'slow answers'} ${tier.burnRate}x as often as the SLO allows; `
        + `at this pace the whole ${slo.windowDays}-day error budget is gone in ${exhausted} hours.`,
      condition,
      needs,
      steps: [
        `Open the dashboard's "Error budget" row: how much of the ${slo.windowDays}-day budget is left, and since when it has been falling.`,
        sli.kind === 'availability'
          ? 'Compare the "5xx rate (%)" and "4xx (count)" graphs with "What changed?": a deployment or a flag change at the start of the burn is the first suspect; roll it back.'
          : 'Compare the "p99 latency (ms)" graph and the "Database" row with "What changed?": a deployment, a flag change or a slow query at the start of the burn is the first suspect.',
        'Record the start time and the budget consumed for the postmortem.',
      ],
    };
  }));
}

/** The condition of a burn-rate alarm in words, for its runbook. */
export function describeBurnRate(c: BurnRateCondition): string {
  const w = (x: BurnWindowModel) => (x.evaluationPeriods === 1
    ? windowText(x.periodSeconds)
    : `each of ${x.evaluationPeriods} periods of ${windowText(x.periodSeconds)}`);
  return `bad-request ratio \`>= ${c.threshold}\` (${c.burnRate} × the error budget ${c.sli.budget}) over ${w(c.long)} AND over ${w(c.short)}, `
    + `AND at least ${c.minimumRequests} requests per ${windowText(c.long.periodSeconds)} (traffic guard)`;
}
