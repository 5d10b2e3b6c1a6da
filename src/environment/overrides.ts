import type { WorkloadOverridesModel } from '../model';

/** The settings `environments` may change, as every workload model has them. */
interface Overridable<S> {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  readonly scaling?: S;
  readonly environments?: Readonly<Record<string, WorkloadOverridesModel<S>>>;
}

/**
 * The workload as it runs in `environment`: its overrides for that environment (`environments.<name>`) applied,
 * variables merged over its own (the same name wins). Every per-environment view (stacks, deploy jobs, runbooks,
 * diagrams) reads workloads through this, so an override is one source of truth there.
 */
export function inEnvironment<S, T extends Overridable<S>>(workload: T, environment: string): T {
  const o = workload.environments?.[environment];
  if (!o) return workload;
  return {
    ...workload,
    cpu: o.cpu ?? workload.cpu,
    memoryMiB: o.memoryMiB ?? workload.memoryMiB,
    env: { ...workload.env, ...(o.env ?? {}) },
    ...(o.scaling !== undefined ? { scaling: o.scaling } : {}),
  };
}
