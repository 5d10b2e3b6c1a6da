/**
 * The scheduled report of newer action releases and base-image digests. Dependabot cannot upgrade them: the
 * workflows and Dockerfiles are generated, so its PRs would fail synth-check. This job lists what is newer, in the
 * job summary, and says where to change it in `.projenrc.ts` (`actionPins`, `BaseImages`).
 */
import type { ActionPin } from '../github/pins';
import type { JobModel, WorkflowModel } from '../github/workflow';
import type { ImageModel } from '../model';

/** The default schedule: Mondays, 06:23 UTC. */
export const UPDATES_SCHEDULE = '23 6 * * 1';

export const UPDATES_SCRIPT = [
  'set -euo pipefail',
  '{',
  '  echo "### Action pins (change them with actionPins in .projenrc.ts, or upgrade shipshape)"',
  '  echo ""',
  '  echo "| action | pinned | latest release |"',
  '  echo "|---|---|---|"',
  '  while read -r repo pinned; do',
  '    [ -n "$repo" ] || continue',
  '    latest="$(gh api "repos/$repo/releases/latest" --jq .tag_name 2>/dev/null || echo "unknown")"',
  '    mark=""',
  '    if [ "$latest" != "$pinned" ] && [ "$latest" != "unknown" ]; then mark=" (newer)"; fi',
  '    echo "| $repo | $pinned | $latest$mark |"',
  '  done <<<"$ACTIONS"',
  '  echo ""',
  '  echo "### Base images (pin digests with BaseImages.defaults().pin(...) in .projenrc.ts)"',
  '  echo ""',
  '  echo "| image | pinned digest | current digest of the tag |"',
  '  echo "|---|---|---|"',
  '  while read -r ref pinned; do',
  '    [ -n "$ref" ] || continue',
  '    current="$(docker buildx imagetools inspect "$ref" --format "{{json .Manifest}}" 2>/dev/null | jq -r .digest || echo "unknown")"',
  '    mark=""',
  '    if [ "$pinned" != "none" ] && [ "$current" != "$pinned" ] && [ "$current" != "unknown" ]; then mark=" (changed)"; fi',
  '    echo "| $ref | $pinned | $current$mark |"',
  '  done <<<"$IMAGES"',
  '} >> "$GITHUB_STEP_SUMMARY"',
].join('\n');

/** The workflow: one read-only job, its table in the job summary. */
export function updatesWorkflow(
  name: string, schedule: string, runsOn: string, pins: Readonly<Record<string, ActionPin>>, used: readonly string[], images: readonly ImageModel[],
): WorkflowModel {
  const actions = [...new Set(used)].sort().filter((r) => pins[r]).map((r) => `${r} ${pins[r].version}`);
  const bases = new Map<string, string>();
  for (const image of images) {
    for (const stage of image.dockerfile.stages) {
      if ('image' in stage.from) bases.set(`${stage.from.image}:${stage.from.tag}`, stage.from.digest ?? 'none');
    }
  }
  const job: JobModel = {
    id: 'updates',
    name: 'updates',
    needs: [],
    runsOn,
    permissions: { contents: 'read' },
    timeoutMinutes: 10,
    expectedMinutes: 1,
    steps: [{
      name: 'Report newer action releases and base image digests',
      env: {
        GH_TOKEN: '${{ github.token }}',
        ACTIONS: actions.join('\n'),
        IMAGES: [...bases].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ref, digest]) => `${ref} ${digest}`).join('\n'),
      },
      run: UPDATES_SCRIPT,
    }],
  };
  return {
    name: `${name} updates`,
    on: { schedule: [{ cron: schedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: '${{ github.workflow }}', cancelInProgress: true },
    jobs: [job],
  };
}
