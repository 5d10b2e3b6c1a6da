import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { Alarm, AlarmProps } from './alarm';
import { EscalationPolicy } from './escalation';
import type { AlarmModel, CanaryModel, MonitoringModel, MonitoringTarget } from './model';
import { evaluationWindowSeconds, isRollbackAlarm } from './model';
import { PRESETS, PresetKey, periodProblem, thresholdProblem } from './presets';
import { SEVERITY_EXPECTED, Severity } from './severity';
import { SloOptions, burnRateAlarms, sloModel, sloSchema } from './slo';
import { Tracing } from './tracing';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import { Problem, problem } from '../core/errors';
import { NAME_PATTERN, NAME_RULE } from '../core/names';
import { runbookPath } from '../core/naming';
import { Database } from '../database/database';
import type { RollbackWindow } from '../environment/alarms';
import { Environment } from '../environment/environment';
import { Pipeline } from '../pipeline/pipeline';
import { Service } from '../service/service';

/** Overrides of one built-in alarm. Every field is optional; `false` instead of the object switches the alarm off. */
export interface PresetOptions {
  /** @default - the preset's threshold (see the README table) */
  readonly threshold?: number;
  /** @default - the preset's severity */
  readonly severity?: Severity;
  /** @default - the preset's period */
  readonly period?: Duration;
  /** @default - the preset's evaluation periods */
  readonly evaluationPeriods?: number;
  /** @default - the preset's datapoints to alarm, capped at the evaluation periods */
  readonly datapointsToAlarm?: number;
  /** Runbook checks added after the preset's own. @default [] */
  readonly steps?: readonly string[];
  /** @default - every environment */
  readonly environments?: readonly string[];
}

/** The built-in alarms: each enabled by default (where the stack has what its metric needs). */
export type PresetAlarms = { readonly [K in PresetKey]?: PresetOptions | false };

/**
 * An HTTP check the canary runs after the health path: a request and the status it must answer with. A journey that
 * writes and reads (a POST that creates a row, a GET that reads it back) exercises the database as users do.
 * Everything here is stored in the template in clear: no secrets (authorization and cookie headers are refused).
 */
export interface Journey {
  /** A short name, shown as the canary step. */
  readonly name: string;
  /** The path under the environment's URL, starting with '/'. */
  readonly path: string;
  /** @default 'GET' */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Request headers, for example `{ 'content-type': 'application/json' }`. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body (POST, PUT and PATCH only), at most 8 KiB. @default - none */
  readonly body?: string;
  /** @default 200 */
  readonly expectStatus?: number;
}

/** The Synthetics canary that calls the service from outside. */
export interface CanaryOptions {
  /** @default Duration.minutes(5) */
  readonly every?: Duration;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** @default [] */
  readonly journeys?: readonly Journey[];
}

/**
 * How the service logs (structured JSON, one object per line). Each field defaults to the convention of the
 * project's toolchain (the Pipeline's): Node (pino's numeric levels 50/60 and string levels error/fatal, unhandled
 * rejections), Python (`levelname` ERROR/CRITICAL, structlog's error/critical, tracebacks), Go (slog's ERROR, zap's
 * error/fatal/panic, panics); without a Pipeline, all of them at once.
 */
export interface LogOptions {
  /** @default 'level' */
  readonly levelField?: string;
  /** @default - the toolchain's: ['error', 'fatal'] (Node), ['error', 'critical'] (Python), ['error', 'ERROR', 'fatal', 'panic'] (Go) */
  readonly errorLevels?: readonly string[];
  /**
   * Numeric levels at or above this count as errors (pino and bunyan: 50 is error, 60 fatal); `false` counts none.
   * @default - 50 for Node (or without a Pipeline), false otherwise
   */
  readonly minimumNumericLevel?: number | false;
  /** Python logging's `levelname` values counted as errors; `[]` counts none. @default - ['ERROR', 'CRITICAL'] for Python (or without a Pipeline), [] otherwise */
  readonly levelnames?: readonly string[];
  /**
   * Terms that mark an unstructured stack trace line (an uncaught error printed outside the JSON logger); `[]` counts none.
   * @default - the toolchain's: 'UnhandledPromiseRejection' (Node), 'Traceback (most recent call last)' (Python), 'goroutine ' (Go)
   */
  readonly stackTraceTerms?: readonly string[];
}

