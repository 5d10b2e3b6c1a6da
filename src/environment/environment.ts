import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import type { EnvironmentModel } from '../model';
import { RollbackAlarmSource, bakeShortfall, builtinRollbackWindows } from './alarms';
import { DomainOptions, Network, ScalingOptions, SecretRef, infrastructureSchema } from './infrastructure';
import type { InfrastructureModel, ResourceOverride, StackCustomization } from './model';
import { AWS_REGIONS, LOG_RETENTION_DAYS } from './regions';
import { DeploymentStrategy } from './strategy';

/** Props of an {@link Environment}. */
export interface EnvironmentProps {
  /**
   * The environment's name: the GitHub environment, the stack suffix and the template file name.
   * @default - the construct id
   */
  readonly name?: string;
  /** The 12-digit AWS account id. */
  readonly account: string;
  /** The AWS region, for example `eu-west-1`. */
  readonly region: string;
  /**
   * Days CloudWatch Logs keeps the service's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * The environment's public base URL, used by the pipeline's smoke test.
   * @default - `https://<domain>` when the environment has a domain; otherwise no URL and the smoke test is skipped with a notice
   */
  readonly url?: string;
  /**
   * Gate deploys to this environment: GitHub required reviewers and/or a wait timer.
   * `gated: true` without reviewers or a wait is an error.
   * @default - not gated
   */
  readonly approval?: EnvironmentApproval;
  /**
   * How a new image replaces the old one.
   * @default DeploymentStrategy.rolling()
   */
  readonly strategy?: DeploymentStrategy;
  /**
   * A production environment: its database has deletion protection and its data is retained.
   * @default - true when the name is 'prod' or 'production'
   */
  readonly production?: boolean;
  /**
   * Where the VPC comes from.
   * @default Network.create()
   */
  readonly network?: Network;
  /**
   * The public DNS name and its certificate. With a domain the service sits behind an Application
   * Load Balancer (HTTPS, HTTP redirects to HTTPS); without one it has no load balancer and no inbound traffic.
   * @default - no load balancer
   */
  readonly domain?: DomainOptions;
  /**
   * Autoscaling of the service's tasks.
   * @default { min: 1, max: 2, target: ScalingTarget.cpu(60) }
   */
  readonly scaling?: ScalingOptions;
  /**
   * Plain environment variables of the service's container. Never put secrets here: use `secrets`.
   * @default {}
   */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from AWS Secrets Manager when a task starts.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
}

/** Protection rules of a gated environment. */
export interface EnvironmentApproval {
  /** GitHub users or teams (`org/team`) who must approve a deploy. @default [] */
  readonly reviewers?: readonly string[];
  /** Minutes to wait before the deploy starts. @default 0 */
  readonly waitMinutes?: number;
}

