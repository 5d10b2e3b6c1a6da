import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { ServiceModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';
import { fargateSizeIssues, workloadFields } from '../workloads/common';

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
}

const schema = z.strictObject({
  name: workloadFields.name,
  port: z.number().int({ message: 'an integer from 1 to 65535' }).min(1).max(65535).default(8080),
  healthPath: z.string()
    .regex(/^\//, { message: "a path starting with '/'" })
    // It lands unquoted in a CMD-SHELL healthcheck and inside a quoted `node -e` script: no quote, '$', ';', '&', '(', '*'.
    .regex(/^[A-Za-z0-9._~%/:@+,=-]*$/, { message: "a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#')" })
    .default('/healthz'),
  cpu: workloadFields.cpu,
  memoryMiB: workloadFields.memoryMiB,
  env: workloadFields.env,
}).superRefine(fargateSizeIssues) satisfies z.ZodType<unknown, ServiceProps>;

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

  constructor(scope: IConstruct, id: string, props: ServiceProps = {}) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-SERVICE-PROPS', true) }, 'SS-SERVICE', { name: id });
    this.name = p.name;
    this.port = p.port;
    this.healthPath = p.healthPath;
    this.cpu = p.cpu;
    this.memoryMiB = p.memoryMiB;
    this.env = p.env;
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
    };
    return { kind: 'services', model };
  }
}