type LogConvention = Required<Omit<LogOptions, 'levelField'>>;

/** The log conventions of each toolchain language (CodeQL's language name), and of all of them. */
const LOG_CONVENTIONS: Record<string, LogConvention> = {
  'javascript-typescript': { errorLevels: ['error', 'fatal'], minimumNumericLevel: 50, levelnames: [], stackTraceTerms: ['UnhandledPromiseRejection'] },
  'python': { errorLevels: ['error', 'critical'], minimumNumericLevel: false, levelnames: ['ERROR', 'CRITICAL'], stackTraceTerms: ['Traceback (most recent call last)'] },
  'go': { errorLevels: ['error', 'ERROR', 'fatal', 'panic'], minimumNumericLevel: false, levelnames: [], stackTraceTerms: ['goroutine '] },
};
const ANY_CONVENTION: LogConvention = {
  errorLevels: ['error', 'fatal'],
  minimumNumericLevel: 50,
  levelnames: ['ERROR', 'CRITICAL'],
  stackTraceTerms: ['Traceback (most recent call last)', 'UnhandledPromiseRejection'],
};

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly service: Service;
  /** Overrides of the built-in alarms. @default - every preset with its defaults */
  readonly alarms?: PresetAlarms;
  /**
   * The canary; `false` switches it off. It runs only in environments with a `url`.
   * @default - the health path every 5 minutes
   */
  readonly canary?: CanaryOptions | false;
  /** @default - no tracing sidecar */
  readonly tracing?: Tracing;
  /** @default - JSON lines: `level` error/fatal or ≥ 50, `levelname` ERROR/CRITICAL, and unstructured stack traces count as errors */
  readonly logs?: LogOptions;
  /**
   * The GitHub repository (`owner/repo`): alarm descriptions link to the runbooks there.
   * @default - alarm descriptions hold the runbook's path relative to the repository root
   */
  readonly repository?: string;
  /** @default 'main' */
  readonly branch?: string;
  /**
   * A service level objective: multiwindow, multi-burn-rate alarms (pages at 14.4x and 6x, a WARNING at 1x) and the
   * error budget on the dashboard.
   * @default - no SLO
   */
  readonly slo?: SloOptions;
}

const nonEmpty = z.string({ message: 'a non-empty sentence' }).refine((s) => s.trim().length > 0, { message: 'a non-empty sentence' });
const envNames = z.array(z.string().regex(NAME_PATTERN, { message: NAME_RULE })).min(1);
const duration = z.custom<Duration>(Duration.isDuration, { message: 'a Duration' });

const presetSchema = z.union([z.literal(false), z.strictObject({
  threshold: z.number({ message: 'a number' }).optional(),
  severity: z.custom<Severity>((v) => v instanceof Severity, { message: SEVERITY_EXPECTED }).optional(),
  period: duration.refine((d) => periodProblem(d.toSeconds()) === undefined, { message: periodProblem(7)! }).optional(),
  evaluationPeriods: z.number().int().min(1).max(100).optional(),
  datapointsToAlarm: z.number().int().min(1).max(100).optional(),
  steps: z.array(nonEmpty).default([]),
  environments: envNames.optional(),
})], { message: 'false or preset options ({ threshold, severity, period, ... })' });

type PresetField = z.ZodOptional<typeof presetSchema>;

