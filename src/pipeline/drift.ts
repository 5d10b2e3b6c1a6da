import { assumeRole } from './cd';
import type { BuildContext } from './job-spec';
import { DRIFT_SCRIPT } from './scripts';
import type { StackTarget } from '../cloudformation/templates';
import { driftRoleName } from '../core/naming';
import type { JobModel, WorkflowModel } from '../github/workflow';

/**
 * The scheduled drift workflow: one job per environment, each assuming the read-only
 * drift role and checking every stack of that environment. A drifted stack fails the job
 * with a table of the drifted resources in the job summary.
 */
export function driftWorkflow(ctx: BuildContext, name: string, schedule: string, targets: ReadonlyArray<Pick<StackTarget, 'environment' | 'stackName'>>): WorkflowModel | undefined {
  const jobs = ctx.environments.flatMap((env): JobModel[] => {
    const stacks = targets.filter((t) => t.environment.name === env.name);
    if (stacks.length === 0) return [];
    return [{
      id: `drift-${env.name}`,
      name: `drift ${env.name}`,
      needs: [],
      runsOn: ctx.runsOn,
      permissions: { 'contents': 'read', 'id-token': 'write' },
      timeoutMinutes: 15 + 5 * stacks.length,
      expectedMinutes: 2 * stacks.length,
      steps: [
        assumeRole(env.account, env.region, driftRoleName(ctx.project, env.name)),
        // Every stack is checked even when an earlier one drifted.
        ...stacks.map((t) => ({ name: `Detect drift of ${t.stackName}`, if: '${{ !cancelled() }}', env: { STACK: t.stackName, ENVIRONMENT: env.name }, run: DRIFT_SCRIPT })),
      ],
    }];
  });
  if (jobs.length === 0) return undefined;
  return {
    name: `${name} drift`,
    on: { schedule: [{ cron: schedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: '${{ github.workflow }}', cancelInProgress: false },
    jobs,
  };
}
