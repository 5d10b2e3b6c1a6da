/**
 * The props every workload (Service, ScheduledJob, Worker) declares the same way: its name, CPU, memory and
 * environment variables, with the same checks, so the same mistake reads the same whatever the kind.
 */
import { z } from 'zod';
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