/** Headers a journey may not set: secrets (stored in the template in clear) and what the HTTP client sets itself. */
const FORBIDDEN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host', 'content-length', 'transfer-encoding', 'connection'];
const journeySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9 _-]{1,64}$/, { message: 'a step name of 1-64 letters, digits, spaces, dashes or underscores' }),
  path: z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/, { message: "a URL path starting with '/'" }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], { message: 'GET, HEAD, POST, PUT, PATCH or DELETE' }).default('GET'),
  headers: z.record(z.string(), z.string().regex(/^[\x20-\x7e]{0,1024}$/, { message: 'a printable ASCII header value of at most 1024 characters' }))
    .superRefine((headers, ctx) => {
      const bad = Object.keys(headers).filter((h) => !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(h) || FORBIDDEN_HEADERS.includes(h.toLowerCase()));
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `HTTP header names other than ${FORBIDDEN_HEADERS.join(', ')} (no secrets in the template; refused: ${bad.join(', ')})` });
    }).default({}),
  body: z.string().max(8192, { message: 'a body of at most 8192 characters' }).optional(),
  expectStatus: z.number().int().min(100).max(599).default(200),
}).refine((j) => j.body === undefined || ['POST', 'PUT', 'PATCH'].includes(j.method), { path: ['body'], message: 'a body only with POST, PUT or PATCH' });

const schema = z.strictObject({
  service: z.custom<Service>((v) => v instanceof Service, { message: 'a Service' }),
  alarms: z.strictObject(Object.fromEntries(PRESETS.map((p) => [p.key, presetSchema.optional()])) as Record<PresetKey, PresetField>)
    .superRefine((a, ctx) => {
      for (const def of PRESETS) {
        const o = a[def.key];
        if (!o || o.threshold === undefined) continue;
        const bad = thresholdProblem(def.unit, o.threshold);
        if (bad) ctx.addIssue({ code: 'custom', path: [def.key, 'threshold'], message: `${bad} (${def.kind} is in ${def.unit})` });
      }
    }).default({}),
  canary: z.union([z.literal(false), z.strictObject({
    every: duration.refine((d) => d.toSeconds() % 60 === 0 && d.toSeconds() >= 60 && d.toSeconds() <= 3600, { message: 'whole minutes from 1m to 60m' })
      .default(() => Duration.minutes(5)),
    timeout: duration.refine((d) => d.toSeconds() >= 3 && d.toSeconds() <= 840, { message: 'from 3s to 840s' }).default(() => Duration.seconds(60)),
    // Checked one by one below: inside the union, zod would only say that the canary is invalid.
    journeys: z.array(z.custom<Journey>(() => true)).default([]),
  })]).default(() => ({ every: Duration.minutes(5), timeout: Duration.seconds(60), journeys: [] })),
  tracing: z.custom<Tracing>((v) => v instanceof Tracing, { message: 'Tracing.xray({ imageTag })' })
    .refine((t) => t._tagProblem() === undefined, { message: 'Tracing.xray({ imageTag }) with a Docker image tag or a sha256: digest' }).optional(),
  logs: z.strictObject({
    levelField: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { message: 'a JSON field name such as level' }).default('level'),
    errorLevels: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'a level name such as error' })).min(1).optional(),
    minimumNumericLevel: z.union([z.literal(false), z.number().int().min(0).max(1000)], { message: 'a whole number such as 50, or false' }).optional(),
    levelnames: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'a level name such as ERROR' })).optional(),
    stackTraceTerms: z.array(z.string().regex(/^[^"\\]{3,100}$/, { message: 'a term of 3-100 characters without quotes or backslashes' })).optional(),
  }).default({ levelField: 'level' }),
  repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/, { message: "a GitHub repository 'owner/repo'" }).optional(),
  branch: z.string().regex(/^[A-Za-z0-9._/-]+$/, { message: 'a branch name' }).default('main'),
  slo: sloSchema.optional(),
}).superRefine((props, ctx) => {
  if (props.canary === false) return;
  props.canary.journeys.forEach((journey, i) => {
    const parsed = journeySchema.safeParse(journey);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const message = issue.code === 'unrecognized_keys' ? `free of unknown keys (unknown: ${issue.keys.join(', ')})` : issue.message;
      ctx.addIssue({ code: 'custom', path: ['canary', 'journeys', i, ...issue.path], message });
    }
  });
}) satisfies z.ZodType<unknown, MonitoringProps>;

