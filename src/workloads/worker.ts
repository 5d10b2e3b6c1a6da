import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { EnvironmentOverrides, overrideEnvironmentProblems, overrideSizeIssues, overridesSchema } from './common';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import { Problem, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { QUEUE_URL_VARIABLE } from '../core/naming';
import { Environment } from '../environment/environment';
import type { WorkerModel } from '../model';
import { Service, ServiceEnvVar, envSchema, fargateSizeIssues } from '../service/service';

/** The queue of a {@link Worker}. */
export interface WorkerQueueOptions {
  /**
   * How long a message stays hidden from other receives once a task received it: longer than the worker takes
   * for one message, or it is handled twice (SQS allows 0 s to 12 h).
   * @default Duration.seconds(30)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives of one message before SQS moves it to the dead-letter queue (1 to 1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the queue keeps a message (SQS allows 1 minute to 14 days); its dead-letter queue keeps them 14 days.
   * @default Duration.days(4)
   */
  readonly retention?: Duration;
}

/** Scaling of a {@link Worker} on its backlog per task. */
export interface WorkerScalingOptions {
  /**
   * Fewest tasks (at least 1: backlog per task is undefined with none running).
   * @default 1
   */
  readonly min?: number;
  /**
   * Most tasks.
   * @default 4
   */
  readonly max?: number;
  /**
   * The backlog per task to keep: the visible messages of the queue divided by the running tasks. AWS's rule of
   * thumb: the latency you accept divided by the time one message takes (10 s / 0.1 s = 100).
   * @default 100
   */
  readonly messagesPerTask?: number;
}

/** Props of a {@link Worker}. */
export interface WorkerProps {
  /**
   * The worker's name: its image repository, stack, queue and log group are named after it.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The command that exits 0 while the worker is healthy, exec form (`['node', 'dist/health.js']`): the ECS
   * container health check and the Dockerfile's HEALTHCHECK. A worker has no port to probe.
   */
  readonly healthCommand: readonly string[];
  /**
   * CPU units for one task (1024 = 1 vCPU).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory for one task, in MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Environment variables of the running container, by name: each a plain value or a secret reference.
   * `QUEUE_URL` is set by shipshape.
   * @default {}
   */
  readonly env?: Readonly<Record<string, ServiceEnvVar>>;
  /**
   * Services whose events topic feeds the worker's queue (each must have `publishes: true`). Messages arrive raw
   * (the body is what the service published, not an SNS envelope).
   * @default [] - only what is sent to the queue directly
   */
  readonly subscribe?: readonly Service[];
  /** The queue. @default - 30 s visibility, 5 receives, 4 days retention */
  readonly queue?: WorkerQueueOptions;
  /** Scaling on backlog per task. @default - 1 to 4 tasks, 100 messages per task */
  readonly scaling?: WorkerScalingOptions;
  /**
   * What changes in some environments, by Environment name: CPU, memory, variables (merged over `env`; the same name
   * wins) and scaling.
   * @default {}
   */
  readonly environments?: Readonly<Record<string, WorkerEnvironmentOverrides>>;
  /**
   * ECS Exec: `aws ecs execute-command` into the worker's tasks, with the SSM Session Manager channels it needs in the
   * task role.
   * @default false
   */
  readonly exec?: boolean;
}

/** What a worker changes in one environment. */
export type WorkerEnvironmentOverrides = EnvironmentOverrides<WorkerScalingOptions>;

const seconds = (what: string, min: number, max: number) => z.custom<Duration>(
  (v) => Duration.isDuration(v) && v.toSeconds() >= min && v.toSeconds() <= max,
  { message: `a Duration ${what}` },
);

const scalingSchema = z.strictObject({
  min: z.number().int({ message: 'an integer of at least 1' }).min(1).default(1),
  max: z.number().int({ message: 'an integer of at least 1' }).min(1).default(4),
  messagesPerTask: z.number().positive({ message: 'a positive number of messages' }).default(100),
}).superRefine((v, ctx) => {
  if (v.max < v.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `at least scaling.min (${v.min})` });
});

