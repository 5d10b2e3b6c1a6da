import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ShipshapeError, problem } from '../core/errors';
import type { ResourceOverride } from '../environment/model';

/**
 * Apply `Environment.addOverride` overrides: the target is a logical id, or a construct path inside
 * the stack (an L2 construct's path reaches its main resource). An unknown target is an error
 * naming the environment and listing the logical ids there are.
 */
export function applyOverrides(stack: Stack, overrides: readonly ResourceOverride[], environmentPath: string): void {
  if (overrides.length === 0) return;
  const resources = stack.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
  for (const o of overrides) {
    const found = resources.find((r) => stack.resolve(r.logicalId) === o.target) ?? byPath(stack, o.target);
    if (!found) {
      const ids = resources.map((r) => stack.resolve(r.logicalId) as string).sort();
      throw new ShipshapeError([problem('SS-ENV-OVERRIDE', environmentPath, 'addOverride', o.target,
        `the logical id or construct path of a resource in stack ${stack.stackName}`, `Logical ids: ${ids.join(', ')}`)]);
    }
    found.addOverride(o.path, o.value);
  }
}

/** The resource at a construct path: the construct itself, or the main resource (default child) of an L2 construct. */
function byPath(stack: Stack, target: string): CfnResource | undefined {
  const found = target.split('/').reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), stack);
  if (found instanceof CfnResource) return found;
  const child = found?.node.defaultChild;
  return child instanceof CfnResource ? child : undefined;
}