type Parsed = z.output<typeof schema>;

/**
 * Everything that watches one service in every environment: the built-in alarms (presets),
 * your own alarms ({@link Monitoring.addAlarm}), a dashboard per environment, a Synthetics canary,
 * log metric filters and an optional tracing sidecar. Alarms route through the project's
 * {@link EscalationPolicy}, and each alarm gets a runbook under `docs/runbooks/`.
 */
export class Monitoring extends ShipshapeConstruct {
  /** @internal marks a valid parent of an {@link Alarm}. */
  public readonly _isMonitoring = true;
  public readonly service: Service;
  private readonly props: Parsed;

  constructor(scope: IConstruct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = this.parse(schema, props, 'SS-MONITORING');
    this.service = this.props.service;
  }

  /** Add an alarm of your own to this service. */
  public addAlarm(id: string, props: AlarmProps): Alarm {
    // Construct ids double as alarm names: a second alarm of the same name is the user's mistake, not a crash in constructs.
    if (this.node.tryFindChild(id)) {
      this.fail([problem('SS-ALARM-DUPLICATE', `${this.constructPath}/${id}`, 'name', id, 'an alarm name not used yet by this service')]);
    }
    return new Alarm(this, id, props);
  }

  private get userAlarms(): Alarm[] {
    return this.node.children.filter((c): c is Alarm => c instanceof Alarm);
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    const path = this.constructPath;
    const others = this.shipshape.membersOf(Monitoring).filter((m) => m.service === this.service);
    if (others[0] !== this) {
      problems.push(problem('SS-MONITORING-DUPLICATE', path, 'service', this.service.name, `a service no other Monitoring watches (already watched by ${others[0].constructPath})`));
    }
    if (this.shipshape.membersOf(EscalationPolicy).length === 0) {
      problems.push(problem('SS-MONITORING-ESCALATION', path, 'escalation', undefined,
        "an EscalationPolicy in the project with a CRITICAL route (critical: { pagerEndpointParameter: '/pager/url' })",
        'CRITICAL alarms must page someone: declare new EscalationPolicy(project, "escalation", { critical, warning, info }).'));
    }
    const alarms = this.alarmModels();
    const seen = new Map<string, AlarmModel>();
    for (const a of alarms) {
      const first = seen.get(a.name);
      if (first) {
        problems.push(problem('SS-ALARM-DUPLICATE', a.path, 'name', a.name,
          `a name no other alarm of service '${this.service.name}' uses (already used by ${first.preset ? `the built-in ${first.preset} alarm of ${first.path}` : first.path})`,
          first.preset ? `Rename the alarm, or switch the built-in one off with alarms: { ${PRESETS.find((p) => p.kind === first.preset)!.key}: false }.` : undefined));
      } else {seen.set(a.name, a);}
    }
    problems.push(...compositeCycleProblems(alarms));
    const envs = this.shipshape.membersOf(Environment);
    for (const a of alarms) {
      if (a.condition.kind === 'composite') {
        for (const ref of a.condition.alarms) {
          if (!seen.has(ref) || ref === a.name) problems.push(problem('SS-ALARM-COMPOSITE', a.path, 'composite', ref, `the name of another alarm of service '${this.service.name}' (${[...seen.keys()].filter((n) => n !== a.name).join(', ')})`));
        }
      }
      // A built-in alarm's options sit under alarms.<key> of the Monitoring; a user alarm's on the alarm itself.
      const prefix = a.preset ? `alarms.${PRESETS.find((p) => p.kind === a.preset)!.key}.` : '';
      for (const e of a.environments ?? []) {
        if (!envs.some((x) => x.name === e)) problems.push(problem('SS-ALARM-ENVIRONMENT', a.path, `${prefix}environments`, e, `the name of a declared environment (${envs.map((x) => x.name).join(', ')})`));
      }
    }
    return problems;
  }

