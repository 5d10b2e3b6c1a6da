import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { serviceUrlVariable } from '../core/naming';
import { Environment } from '../environment/environment';
import { ScalingOptions, infrastructureSchema } from '../environment/infrastructure';
import type { ServiceModel } from '../model';
import { EnvironmentOverrides, envSchema, fargateSizeIssues, overrideEnvironmentProblems, overrideSizeIssues, overridesSchema, workloadFields } from '../workloads/common';

export { envSchema, fargateSizeIssues };

/** An environment variable of the running service: a plain value, or a reference to a secret (never its value). */
export interface ServiceEnvVar {
  /** A value that is not a secret. */
  readonly value?: string;
  /** A reference to a secret in the platform's store (its name or ARN); the value is never written to a file. */
  readonly secret?: string;
}

/** Props of a {@link Service}. */
export interface ServiceProps {
  /**
   * The service's name: used for the image repository, stacks, compose service and job names.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The TCP port the process listens on inside the container.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The HTTP path that answers 200 when the service is healthy.
   * @default '/healthz'
   */
  readonly healthPath?: string;
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
   * @default {}
   */
  readonly env?: Readonly<Record<string, ServiceEnvVar>>;
  /**
   * Reachable only inside the environment, through ECS Service Connect as `http://<name>:<port>`: no load balancer
   * rule, no DNS record, no certificate name.
   * @default false (public when the environment has a domain)
   */
  readonly internal?: boolean;
  /**
   * The host name label of a public service under each environment's domain: `'www'` serves
   * `www.<environment domain>`. Every public service of an environment shares its load balancer and certificate.
   * @default - the environment's domain itself
   */
  readonly host?: string;
  /**
   * A path prefix on the (host's) domain instead of the whole host, for example `'/api'`: the load balancer
   * forwards `/api` and `/api/*` to this service, unchanged (the service sees the prefix, so its health path and
   * routes include it).
   * @default - every path of the host
   */
  readonly path?: string;
  /**
   * Autoscaling of this service's tasks in every environment, instead of the environment's `scaling` (which then
   * applies to the services without their own). An internal service cannot scale on requests (it has no target group).
   * @default - the environment's scaling
   */
  readonly scaling?: ScalingOptions;
  /**
   * The services this one calls. Each gives it `<NAME>_URL=http://<name>:<port>` (the callee's name upper-cased,
   * `-` → `_`; `serviceUrl` in src/core/naming.ts): in AWS through Service Connect, in docker-compose (LocalDev)
   * through the compose service of the same name, which it waits for until healthy.
   * @default []
   */
  readonly calls?: readonly Service[];
  /**
   * The service owns an SNS topic, `<name>-<env>-events`, in its stack: it gets `<NAME>_TOPIC_ARN` and may publish
   * to it; a Worker's `subscribe` feeds its queue from it.
   * @default false
   */
  readonly publishes?: boolean;
  /**
   * A one-off task the deploy job runs with the new image, as an ECS task with the service's variables, secrets and
   * database, before any traffic moves (database migrations). Its exit code is checked: anything but 0 stops the
   * deploy. It must be backward compatible with the running version (expand, then contract): a rollback never
   * re-runs or undoes it.
   * @default - no migration
   */
  readonly migrate?: ServiceMigrate;
  /**
   * What changes in some environments, by Environment name: CPU, memory, variables (merged over `env`; the same name
   * wins) and scaling, for example `{ prod: { cpu: 1024, memoryMiB: 2048, scaling: { min: 3, max: 10 } } }`.
   * @default {}
   */
  readonly environments?: Readonly<Record<string, ServiceEnvironmentOverrides>>;
  /**
   * ECS Exec: `aws ecs execute-command` into the service's tasks (a shell for debugging), with the SSM Session
   * Manager channels it needs in the task role.
   * @default false
   */
  readonly exec?: boolean;
}

/** What a service changes in one environment. */
export type ServiceEnvironmentOverrides = EnvironmentOverrides<ScalingOptions>;

/** A service's override for one environment, after the schema's defaults. */
interface ParsedOverrides {
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly env?: Readonly<Record<string, ServiceEnvVar>>;
  readonly scaling?: Required<ScalingOptions>;
}

/** Scaling props as the model holds them. */
function scalingModel(s: Required<ScalingOptions>): NonNullable<ServiceModel['scaling']> {
  return { min: s.min, max: s.max, metric: s.target.metric, target: s.target.value };
}

/** A service's migration task. */
export interface ServiceMigrate {
  /** The command, in exec form (`['npm', 'run', 'migrate']`): no shell parses it. */
  readonly command: readonly string[];
}