const schema = z.strictObject({
  name: nameSchema,
  account: z.string({ message: 'a string of 12 digits' }).regex(/^\d{12}$/, { message: 'a 12-digit AWS account id' }),
  region: z.string({ message: 'an AWS region name' }).refine((r) => AWS_REGIONS.includes(r), {
    message: `a known AWS region (${AWS_REGIONS.join(', ')})`,
  }),
  logRetentionDays: z.number().refine((d) => LOG_RETENTION_DAYS.includes(d), {
    message: `a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')})`,
  }).default(30),
  // The smoke test appends the health path: a query string or fragment would swallow it (…/?src=ci/healthz).
  url: z.string().regex(/^https:\/\/[^\s/$.?#].[^\s]*$/, { message: 'an https:// URL' })
    .regex(/^[^?#]*$/, { message: "an https:// URL without a query string or fragment ('?' or '#'): the smoke test appends the health path" }).optional(),
  approval: z.strictObject({
    reviewers: z.array(z.string().regex(/^[A-Za-z0-9-]+(\/[A-Za-z0-9_.-]+)?$/, { message: "a GitHub user or 'org/team'" })).default([]),
    waitMinutes: z.number().int().min(0).max(43200, { message: 'at most 43200 minutes (30 days)' }).default(0),
  }).refine((a) => a.reviewers.length > 0 || a.waitMinutes > 0, { message: 'at least one reviewer or a wait of at least 1 minute' }).optional(),
  strategy: z.custom<DeploymentStrategy>((v) => v instanceof DeploymentStrategy, { message: 'a DeploymentStrategy, for example DeploymentStrategy.canary()' })
    .default(() => DeploymentStrategy.rolling()),
  ...infrastructureSchema,
}) satisfies z.ZodType<unknown, EnvironmentProps>;

/**
 * A deployment target: one AWS account and region. Environments deploy in the
 * order they are declared; each becomes `infra/<name>.template.json`.
 */
export class Environment extends ShipshapeConstruct {
  public readonly name: string;
  public readonly account: string;
  public readonly region: string;
  public readonly logRetentionDays: number;
  public readonly url?: string;
  public readonly approval?: { readonly reviewers: readonly string[]; readonly waitMinutes: number };
  public readonly strategy: DeploymentStrategy;
  public readonly production: boolean;
  public readonly network: Network;
  public readonly domain?: DomainOptions;
  public readonly scaling: Required<ScalingOptions>;
  public readonly variables: Readonly<Record<string, string>>;
  public readonly secrets: Readonly<Record<string, SecretRef>>;
  private readonly customizations: StackCustomization[] = [];
  private readonly overrides: ResourceOverride[] = [];

  constructor(scope: IConstruct, id: string, props: EnvironmentProps) {
    super(scope, id);
    this.propsObject(props, 'SS-ENV-PROPS');
    // A literal where a SecretRef belongs may be the secret itself: never echo it in an error.
    const secrets = props.secrets && Object.fromEntries(Object.entries(props.secrets).map(([k, v]) => [k, v instanceof SecretRef ? v : '(a literal value, not shown)']));
    const p = this.parse(schema, { name: id, ...props, ...(secrets ? { secrets } : {}) }, 'SS-ENV', { name: id });
    this.name = p.name;
    this.account = p.account;
    this.region = p.region;
    this.logRetentionDays = p.logRetentionDays;
    this.url = p.url;
    this.approval = p.approval;
    this.strategy = p.strategy;
    this.production = p.production ?? ['prod', 'production'].includes(p.name);
    this.network = p.network;
    this.domain = p.domain;
    this.scaling = p.scaling;
    this.variables = p.variables;
    this.secrets = p.secrets;
  }

  /** True when the service sits behind a load balancer (the environment has a domain). */
  public get hasLoadBalancer(): boolean {
    return this.domain !== undefined;
  }

  /**
   * Escape hatch: run `customize` on this environment's aws-cdk-lib Stack (one per service) when
   * templates are built, to add any construct. aws-cdk-lib is loaded only then.
   */
  public addStackCustomization(customize: StackCustomization): this {
    this.customizations.push(customize);
    return this;
  }

  /**
   * Escape hatch: set `path` (for example `Properties.HealthCheckGracePeriodSeconds`) on the resource
   * with this logical id or construct path, after the stack is built. An unknown target is an error.
   */
  public addOverride(target: string, path: string, value: unknown): this {
    this.overrides.push({ target, path, value });
    return this;
  }

  /** @internal */
  public _validate(): Problem[] {
    const all = this.shipshape.membersOf(Environment);
    const first = all.find((e) => e.name === this.name);
    if (first !== this) {
      return [problem('SS-ENV-DUPLICATE', this.constructPath, 'name', this.name, `a name no other environment uses (already used by ${first!.constructPath})`)];
    }
    const sameDomain = this.domain && all.find((e) => e.domain?.name === this.domain!.name);
    const domainProblems = sameDomain && sameDomain !== this
      ? [problem('SS-ENV-DOMAIN-DUPLICATE', this.constructPath, 'domain.name', this.domain!.name, `a domain no other environment uses (already used by ${sameDomain.constructPath})`,
        'Two environments behind one DNS name would overwrite each other\'s record: give each its own name (api.example.com, staging.api.example.com).')]
      : [];
    return [...domainProblems, ...this.certificateProblems(), ...this.infrastructureProblems()];
  }

  /** An ALB listener takes only a certificate of its own account and region. */
  private certificateProblems(): Problem[] {
    const arn = this.domain?.certificateArn;
    const [, , , region, account] = arn?.split(':') ?? [];
    if (!arn || (region === this.region && account === this.account)) return [];
    return [problem('SS-ENV-CERTIFICATE', this.constructPath, 'domain.certificateArn', arn,
      `an ACM certificate of this environment's account ${this.account} and region ${this.region}`,
      'A load balancer can only use a certificate from its own account and region: request or import one there, or give a hostedZoneId to have one created.')];
  }

  private infrastructureProblems(): Problem[] {
    const problems: Problem[] = [];
    const kind = this.strategy.model.kind;
    if (this.strategy.needsLoadBalancer && !this.hasLoadBalancer) {
      problems.push(problem('SS-ENV-STRATEGY', this.constructPath, 'strategy', kind,
        'a strategy that works without a load balancer (rolling), or a domain on this environment',
        `${kind} shifts traffic between two target groups of an Application Load Balancer; add a 'domain' to get one.`));
    }
    const bake = this.strategy.bakeSeconds;
    // Every alarm that rolls this environment's deployments back: the built-in ones and each Monitoring's.
    const sources = this.shipshape.membersOf(ShipshapeConstruct).filter((m) => typeof (m as Partial<RollbackAlarmSource>)._rollbackWindows === 'function');
    const windows = [
      ...builtinRollbackWindows(this.hasLoadBalancer, sources.length > 0),
      ...sources.flatMap((m) => (m as unknown as RollbackAlarmSource)._rollbackWindows(this.name)),
    ];
    const short = bake === undefined ? undefined : bakeShortfall(bake, windows);
    if (short) {
      const m = (s: number) => `${Math.ceil(s / 60)}m`;
      problems.push(problem('SS-ENV-BAKE', this.constructPath, 'strategy.bake', m(bake!),
        `at least ${m(short.requiredSeconds)}: the ${m(short.alarm.windowSeconds)} window of rollback alarm '${short.alarm.name}' plus 2m for evaluation lag`,
        'A bake that ends before the rollback alarms can fire lets a bad release through: lengthen the bake or shorten the alarm\'s window.'));
    }
    if (this.scaling.target.metric === 'requests' && !this.hasLoadBalancer) {
      problems.push(problem('SS-ENV-SCALING', this.constructPath, 'scaling.target', 'requests', 'ScalingTarget.cpu() or .memory(): request-count scaling needs a load balancer (a domain)'));
    }
    for (const name of Object.keys(this.secrets).filter((n) => n in this.variables)) {
      problems.push(problem('SS-ENV-VARIABLES', this.constructPath, `secrets.${name}`, name, 'a name not also used in variables'));
    }
    return problems;
  }

  /** The infrastructure part of the model. */
  private infrastructure(): InfrastructureModel {
    return {
      production: this.production,
      network: this.network.model,
      domain: this.domain,
      scaling: { min: this.scaling.min, max: this.scaling.max, metric: this.scaling.target.metric, target: this.scaling.target.value },
      variables: this.variables,
      secrets: Object.fromEntries(Object.entries(this.secrets).map(([k, v]) => [k, v.model])),
      customizations: [...this.customizations],
      overrides: [...this.overrides],
    };
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const infrastructure = this.infrastructure();
    const model: EnvironmentModel = {
      path: this.constructPath,
      name: this.name,
      account: this.account,
      region: this.region,
      logRetentionDays: this.logRetentionDays,
      // One source of truth: with a domain, the smoke test reads the URL the load balancer serves.
      url: this.url ?? (infrastructure.domain ? `https://${infrastructure.domain.name}` : undefined),
      approval: this.approval,
      strategy: this.strategy.model,
      order: this.shipshape.membersOf(Environment).indexOf(this),
      infrastructure,
    };
    return { kind: 'environments', model };
  }
}
