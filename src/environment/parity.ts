import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { Environment } from './environment';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, problem } from '../core/errors';
import { Database } from '../database/database';
import { FeatureFlag } from '../flags/feature-flag';

/** Props of a {@link ProdParity} check. */
export interface ProdParityProps {
  /** The environment that must mirror production. */
  readonly staging: Environment;
  /** The production environment. */
  readonly prod: Environment;
  /**
   * Differences accepted on purpose: the property (as the check reports it, for example
   * `database.api.multiAz`) and the written reason.
   * @default {}
   */
  readonly allow?: Readonly<Record<string, string>>;
}

/** One property where the two environments differ. */
export interface ParityDifference {
  readonly property: string;
  readonly staging: string;
  readonly prod: string;
  /** The reason, when the difference is allowed (by an allowance, or by design: {@link PARITY_BY_DESIGN}). */
  readonly allowedBecause?: string;
  /** Set when the difference is one of shipshape's production defaults, which no allowance is needed for. */
  readonly byDesign?: boolean;
}

/**
 * What differs between a production and a non-production environment by shipshape's own defaults, and why: each is
 * allowed without a written allowance, as long as it comes from the default (a value set by hand that differs is
 * reported as usual). Sizes are the exception, a knob: they are set per environment on purpose, so they are listed
 * in the report and always allowed. The README lists them.
 */
export const PARITY_BY_DESIGN: Readonly<Record<string, string>> = {
  'database.multiAz': 'production databases get a standby in a second availability zone (Database multiAz defaults to the environment\'s production flag)',
  'sizes': 'sizes are a knob: a Database\'s instance type and storage are set per environment (Database environments)',
};

/**
 * What may differ between staging and prod without an allowance: these are the knobs of an
 * environment, not its shape.
 */
export const PARITY_KNOBS = ['name', 'account', 'region', 'scaling', 'domain (its name, zone and certificate)', 'approval', 'url', 'production'] as const;

const schema = z.strictObject({
  staging: z.custom<Environment>((v) => v instanceof Environment, { message: 'an Environment' }),
  prod: z.custom<Environment>((v) => v instanceof Environment, { message: 'an Environment' }),
  allow: z.record(z.string(), z.string().trim().min(10, { message: 'a written reason of at least 10 characters' })).default({}),
}).refine((p) => p.staging !== p.prod, { message: 'two different environments', path: ['prod'] }) satisfies z.ZodType<unknown, ProdParityProps>;

/**
 * Staging mirrors prod: synthesis fails when the two differ in anything beyond the knobs
 * ({@link PARITY_KNOBS}), unless the difference is allowed with a reason. The error lists each
 * difference side by side.
 */
export class ProdParity extends ShipshapeConstruct {
  public readonly staging: Environment;
  public readonly prod: Environment;
  private readonly allowed: Readonly<Record<string, string>>;

  constructor(scope: IConstruct, id: string, props: ProdParityProps) {
    super(scope, id);
    const p = this.parse(schema, props, 'SS-PARITY');
    this.staging = p.staging;
    this.prod = p.prod;
    this.allowed = p.allow;
  }

  /** Every difference between the two environments' shapes, allowed or not. */
  public differences(): ParityDifference[] {
    const a = this.profile(this.staging);
    const b = this.profile(this.prod);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys
      .filter((k) => a[k]?.value !== b[k]?.value)
      .map((k) => {
        const category = a[k]?.byDesign !== undefined && a[k]?.byDesign === b[k]?.byDesign ? a[k].byDesign : undefined;
        const reason = category !== undefined ? `by design: ${PARITY_BY_DESIGN[category]}` : this.allowed[k];
        return {
          property: k,
          staging: a[k]?.value ?? '(not set)',
          prod: b[k]?.value ?? '(not set)',
          ...(reason ? { allowedBecause: reason } : {}),
          ...(category !== undefined ? { byDesign: true } : {}),
        };
      });
  }

  /** The differences as a side-by-side table, for people. */
  public report(): string {
    const rows = this.differences().map((d) => [d.property, d.staging, d.prod, d.byDesign ? d.allowedBecause! : d.allowedBecause ? `allowed: ${d.allowedBecause}` : 'NOT ALLOWED']);
    return sideBySide([['property', this.staging.name, this.prod.name, ''], ...rows]);
  }

  /** @internal */
  public _validate(): Problem[] {
    const diffs = this.differences();
    const problems: Problem[] = diffs.filter((d) => !d.allowedBecause).map((d) => problem('SS-PARITY', this.staging.constructPath, d.property,
      `${this.staging.name}=${d.staging}, ${this.prod.name}=${d.prod}`,
      `the same in ${this.staging.name} and ${this.prod.name} (only ${PARITY_KNOBS.join(', ')} may differ)`,
      `If the difference is intended, allow it with a reason: new ProdParity(..., { allow: { '${d.property}': '<why>' } }).\n${this.report()}`));
    for (const key of Object.keys(this.allowed).filter((k) => !diffs.some((d) => d.property === k && !d.byDesign))) {
      const byDesign = diffs.some((d) => d.property === key && d.byDesign);
      problems.push(problem('SS-PARITY-STALE', this.constructPath, `allow.${key}`, key, byDesign
        ? 'a property whose difference is not already allowed by design (this one is a production default: remove the allowance)'
        : `a property where ${this.staging.name} and ${this.prod.name} differ (remove the stale allowance)`));
    }
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution | undefined {
    return undefined;
  }

  /** The environment's shape as flat property → value, knobs left out. */
  private profile(env: Environment): Record<string, { readonly value: string; readonly byDesign?: string }> {
    const plain = (value: string) => ({ value });
    const out: Record<string, { readonly value: string; readonly byDesign?: string }> = {
      strategy: plain(JSON.stringify(env.strategy.model)),
      network: plain(JSON.stringify(env.network.model)),
      logRetentionDays: plain(String(env.logRetentionDays)),
      loadBalancer: plain(env.hasLoadBalancer ? 'yes' : 'no'),
    };
    for (const [k, v] of Object.entries(env.variables)) out[`variables.${k}`] = plain(JSON.stringify(v));
    for (const k of Object.keys(env.secrets)) out[`secrets.${k}`] = plain('from Secrets Manager');
    for (const f of this.shipshape.membersOf(FeatureFlag)) out[`flags.${f.name}`] = plain(f.values[env.name] ? 'on' : 'off');
    for (const d of this.shipshape.membersOf(Database)) {
      out[`database.${d.service.name}.multiAz`] = { value: String(d.multiAzIn(env)), ...(d.multiAzFollowsEnvironment ? { byDesign: 'database.multiAz' } : {}) };
      const size = d.sizeIn(env);
      out[`database.${d.service.name}.size`] = { value: `${size.instanceType}, ${size.allocatedStorageGiB}-${size.maxAllocatedStorageGiB} GiB`, byDesign: 'sizes' };
    }
    return out;
  }
}

function sideBySide(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `    ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')}`.trimEnd()).join('\n');
}
