import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { nameSchema } from '../core/names';
import type { ServiceModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';
import { FARGATE_SIZES, describeFargateSizes, isFargateSize } from './fargate';

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
   * A one-off task the deploy job runs with the new image, as an ECS task with the service's variables, secrets and
   * database, before any traffic moves (database migrations). Its exit code is checked: anything but 0 stops the
   * deploy. It must be backward compatible with the running version (expand, then contract): a rollback never
   * re-runs or undoes it.
   * @default - no migration
   */
  readonly migrate?: ServiceMigrate;
}

/** A service's migration task. */
export interface ServiceMigrate {
  /** The command, in exec form (`['npm', 'run', 'migrate']`): no shell parses it. */
  readonly command: readonly string[];
}

const schema = z.strictObject({
  // The name is also the ECR repository name, which needs at least 2 characters.
  name: nameSchema.min(2, { message: 'at least 2 characters long (it also names the image repository)' }),
  port: z.number().int({ message: 'an integer from 1 to 65535' }).min(1).max(65535).default(8080),
  healthPath: z.string()
    .regex(/^\//, { message: "a path starting with '/'" })
    // It lands unquoted in a CMD-SHELL healthcheck and inside a quoted `node -e` script: no quote, '$', ';', '&', '(', '*'.
    .regex(/^[A-Za-z0-9._~%/:@+,=-]*$/, { message: "a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#')" })
    .default('/healthz'),
  cpu: z.number().int({ message: 'an integer number of CPU units' }).positive().default(256),
  memoryMiB: z.number().int({ message: 'an integer number of MiB' }).positive().default(512),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an upper-case variable name' }), z.union([
    z.strictObject({ value: z.string() }),
    z.strictObject({ secret: z.string().min(1) }),
  ], { message: 'either { value } or { secret }, not both' })).default({}),
  migrate: z.strictObject({
    command: z.array(
      z.string().min(1, { message: 'a non-empty argument' })
        // eslint-disable-next-line no-control-regex
        .regex(/^[^\x00-\x1f\x7f]*$/, { message: 'an argument without control characters (newlines, tabs, NUL)' }),
    ).min(1, { message: "an exec-form command such as ['npm', 'run', 'migrate']" }),
  }).optional(),
}).superRefine((v, ctx) => {
  // Fargate runs only certain CPU and memory pairs.
  if (!FARGATE_SIZES[v.cpu]) ctx.addIssue({ code: 'custom', path: ['cpu'], message: describeFargateSizes(v.cpu) });
  else if (!isFargateSize(v.cpu, v.memoryMiB)) ctx.addIssue({ code: 'custom', path: ['memoryMiB'], message: describeFargateSizes(v.cpu) });
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
  /** The migration the deploy job runs before traffic moves, if any. */
  public readonly migrate?: ServiceMigrate;

  constructor(scope: IConstruct, id: string, props: ServiceProps = {}) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-SERVICE-PROPS', true) }, 'SS-SERVICE', { name: id });
    this.name = p.name;
    this.port = p.port;
    this.healthPath = p.healthPath;
    this.cpu = p.cpu;
    this.memoryMiB = p.memoryMiB;
    this.env = p.env;
    this.migrate = p.migrate ? { command: [...p.migrate.command] } : undefined;
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
      ...(this.migrate ? { migrate: { command: this.migrate.command } } : {}),
    };
    return { kind: 'services', model };
  }
}