  /**
   * @internal The rollback alarms of this service in `environment` and their windows: the Environment's one bake
   * check reads them (SS-ENV-BAKE).
   */
  public _rollbackWindows(environment: string): RollbackWindow[] {
    const alarms = this.alarmModels();
    return alarms.filter((a) => isRollbackAlarm(a) && (a.environments === undefined || a.environments.includes(environment)))
      .map((a) => ({ name: a.name, windowSeconds: evaluationWindowSeconds(a, alarms) }));
  }

  /** The log conventions: the user's fields, the rest from the toolchain of the project's Pipeline. */
  private logsModel(): MonitoringModel['logs'] {
    const l = this.props.logs;
    const pipelines = this.shipshape.membersOf(Pipeline);
    const language = pipelines.length === 1 ? pipelines[0].toolchain.model.codeql.language : undefined;
    const d = (language && LOG_CONVENTIONS[language]) || ANY_CONVENTION;
    const numeric = l.minimumNumericLevel ?? d.minimumNumericLevel;
    return {
      levelField: l.levelField,
      errorLevels: l.errorLevels ?? d.errorLevels,
      ...(numeric === false ? {} : { minimumNumericLevel: numeric }),
      levelnames: l.levelnames ?? d.levelnames,
      stackTraceTerms: l.stackTraceTerms ?? d.stackTraceTerms,
    };
  }

  /** Every alarm of the service: the enabled presets, then the user's alarms, in declaration order. */
  private alarmModels(): AlarmModel[] {
    const service = this.service.name;
    const single = this.shipshape.membersOf(Service).length <= 1;
    const link = (name: string) => {
      const file = runbookPath(service, name, single);
      return { runbookPath: file, runbookUrl: this.props.repository ? `https://github.com/${this.props.repository}/blob/${this.props.branch}/${file}` : file };
    };
    const out: AlarmModel[] = [];
    const users = this.userAlarms.map((a) => a._spec);
    const applies = this.presetApplies(users.some((a) => a.severity === 'info'));
    for (const def of PRESETS) {
      const o = this.props.alarms[def.key];
      if (o === false || !applies(def.needs)) continue;
      if (def.kind === 'canary' && this.props.canary === false) continue;
      const threshold = o?.threshold ?? def.threshold;
      const canaryPeriod = def.kind === 'canary' && this.props.canary !== false ? this.props.canary.every.toSeconds() : undefined;
      const evaluationPeriods = o?.evaluationPeriods ?? def.evaluationPeriods;
      out.push({
        path: this.constructPath,
        name: def.kind,
        severity: o?.severity?.level ?? def.severity,
        summary: def.summary(threshold),
        impact: def.impact,
        preset: def.kind,
        condition: {
          kind: 'threshold',
          metric: { kind: 'preset', preset: def.kind },
          threshold,
          comparison: def.comparison,
          unit: def.unit,
          periodSeconds: o?.period?.toSeconds() ?? canaryPeriod ?? def.periodSeconds,
          evaluationPeriods,
          datapointsToAlarm: Math.min(o?.datapointsToAlarm ?? def.datapointsToAlarm, evaluationPeriods),
          treatMissingData: def.treatMissingData,
        },
        needs: def.needs,
        steps: [...def.steps, ...(o?.steps ?? [])],
        environments: o?.environments,
        ...(def.rollback === false ? { rollback: false } : {}),
        ...link(def.kind),
      });
    }
    if (this.props.slo) for (const a of burnRateAlarms(sloModel(this.props.slo), this.constructPath)) out.push({ ...a, ...link(a.name) });
    for (const a of users) out.push({ ...a, ...link(a.name) });
    return out;
  }