const schema = z.strictObject({
  name: workloadFields.name,
  port: z.number().int({ message: 'an integer from 1 to 65535' }).min(1).max(65535).default(8080),
  healthPath: z.string()
    .regex(/^\//, { message: "a path starting with '/'" })
    // It lands unquoted in a CMD-SHELL healthcheck and inside a quoted `node -e` script: no quote, '$', ';', '&', '(', '*'.
    .regex(/^[A-Za-z0-9._~%/:@+,=-]*$/, { message: "a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#')" })
    .default('/healthz'),
  cpu: z.number().int({ message: 'an integer number of CPU units' }).positive().default(256),
  memoryMiB: z.number().int({ message: 'an integer number of MiB' }).positive().default(512),
  env: envSchema.default({}),
  publishes: z.boolean().default(false),
  migrate: z.strictObject({
    command: z.array(
      z.string().min(1, { message: 'a non-empty argument' })
        // eslint-disable-next-line no-control-regex
        .regex(/^[^\x00-\x1f\x7f]*$/, { message: 'an argument without control characters (newlines, tabs, NUL)' }),
    ).min(1, { message: "an exec-form command such as ['npm', 'run', 'migrate']" }),
  }).optional(),
  internal: z.boolean().default(false),
  calls: z.array(z.custom<Service>((v) => v instanceof Service, { message: 'a Service' })).default([]),
  scaling: infrastructureSchema.scaling.optional(),
  // One DNS label: it is put in front of each environment's domain.
  host: z.string().regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)$/, { message: 'one lower-case DNS label (letters, digits, dashes; at most 63), for example \'www\'' }).optional(),
  path: z.string().regex(/^\/[A-Za-z0-9._~%:@+,=/-]*[A-Za-z0-9._~%:@+,=-]$/, { message: "a path prefix such as '/api' (no trailing '/', no wildcards)" }).optional(),
  // Without its default: zod applies a default even under .optional(), and an override without scaling keeps the service's.
  environments: overridesSchema(infrastructureSchema.scaling.unwrap()),
  exec: z.boolean().default(false),
}).superRefine((v, ctx) => {
  fargateSizeIssues(v, ctx);
  overrideSizeIssues(v, ctx);
  for (const key of ['host', 'path'] as const) {
    if (v.internal && v[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'no host or path on an internal service (it has no load balancer rule): remove it, or internal' });
  }
}) satisfies z.ZodType<unknown, ServiceProps>;

/**
 * A containerized HTTP service. It owns its port and health path: the
 * Dockerfile, the workflow and the CloudFormation templates read them from here.
 */
export class Service extends ShipshapeConstruct {
  public readonly name: string;
  public readonly port: number;
  public readonly healthPath: string;
  public readonly cpu: number;
  public readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference. */
  public readonly env: Readonly<Record<string, ServiceEnvVar>>;
  /** Reachable only through Service Connect. */
  public readonly internal: boolean;
  /** The host label under each environment's domain, if any. */
  public readonly host?: string;
  /** The path prefix on the load balancer, if any. */
  public readonly path?: string;
  /** This service's own autoscaling, if any. */
  public readonly scaling?: Required<ScalingOptions>;
  /** The services this one calls: each gives it `<NAME>_URL`. */
  public readonly calls: readonly Service[];
  /** Whether the service owns an events topic (`<name>-<env>-events`). */
  public readonly publishes: boolean;
  /** The migration the deploy job runs before traffic moves, if any. */
  public readonly migrate?: ServiceMigrate;
  /** ECS Exec into its tasks. */
  public readonly exec: boolean;
  private readonly environments: Readonly<Record<string, ParsedOverrides>>;

