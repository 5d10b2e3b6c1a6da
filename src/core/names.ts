import { z } from 'zod';

/** A lowercase DNS-label style name: used for services, environments and jobs across all outputs. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
export const NAME_RULE = 'a lowercase name of 1-32 characters: letters, digits and dashes, starting with a letter and not ending with a dash';

export const nameSchema = z.string().regex(NAME_PATTERN, { message: NAME_RULE });

/** `api-service` → `ApiService`: for CloudFormation logical ids and output names. */
export function pascalCase(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}
