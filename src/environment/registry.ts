import { z } from 'zod';
import { AWS_REGIONS } from './regions';
import { Problem, problem } from '../core/errors';
import type { RegistryLocation } from '../core/naming';
import { zodProblems } from '../core/schema';

const registrySchema = z.strictObject({
  account: z.string({ message: 'a string of 12 digits' }).regex(/^\d{12}$/, { message: 'a 12-digit AWS account id' }),
  region: z.string({ message: 'an AWS region name' }).refine((r) => AWS_REGIONS.includes(r), {
    message: `a known AWS region (${AWS_REGIONS.join(', ')})`,
  }),
});

/** Problems of the `registry` option given to Shipshape.configure, on its own (account and region formats). */
export function registryOptionProblems(projectName: string, registry: unknown): Problem[] {
  if (registry === undefined) return [];
  const r = z.strictObject({ registry: registrySchema }).safeParse({ registry });
  return r.success ? [] : zodProblems(r.error, { registry }, `${projectName}/Shipshape`, 'SS');
}

/**
 * Problems of a chosen registry against the declared environments: it must be the account and region of one
 * of them, because the bootstrap stack of that account (one region per account) creates the image repositories
 * and the publish role. A registry-only account (one that runs no environment) is not supported.
 */
export function registryPlacementProblems(
  projectName: string, registry: RegistryLocation | undefined,
  environments: ReadonlyArray<{ readonly name: string; readonly account: string; readonly region: string }>,
): Problem[] {
  if (!registry || environments.length === 0) return [];
  if (environments.some((e) => e.account === registry.account && e.region === registry.region)) return [];
  return [problem('SS-REGISTRY', `${projectName}/Shipshape`, 'registry', registry,
    `the account and region of a declared environment (${environments.map((e) => `${e.name}: ${e.account}/${e.region}`).join(', ')})`,
    "The bootstrap stack of that account creates the image repositories and the publish role; an account that runs no environment gets no bootstrap stack. Choose one of the environments' accounts, or leave registry unset (the production environment's account).")];
}
