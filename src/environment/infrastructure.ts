import { z } from 'zod';
import type { NetworkModel, SecretModel } from './model';
import { problem, throwIfAny } from '../core/errors';
import { checkOptions } from '../core/schema';

/** How an environment gets its VPC. */
export class Network {
  /**
   * Create a VPC in the environment stack: public subnets for the load balancer, private subnets
   * (with NAT) for tasks and the database, in two availability zones, with VPC flow logs.
   */
  public static create(options: { readonly natGateways?: number } = {}): Network {
    checkOptions('Network.create', options, ['natGateways'], 'SS-NETWORK');
    const natGateways = options.natGateways ?? 1;
    if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > 2) {
      throwIfAny([problem('SS-NETWORK', 'Network.create', 'natGateways', natGateways, 'a whole number from 1 to 2 (one per availability zone at most)')]);
    }
    return new Network({ kind: 'create', natGateways });
  }

  /**
   * Use an existing VPC, given at deploy time through template parameters: `VpcId`,
   * `PublicSubnetIds` and `PrivateSubnetIds` (two subnets each, in two availability zones).
   */
  public static existing(): Network {
    return new Network({ kind: 'existing' });
  }

  private constructor(public readonly model: NetworkModel) {}
}

/** A JSON key lands in an ECS valueFrom (`<arn>:<field>::`): a ':' or a space there changes what is read. */
function fieldProblem(where: string, field: unknown): void {
  if (field !== undefined && (typeof field !== 'string' || !/^[^:\s]{1,256}$/.test(field))) {
    throwIfAny([problem('SS-SECRET', where, 'field', field, "a JSON key of the secret, without ':' or spaces (it becomes part of the ECS valueFrom '<arn>:<field>::')")]);
  }
}

/** A reference to a secret in AWS Secrets Manager. Never the secret's value. */
export class SecretRef {
  /** A secret by name (in the environment's account and region), optionally one JSON field of it. */
  public static fromName(name: string, options: { readonly field?: string } = {}): SecretRef {
    checkOptions('SecretRef.fromName', options, ['field'], 'SS-SECRET');
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
      throwIfAny([problem('SS-SECRET', 'SecretRef.fromName', 'name', name, 'a Secrets Manager secret name: letters, digits and /_+=.@-')]);
    }
    fieldProblem('SecretRef.fromName', options.field);
    return new SecretRef({ kind: 'name', id: name, field: options.field });
  }

  /** A secret by its full ARN, optionally one JSON field of it. */
  public static fromArn(arn: string, options: { readonly field?: string } = {}): SecretRef {
    checkOptions('SecretRef.fromArn', options, ['field'], 'SS-SECRET');
    if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(arn)) {
      throwIfAny([problem('SS-SECRET', 'SecretRef.fromArn', 'arn', arn, 'a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)')]);
    }
    fieldProblem('SecretRef.fromArn', options.field);
    return new SecretRef({ kind: 'arn', id: arn, field: options.field });
  }

  private constructor(public readonly model: SecretModel) {}
}

/** What autoscaling tracks. */
export class ScalingTarget {
  /** Keep average CPU utilization near `percent`. */
  public static cpu(percent = 60): ScalingTarget {
    return new ScalingTarget('cpu', checkPercent('cpu', percent));
  }
  /** Keep average memory utilization near `percent`. */
  public static memory(percent = 70): ScalingTarget {
    return new ScalingTarget('memory', checkPercent('memory', percent));
  }
  /** Keep requests per task per minute near `count` (needs a load balancer). */
  public static requests(count = 1000): ScalingTarget {
    if (!Number.isInteger(count) || count < 1) throwIfAny([problem('SS-SCALING', 'ScalingTarget.requests', 'count', count, 'a whole number of requests per task per minute, at least 1')]);
    return new ScalingTarget('requests', count);
  }
  private constructor(public readonly metric: 'cpu' | 'memory' | 'requests', public readonly value: number) {}
}

function checkPercent(metric: string, percent: number): number {
  if (!Number.isInteger(percent) || percent < 10 || percent > 90) {
    throwIfAny([problem('SS-SCALING', `ScalingTarget.${metric}`, 'percent', percent, 'a whole percentage from 10 to 90')]);
  }
  return percent;
}

/** The environment's public name and certificate. */
export interface DomainOptions {
  /** The DNS name the service answers on, for example `api.example.com`. */
  readonly name: string;
  /**
   * The Route 53 hosted zone that holds `name`, in the environment's account: the stack creates a
   * DNS-validated certificate and an alias record there. A user setting (find it in the Route 53 console).
   * @default - none: then `certificateArn` is required
   */
  readonly hostedZoneId?: string;
  /**
   * An existing ACM certificate for `name`, in the environment's region.
   * @default - a DNS-validated certificate in `hostedZoneId`
   */
  readonly certificateArn?: string;
}

/** Autoscaling of the service's tasks. */
export interface ScalingOptions {
  /** @default 1 */
  readonly min?: number;
  /** @default 2 */
  readonly max?: number;
  /** @default ScalingTarget.cpu(60) */
  readonly target?: ScalingTarget;
}

const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an environment variable name (UPPER_SNAKE_CASE)' });

/** The zod schemas of the infrastructure props, merged into the Environment's schema. */
export const infrastructureSchema = {
  production: z.boolean().optional(),
  network: z.custom<Network>((v) => v instanceof Network, { message: 'a Network, for example Network.create() or Network.existing()' })
    .default(() => Network.create()),
  domain: z.strictObject({
    name: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: 'a lowercase DNS name such as api.example.com' }),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: 'a Route 53 hosted zone id (Z followed by capital letters and digits)' }).optional(),
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, { message: 'an ACM certificate ARN' }).optional(),
  }).refine((d) => d.hostedZoneId !== undefined || d.certificateArn !== undefined, {
    message: 'a hostedZoneId (for a DNS-validated certificate) or a certificateArn',
  }).optional(),
  scaling: z.strictObject({
    min: z.number().int().min(1).max(100).default(1),
    max: z.number().int().min(1).max(100).default(2),
    target: z.custom<ScalingTarget>((v) => v instanceof ScalingTarget, { message: 'a ScalingTarget, for example ScalingTarget.cpu(60)' })
      .default(() => ScalingTarget.cpu()),
  }).refine((s) => s.min <= s.max, { message: 'at most scaling.max', path: ['min'] }).default({ min: 1, max: 2, target: ScalingTarget.cpu() }),
  variables: z.record(envVarName, z.string({ message: 'a string value' })).default({}),
  secrets: z.record(envVarName, z.custom<SecretRef>((v) => v instanceof SecretRef, {
    message: "a reference to a secret (SecretRef.fromName('...') or SecretRef.fromArn('...')), never the secret value itself",
  })).default({}),
};
