import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { FlagModel } from './model';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { Environment } from '../environment/environment';

/** Props of a {@link FeatureFlag}. */
export interface FeatureFlagProps {
  /**
   * The flag's key, as the application reads it.
   * @default - the construct id
   */
  readonly name?: string;
  /** What turning the flag on does. */
  readonly description: string;
  /**
   * Whether the flag is on, per environment name.
   * @default - off in every environment
   */
  readonly values?: Readonly<Record<string, boolean>>;
}

const schema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'a flag key: lowercase letters, digits, _ and -, starting with a letter, at most 64 characters' }),
  description: z.string().min(1).max(1024),
  values: z.record(z.string(), z.boolean()).default({}),
}) satisfies z.ZodType<unknown, FeatureFlagProps>;

/**
 * A feature flag served by AWS AppConfig. All flags of a project form one AppConfig feature-flags
 * configuration profile per environment stack; a bad flag change rolls back on the deployment alarms.
 */
export class FeatureFlag extends ShipshapeConstruct {
  public readonly name: string;
  public readonly description: string;
  public readonly values: Readonly<Record<string, boolean>>;

  constructor(scope: IConstruct, id: string, props: FeatureFlagProps) {
    super(scope, id);
    const p = this.parse(schema, { name: id, ...this.propsObject(props, 'SS-FLAG-PROPS') }, 'SS-FLAG', { name: id });
    this.name = p.name;
    this.description = p.description;
    this.values = p.values;
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    const names = this.shipshape.membersOf(Environment).map((e) => e.name);
    for (const env of Object.keys(this.values).filter((n) => !names.includes(n))) {
      problems.push(problem('SS-FLAG-ENVIRONMENT', this.constructPath, `values.${env}`, env, `the name of an environment (${names.join(', ') || 'none declared'})`));
    }
    const first = this.shipshape.membersOf(FeatureFlag).find((f) => f.name === this.name);
    if (first !== this) problems.push(problem('SS-FLAG-DUPLICATE', this.constructPath, 'name', this.name, `a name no other flag uses (already used by ${first!.constructPath})`));
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: FlagModel = { path: this.constructPath, name: this.name, description: this.description, values: this.values };
    return { kind: 'flags', model };
  }
}
