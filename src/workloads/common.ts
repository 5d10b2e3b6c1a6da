/**
 * The props every workload (Service, ScheduledJob, Worker) declares the same way: its name, CPU, memory and
 * environment variables, with the same checks, so the same mistake reads the same whatever the kind.
 */
import { z } from 'zod';
import { Problem, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { FARGATE_SIZES, describeFargateSizes, isFargateSize } from '../service/fargate';

function envSchemaOf() {
  return z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an upper-case variable name' }), z.union([
    z.strictObject({ value: z.string() }),
    z.strictObject({ secret: z.string().min(1) }),
  ], { message: 'either { value } or { secret }, not both' }));
}

export const workloadFields = {
  // The name is also the ECR repository name, which needs at least 2 characters.
  name: nameSchema.min(2, { message: 'at least 2 characters long (it also names the image repository)' }),
  cpu: z.number().int({ message: 'an integer number of CPU units' }).positive().default(256),
  memoryMiB: z.number().int({ message: 'an integer number of MiB' }).positive().default(512),
  env: envSchemaOf().default({}),
};

/** Environment variables of a workload's container, by upper-case name: `{ value }` or `{ secret }`. */
export const envSchema = envSchemaOf();

/** Fargate runs only certain CPU and memory pairs: an issue on `cpu` or `memoryMiB` when the pair is not one. */
export function fargateSizeIssues(v: { readonly cpu: number; readonly memoryMiB: number }, ctx: z.RefinementCtx): void {
  if (!FARGATE_SIZES[v.cpu]) ctx.addIssue({ code: 'custom', path: ['cpu'], message: describeFargateSizes(v.cpu) });
  else if (!isFargateSize(v.cpu, v.memoryMiB)) ctx.addIssue({ code: 'custom', path: ['memoryMiB'], message: describeFargateSizes(v.cpu) });
}

/** What a workload changes in one environment (`environments.<name>`). */
export interface EnvironmentOverrides<S = never> {
  /** CPU units for one task there. @default - the workload's */
  readonly cpu?: number;
  /** Memory for one task there, in MiB. @default - the workload's */
  readonly memoryMiB?: number;
  /** Variables there, merged over the workload's (the same name wins): each a plain value or a secret reference. @default {} */
  readonly env?: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  /** Scaling there. @default - the workload's own (for a service without any, the environment's) */
  readonly scaling?: S;
}

const overrideFields = {
  cpu: z.number().int({ message: 'an integer number of CPU units' }).positive().optional(),
  memoryMiB: z.number().int({ message: 'an integer number of MiB' }).positive().optional(),
  env: envSchema.optional(),
};

/**
 * `environments`: what a workload changes in some environments, by Environment name: its CPU, memory, variables
 * (merged over its own; the same name wins) and, with `scaling`, its scaling there.
 */
export function overridesSchema<S extends z.ZodType>(scaling: S) {
  return z.record(z.string(), z.strictObject({ ...overrideFields, scaling: scaling.optional() })).default({});
}

/** `environments` of a workload without scaling (a scheduled job). */
export const overridesWithoutScalingSchema = z.record(z.string(), z.strictObject(overrideFields)).default({});

interface FargateSize {
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** The Fargate size of each environment's override, with the workload's own CPU or memory where it gives one only. */
export function overrideSizeIssues(
  v: { readonly cpu: number; readonly memoryMiB: number; readonly environments: Readonly<Record<string, Partial<FargateSize>>> },
  ctx: z.RefinementCtx,
): void {
  for (const [name, o] of Object.entries(v.environments)) {
    if (o.cpu === undefined && o.memoryMiB === undefined) continue;
    const size = { cpu: o.cpu ?? v.cpu, memoryMiB: o.memoryMiB ?? v.memoryMiB };
    const at = FARGATE_SIZES[size.cpu] ? 'memoryMiB' : 'cpu';
    if (!isFargateSize(size.cpu, size.memoryMiB)) ctx.addIssue({ code: 'custom', path: ['environments', name, at], message: describeFargateSizes(size.cpu) });
  }
}

/** An override for an environment the project does not declare would never apply: SS-WORKLOAD-ENVIRONMENTS. */
export function overrideEnvironmentProblems(path: string, overrides: Readonly<Record<string, unknown>>, declared: readonly string[]): Problem[] {
  return Object.keys(overrides).filter((name) => !declared.includes(name)).map((name) => problem(
    'SS-WORKLOAD-ENVIRONMENTS', path, `environments.${name}`, name,
    `the name of an Environment of this project (${declared.length > 0 ? declared.map((d) => `'${d}'`).join(', ') : 'none declared'})`,
  ));
}
