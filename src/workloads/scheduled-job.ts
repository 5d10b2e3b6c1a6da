import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import type { Problem } from '../core/errors';
import { Environment } from '../environment/environment';
import type { ScheduledJobModel } from '../model';
import { EnvironmentOverrides, fargateSizeIssues, overrideEnvironmentProblems, overrideSizeIssues, overridesWithoutScalingSchema, workloadFields } from './common';
import { scheduleProblems } from './schedule';
import type { ServiceEnvVar } from '../service/service';

/** Props of a {@link ScheduledJob}. */
/** What a scheduled job changes in one environment: CPU, memory and variables. */
export type ScheduledJobEnvironmentOverrides = EnvironmentOverrides;

export interface ScheduledJobProps {
  /**
   * The job's name: its image repository, stack, state machine and schedule are named after it. Workloads share
   * one namespace: a job cannot have a service's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * When it runs: an EventBridge Scheduler expression, `cron(minutes hours day-of-month month day-of-week year)`
   * (six fields, one of day-of-month and day-of-week `?`) or `rate(value unit)`, for example `'cron(0 3 * * ? *)'`
   * (03:00 every day) or `'rate(6 hours)'`.
   */
  readonly schedule: string;
  /**
   * The whole command the job runs, exec form: it replaces the image's ENTRYPOINT (and CMD), in ECS and in compose.
   * In a distroless image it starts with an absolute path (`['/nodejs/bin/node', 'dist/report.js']`).
   * @default - the image's own ENTRYPOINT and CMD
   */
  readonly command?: readonly string[];
  /**
   * How many times a failed run (a non-zero exit, a task that could not start) is tried again, 10 s apart and then
   * 1.5 times longer each time.
   * @default 2
   */
  readonly retries?: number;
  /**
   * How long one run, retries included, may take: then the task is stopped and the run counts as timed out.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * The IANA time zone a cron schedule is read in (EventBridge Scheduler follows its daylight saving time).
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * CPU units for the task (1024 = 1 vCPU).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory for the task, in MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Environment variables of the container, by name: each a plain value or a secret reference.
   * @default {}
   */
  readonly env?: Readonly<Record<string, ServiceEnvVar>>;
  /**
   * What changes in some environments, by Environment name: CPU, memory and variables (merged over `env`; the same
   * name wins).
   * @default {}
   */
  readonly environments?: Readonly<Record<string, ScheduledJobEnvironmentOverrides>>;
}

/** One day is enough for any run shipshape pages about; longer work belongs in a service or a queue worker. */
const MAX_TIMEOUT_SECONDS = 86_400;
const MAX_RETRIES = 10;

/** True when the runtime knows the IANA zone (Node's ICU zone data, the same tz database EventBridge Scheduler uses). */
function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.strictObject({
  name: workloadFields.name,
  schedule: z.string({ message: "a schedule expression such as 'cron(0 3 * * ? *)' or 'rate(6 hours)'" }).superRefine((v, ctx) => {
    for (const message of scheduleProblems(v)) ctx.addIssue({ code: 'custom', message });
  }),
  command: z.array(z.string().min(1, { message: 'a non-empty argument' }), { message: "an exec-form command such as ['node', 'dist/report.js']" })
    .min(1, { message: 'at least the program to run' }).optional(),
  retries: z.number().int({ message: `a whole number of retries from 0 to ${MAX_RETRIES}` }).min(0).max(MAX_RETRIES).default(2),
  timeout: z.custom<Duration>(Duration.isDuration, { message: 'a Duration, for example Duration.minutes(30)' })
    .refine((d) => d.toSeconds() >= 60 && d.toSeconds() <= MAX_TIMEOUT_SECONDS, { message: 'a Duration from 1 minute to 1 day' })
    .default(Duration.hours(1)),
  timezone: z.string().refine(isTimeZone, { message: "an IANA time zone name, such as 'UTC' or 'Europe/Paris'" }).default('UTC'),
  cpu: workloadFields.cpu,
  memoryMiB: workloadFields.memoryMiB,
  env: workloadFields.env,
  environments: overridesWithoutScalingSchema,
}).superRefine((v, ctx) => {
  fargateSizeIssues(v, ctx);
  overrideSizeIssues(v, ctx);
}) satisfies z.ZodType<unknown, ScheduledJobProps>;

/**
 * A containerized job that runs on a schedule, modelled on AWS Copilot's Scheduled Job: EventBridge Scheduler starts
 * a Step Functions state machine, which runs the ECS task, waits for it, retries a failed run and stops one that
 * outlives its timeout. It has no port and no load balancer; its image is built by a `DockerImage({ service: job })`.
 */
export class ScheduledJob extends ShipshapeConstruct {
  public readonly name: string;
  public readonly schedule: string;
  public readonly command?: readonly string[];
  public readonly retries: number;
  public readonly timeout: Duration;
  public readonly timezone: string;
  public readonly cpu: number;
  public readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference. */
  public readonly env: Readonly<Record<string, ServiceEnvVar>>;
  private readonly environments: NonNullable<ScheduledJobModel['environments']>;

  constructor(scope: IConstruct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-JOB-PROPS') }, 'SS-JOB', { name: id, schedule: 'rate(1 day)' });
    this.name = p.name;
    this.schedule = p.schedule;
    this.command = p.command;
    this.retries = p.retries;
    this.timeout = p.timeout;
    this.timezone = p.timezone;
    this.cpu = p.cpu;
    this.memoryMiB = p.memoryMiB;
    this.env = p.env;
    this.environments = p.environments;
  }

  /** @internal */
  public _validate(): Problem[] {
    return overrideEnvironmentProblems(this.constructPath, this.environments, this.shipshape.membersOf(Environment).map((e) => e.name));
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: ScheduledJobModel = {
      path: this.constructPath,
      name: this.name,
      cpu: this.cpu,
      memoryMiB: this.memoryMiB,
      env: this.env,
      schedule: this.schedule,
      ...(this.command ? { command: [...this.command] } : {}),
      retries: this.retries,
      timeoutSeconds: this.timeout.toSeconds(),
      timezone: this.timezone,
      ...(Object.keys(this.environments).length > 0 ? { environments: this.environments } : {}),
    };
    return { kind: 'jobs', model };
  }
}
