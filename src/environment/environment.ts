import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { Problem, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { parseProps } from '../core/schema';
import type { EnvironmentModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';
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
   * @default - no URL: the verify step is skipped with a notice
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
  url: z.string().regex(/^https:\/\/[^\s/$.?#].[^\s]*$/, { message: 'an https:// URL' }).optional(),
  approval: z.strictObject({
    reviewers: z.array(z.string().regex(/^[A-Za-z0-9-]+(\/[A-Za-z0-9_.-]+)?$/, { message: "a GitHub user or 'org/team'" })).default([]),
    waitMinutes: z.number().int().min(0).max(43200, { message: 'at most 43200 minutes (30 days)' }).default(0),
  }).refine((a) => a.reviewers.length > 0 || a.waitMinutes > 0, { message: 'at least one reviewer or a wait of at least 1 minute' }).optional(),
  strategy: z.custom<DeploymentStrategy>((v) => v instanceof DeploymentStrategy, { message: 'a DeploymentStrategy, for example DeploymentStrategy.canary()' })
    .default(() => DeploymentStrategy.rolling()),
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

  constructor(scope: IConstruct, id: string, props: EnvironmentProps) {
    super(scope, id);
    const p = parseProps(schema, { name: id, ...props }, this.constructPath, 'SS-ENV');
    this.name = p.name;
    this.account = p.account;
    this.region = p.region;
    this.logRetentionDays = p.logRetentionDays;
    this.url = p.url;
    this.approval = p.approval;
    this.strategy = p.strategy;
  }

  /** @internal */
  public _validate(): Problem[] {
    const all = this.shipshape.membersOf(Environment);
    const first = all.find((e) => e.name === this.name);
    if (first !== this) {
      return [problem('SS-ENV-DUPLICATE', this.constructPath, 'name', this.name, `a name no other environment uses (already used by ${first!.constructPath})`)];
    }
    return [];
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: EnvironmentModel = {
      path: this.constructPath,
      name: this.name,
      account: this.account,
      region: this.region,
      logRetentionDays: this.logRetentionDays,
      url: this.url,
      approval: this.approval,
      strategy: this.strategy.model,
      order: this.shipshape.membersOf(Environment).indexOf(this),
    };
    return { kind: 'environments', model };
  }
}