  /**
   * Whether a preset can exist anywhere in the project: the database alarms only for a service with a Database, the
   * certificate alarm only with an environment that has a domain, the digest's alarm only with an INFO route and an
   * INFO alarm. The others are declared everywhere and skipped per stack when a target is missing.
   */
  private presetApplies(userInfo: boolean): (needs: readonly MonitoringTarget[]) => boolean {
    const hasDatabase = this.shipshape.membersOf(Database).some((d) => d.service === this.service);
    const hasRestoreTesting = this.shipshape.membersOf(Database).some((d) => d.service === this.service && d.settings.restoreTesting !== false);
    const hasDomain = this.shipshape.membersOf(Environment).some((e) => e.hasLoadBalancer);
    const info = this.shipshape.membersOf(EscalationPolicy)[0]?._model.info !== undefined;
    const presetInfo = PRESETS.some((d) => {
      const o = this.props.alarms[d.key];
      return o !== false && o?.severity?.level === 'info';
    });
    return (needs) => needs.every((n) => {
      switch (n) {
        case 'database':
        case 'burstable-database':
        case 'backup': return hasDatabase;
        case 'restore-testing': return hasRestoreTesting;
        case 'certificate': return hasDomain;
        case 'digest': return info && (userInfo || presetInfo);
        default: return true;
      }
    });
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const p = this.props;
    const canary: CanaryModel | undefined = p.canary === false ? undefined : {
      everyMinutes: p.canary.every.toSeconds() / 60,
      timeoutSeconds: Math.min(p.canary.timeout.toSeconds(), p.canary.every.toSeconds()),
      journeys: [
        { name: 'health', path: this.service.healthPath, method: 'GET', headers: {}, expectStatus: 200 },
        // Checked by the schema (superRefine): parsing again applies the defaults.
        ...p.canary.journeys.map((j) => journeySchema.parse(j)),
      ],
    };
    const model: MonitoringModel = {
      path: this.constructPath,
      service: this.service.name,
      alarms: this.alarmModels(),
      escalation: this.shipshape.membersOf(EscalationPolicy)[0]._model,
      canary,
      tracing: p.tracing?._model(),
      logs: this.logsModel(),
      slo: p.slo ? sloModel(p.slo) : undefined,
    };
    return { kind: 'monitoring', model };
  }
}

/**
 * Composite alarms that reach themselves through other composites: CloudWatch cannot create them (each needs the
 * other first), so they would be dropped from the templates while their runbooks are still written.
 */
function compositeCycleProblems(alarms: readonly AlarmModel[]): Problem[] {
  const parts = new Map(alarms.flatMap((a) => (a.condition.kind === 'composite' ? [[a.name, a.condition.alarms] as const] : [])));
  const problems: Problem[] = [];
  for (const a of alarms) {
    // Breadth-first from a's parts: the shortest way back to a, if any.
    const from = new Map<string, string>();
    const queue = [...(parts.get(a.name) ?? [])].filter((n) => n !== a.name);
    queue.forEach((n) => from.set(n, a.name));
    while (queue.length > 0 && !from.has(a.name)) {
      const n = queue.shift()!;
      for (const next of parts.get(n) ?? []) {
        if (!from.has(next)) { from.set(next, n); queue.push(next); }
      }
    }
    if (!from.has(a.name)) continue;
    const cycle = [a.name];
    for (let n = from.get(a.name)!; n !== a.name; n = from.get(n)!) cycle.unshift(n);
    cycle.unshift(a.name);
    problems.push(problem('SS-ALARM-COMPOSITE-CYCLE', a.path, 'composite', cycle.join(' -> '),
      'composite alarms that do not reach themselves: CloudWatch needs every part to exist before the composite', 'Combine the metric alarms directly instead of one composite in another.'));
  }
  return problems;
}