  constructor(scope: IConstruct, id: string, props: ServiceProps = {}) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-SERVICE-PROPS', true) }, 'SS-SERVICE', { name: id });
    this.name = p.name;
    this.port = p.port;
    this.healthPath = p.healthPath;
    this.cpu = p.cpu;
    this.memoryMiB = p.memoryMiB;
    this.env = p.env;
    this.publishes = p.publishes;
    this.migrate = p.migrate ? { command: [...p.migrate.command] } : undefined;
    this.internal = p.internal;
    this.host = p.host;
    this.path = p.path;
    this.calls = p.calls;
    // The schema's default applies only when the key is given: without it, the environment's scaling applies.
    this.scaling = props.scaling === undefined ? undefined : p.scaling;
    this.environments = p.environments;
    this.exec = p.exec;
  }

  /** @internal Problems that need the environments and the other services. */
  public _validate(): Problem[] {
    const problems: Problem[] = [...this.callProblems()];
    // The load balancer forwards the path unchanged: the health check through it must be under the prefix. (Checked
    // here, not in the schema: dropping either value would not make the other one right.)
    if (this.path !== undefined && this.healthPath !== this.path && !this.healthPath.startsWith(`${this.path}/`)) {
      problems.push(problem('SS-SERVICE-HEALTHPATH', this.constructPath, 'healthPath', this.healthPath,
        `a health path under the service's path '${this.path}' (the load balancer forwards '${this.path}/…' unchanged), for example '${this.path}/healthz'`));
    }
    const environments = this.shipshape.membersOf(Environment);
    problems.push(...overrideEnvironmentProblems(this.constructPath, this.environments, environments.map((e) => e.name)));
    if (this.scaling?.target.metric === 'requests' && (this.internal || environments.some((e) => !e.hasLoadBalancer))) {
      problems.push(problem('SS-SERVICE-SCALING', this.constructPath, 'scaling.target', 'requests',
        'ScalingTarget.cpu() or .memory(): request-count scaling needs load balancer rules (a public service, in environments with a domain)'));
    }
    for (const [name, o] of Object.entries(this.environments)) {
      const e = environments.find((x) => x.name === name);
      if (o.scaling?.target.metric === 'requests' && e && (this.internal || !e.hasLoadBalancer)) {
        problems.push(problem('SS-SERVICE-SCALING', this.constructPath, `environments.${name}.scaling.target`, 'requests',
          'ScalingTarget.cpu() or .memory(): request-count scaling needs load balancer rules (a public service, in an environment with a domain)'));
      }
    }
    if (this.internal) {
      for (const e of environments.filter((x) => x.scaling.target.metric === 'requests' && this.scaling === undefined)) {
        problems.push(problem('SS-SERVICE-SCALING', this.constructPath, 'scaling', `(none: ${e.constructPath} scales on requests)`,
          'scaling of its own (ScalingTarget.cpu() or .memory()): an internal service has no target group to count requests on'));
      }
    }
    // Two public services answering the same host and path would take each other's traffic.
    if (!this.internal && environments.some((e) => e.hasLoadBalancer)) {
      const same = this.shipshape.membersOf(Service).find((s) => !s.internal && s.host === this.host && s.path === this.path);
      if (same && same !== this) {
        const where = `${this.host ? `host '${this.host}'` : 'the domain itself'}${this.path ? `, path '${this.path}'` : ''}`;
        problems.push(problem('SS-SERVICE-ROUTE', this.constructPath, this.host !== undefined ? 'host' : 'path', where,
          `a host or path no other public service uses (${same.constructPath} already answers ${where})`,
          "Give each public service its own host ('www', 'api') or path ('/api'), or make one internal."));
      }
    }
    return problems;
  }

  private callProblems(): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<Service>();
    this.calls.forEach((callee, i) => {
      if (callee === this) problems.push(problem('SS-SERVICE-CALLS', this.constructPath, `calls[${i}]`, callee.name, 'another service (a service reaches itself on localhost)'));
      else if (seen.has(callee)) problems.push(problem('SS-SERVICE-CALLS', this.constructPath, `calls[${i}]`, callee.name, 'each called service once'));
      const first = callee !== this && !seen.has(callee);
      seen.add(callee);
      const variable = serviceUrlVariable(callee.name);
      if (first && this.env[variable] !== undefined) {
        problems.push(problem('SS-SERVICE-CALLS', this.constructPath, `env.${variable}`, variable, `a name the call to ${callee.name} does not set`,
          `Remove '${variable}' from env: calling ${callee.constructPath} sets it to its Service Connect URL in AWS and its compose URL locally.`));
      }
    });
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: ServiceModel = {
      path: this.constructPath,
      name: this.name,
      port: this.port,
      healthPath: this.healthPath,
      cpu: this.cpu,
      memoryMiB: this.memoryMiB,
      env: this.env,
      ...(this.scaling ? { scaling: scalingModel(this.scaling) } : {}),
      calls: this.calls.map((c) => c.name),
      internal: this.internal,
      exposure: this.internal ? { kind: 'internal' } : { kind: 'public', ...(this.host ? { host: this.host } : {}), ...(this.path ? { path: this.path } : {}) },
      publishes: this.publishes,
      ...(this.migrate ? { migrate: { command: this.migrate.command } } : {}),
      ...(Object.keys(this.environments).length > 0 ? {
        environments: Object.fromEntries(Object.entries(this.environments).map(([name, o]) => [name, {
          ...(o.cpu !== undefined ? { cpu: o.cpu } : {}),
          ...(o.memoryMiB !== undefined ? { memoryMiB: o.memoryMiB } : {}),
          ...(o.env !== undefined ? { env: o.env } : {}),
          ...(o.scaling !== undefined ? { scaling: scalingModel(o.scaling) } : {}),
        }])),
      } : {}),
      ...(this.exec ? { exec: true } : {}),
    };
    return { kind: 'services', model };
  }
}