const schema = z.strictObject({
  // The name is also the ECR repository name, which needs at least 2 characters.
  name: nameSchema.min(2, { message: 'at least 2 characters long (it also names the image repository)' }),
  healthCommand: z.array(
    z.string().min(1, { message: 'a non-empty word' }).regex(/^[^\n\r\0]*$/, { message: 'a word without line breaks' }),
    { message: "a command in exec form, for example ['node', 'dist/health.js']" },
  ).min(1, { message: 'at least the program to run' })
    .refine((c) => c.length === 0 || !['CMD', 'CMD-SHELL', 'NONE'].includes(c[0]), { message: "the command itself, without 'CMD' or 'CMD-SHELL' in front" }),
  cpu: z.number().int({ message: 'an integer number of CPU units' }).positive().default(256),
  memoryMiB: z.number().int({ message: 'an integer number of MiB' }).positive().default(512),
  env: envSchema.superRefine((env, ctx) => {
    if (QUEUE_URL_VARIABLE in env) ctx.addIssue({ code: 'custom', path: [QUEUE_URL_VARIABLE], message: `no ${QUEUE_URL_VARIABLE}: shipshape sets it to the worker's queue` });
  }).default({}),
  subscribe: z.array(z.custom<Service>((v) => v instanceof Service, { message: 'a Service (with publishes: true)' })).default([]),
  queue: z.strictObject({
    visibilityTimeout: seconds('from 0 s to 12 hours (SQS VisibilityTimeout)', 0, 43_200).default(Duration.seconds(30)),
    maxReceiveCount: z.number().int({ message: 'an integer from 1 to 1000' }).min(1).max(1000).default(5),
    retention: seconds('from 1 minute to 14 days (SQS MessageRetentionPeriod)', 60, 1_209_600).default(Duration.days(4)),
  }).superRefine((q, ctx) => {
    // The queue must keep a message long enough to be received again.
    if (q.retention.toSeconds() <= q.visibilityTimeout.toSeconds()) {
      ctx.addIssue({ code: 'custom', path: ['retention'], message: `a retention longer than the visibility timeout (${q.visibilityTimeout.toString()})` });
    }
  }).default({ visibilityTimeout: Duration.seconds(30), maxReceiveCount: 5, retention: Duration.days(4) }),
  scaling: scalingSchema.default({ min: 1, max: 4, messagesPerTask: 100 }),
  environments: overridesSchema(scalingSchema),
  exec: z.boolean().default(false),
}).superRefine((v, ctx) => {
  fargateSizeIssues(v, ctx);
  overrideSizeIssues(v, ctx);
}) satisfies z.ZodType<unknown, WorkerProps>;

/**
 * A queue worker (AWS Copilot's "Worker Service"): no port and no load balancer; an SQS queue with a dead-letter
 * queue, fed by the events topics of the services it subscribes to; a container health check by command; scaling
 * on the backlog per task; alarms on the age of the oldest message and on the dead-letter queue.
 */
export class Worker extends ShipshapeConstruct {
  public readonly name: string;
  public readonly cpu: number;
  public readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference. */
  public readonly env: Readonly<Record<string, ServiceEnvVar>>;
  public readonly healthCommand: readonly string[];
  public readonly subscribe: readonly Service[];
  private readonly queue: WorkerModel['queue'];
  private readonly scaling: WorkerModel['scaling'];
  private readonly environments: NonNullable<WorkerModel['environments']>;
  /** ECS Exec into its tasks. */
  public readonly exec: boolean;

  constructor(scope: IConstruct, id: string, props: WorkerProps) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-WORKER-PROPS') }, 'SS-WORKER', { name: id, healthCommand: ['true'] });
    this.name = p.name;
    this.cpu = p.cpu;
    this.memoryMiB = p.memoryMiB;
    this.env = p.env;
    this.healthCommand = p.healthCommand;
    this.subscribe = p.subscribe;
    this.queue = {
      visibilityTimeoutSeconds: p.queue.visibilityTimeout.toSeconds(),
      maxReceiveCount: p.queue.maxReceiveCount,
      retentionSeconds: p.queue.retention.toSeconds(),
    };
    this.scaling = { ...p.scaling };
    this.environments = p.environments;
    this.exec = p.exec;
  }

  /** @internal */
  public _validate(): Problem[] {
    const declared = this.shipshape.membersOf(Environment).map((e) => e.name);
    const problems: Problem[] = [...overrideEnvironmentProblems(this.constructPath, this.environments, declared)];
    const seen = new Set<Service>();
    this.subscribe.forEach((s, i) => {
      if (seen.has(s)) problems.push(problem('SS-WORKER-SUBSCRIBE', this.constructPath, `subscribe[${i}]`, s.name, 'each service once'));
      seen.add(s);
      if (!s.publishes) {
        problems.push(problem('SS-WORKER-SUBSCRIBE', this.constructPath, `subscribe[${i}]`, s.name, `a service that publishes (${s.constructPath} has no publishes: true)`,
          `Set publishes: true on ${s.constructPath}: it then owns the topic the queue subscribes to.`));
      }
    });
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: WorkerModel = {
      path: this.constructPath,
      name: this.name,
      cpu: this.cpu,
      memoryMiB: this.memoryMiB,
      env: this.env,
      healthCommand: [...this.healthCommand],
      subscribe: this.subscribe.map((s) => s.name),
      queue: this.queue,
      scaling: this.scaling,
      ...(Object.keys(this.environments).length > 0 ? { environments: this.environments } : {}),
      ...(this.exec ? { exec: true } : {}),
    };
    return { kind: 'workers', model };
  }
}
