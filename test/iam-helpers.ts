/** IAM helpers shared by the IAM proof (test/iam-proof.test.ts) and the scheduled job's (test/scheduled-job-iam.test.ts). */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { handlerPermissions, HANDLER_OPS } from '../src/iam/handler-permissions';
import { EXCLUDED_HANDLER_ACTIONS, type TemplateContext, templateNeeds } from '../src/iam/template-needs';
import type { PolicyStatementData, RequiredPermission, RoleData } from '../src/iam/types';

/** The unknowable part of a requested resource: an id no policy can name literally. */
const concrete = (resource: string) => (resource === '*' ? '*' : resource.replace(/\*/g, 'x-unknown-0'));
const policy = (statements: readonly PolicyStatementData[]) => ({ Version: '2012-10-17', Statement: statements });

/** iam-simulate's decision on one need of a role ('Allowed', or why not). */
export async function simulate(role: RoleData, roleArn: string, need: RequiredPermission): Promise<string> {
  const result = await runSimulation({
    identityPolicies: [{ name: role.roleName, policy: policy(role.statements) }],
    ...(role.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: policy(role.boundary) }] } : {}),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: roleArn,
      action: need.action,
      resource: { resource: concrete(need.resource), accountId: role.account },
      contextVariables: { ...need.context },
    },
  }, {});
  if (result.resultType === 'error') return `error ${JSON.stringify(result.errors)}`;
  // A request for '*' (the resource is unknowable, or the action has no resource-level permissions) must be allowed
  // on every resource: iam-simulate's wildcard mode answers Allowed when any statement's resource pattern is.
  if (result.resultType === 'wildcard') {
    return result.results.some((r) => r.resourcePattern === '*' && r.analysis?.result === 'Allowed') ? 'Allowed' : `not on every resource (${result.overallResult})`;
  }
  return result.overallResult;
}

/**
 * The handler actions of each resource of one template that no need asks of the execution role and no reviewed
 * exclusion explains, and the excluded actions still asked for (iam:PassRole is derived from the roles a resource
 * references, not from the list).
 */
export function templateGaps(
  file: string, template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }, ctx: TemplateContext,
): string[] {
  const out: string[] = [];
  const needs = templateNeeds(file, template, ctx);
  const asked = new Map<string, Set<string>>();
  for (const n of needs) {
    const id = / ?([\w-]+) \(/.exec(n.neededBy.slice(file.length + 1))?.[1] ?? '';
    asked.set(id, (asked.get(id) ?? new Set()).add(n.action.toLowerCase()));
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    const handlers = handlerPermissions(r.Type);
    const excluded = new Set(EXCLUDED_HANDLER_ACTIONS.filter((e) => (e.type === r.Type || e.type === '*') && e.applies(r.Properties ?? {})).flatMap((e) => e.actions.map((a) => a.toLowerCase())));
    for (const op of HANDLER_OPS) {
      for (const action of handlers?.ops[op] ?? []) {
        const a = action.toLowerCase();
        if (a === 'iam:passrole' || asked.get(id)?.has(a) || excluded.has(a)) continue;
        out.push(`${file} ${id} (${r.Type}) ${op}: ${action} is neither needed nor a reviewed exclusion`);
      }
      for (const action of handlers?.ops[op] ?? []) {
        if (excluded.has(action.toLowerCase()) && asked.get(id)?.has(action.toLowerCase())) out.push(`${file} ${id}: ${action} is excluded yet still asked for`);
      }
    }
  }
  return out;
}
