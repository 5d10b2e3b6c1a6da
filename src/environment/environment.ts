import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { Problem, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { parseProps } from '../core/schema';
import type { EnvironmentModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';
import { AWS_REGIONS, LOG_RETENTION_DAYS } from './regions';

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

  constructor(scope: IConstruct, id: string, props: EnvironmentProps) {
    super(scope, id);
    const p = parseProps(schema, { name: id, ...props }, this.constructPath, 'SS-ENV');
    this.name = p.name;
    this.account = p.account;
    this.region = p.region;
    this.logRetentionDays = p.logRetentionDays;
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
      order: this.shipshape.membersOf(Environment).indexOf(this),
    };
    return { kind: 'environments', model };
  }
}
