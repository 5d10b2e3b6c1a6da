/**
 * The shell scripts of the deploy and drift jobs. Every value they need comes in
 * through `env:` (never `${{ }}` inside the script), and each passes shellcheck.
 */
import { IMAGE_TAG_PARAMETER, MIGRATION_IMAGE_TAG_PARAMETER, MIGRATION_LOG_STREAM_PREFIX, STACK_OUTPUTS } from '../core/naming';
import type { StrategyModel } from '../environment/model';

const lines = (...l: string[]) => l.join('\n');

/** Seconds between two polls of a wait loop (the wait, the rollback's wait for the stack to settle). */
export const POLL_SECONDS = 15;
/**
 * The stack update itself, before any traffic moves: the change set, new resources (a database on the first
 * deploy takes 10 to 20 minutes), the new tasks starting and passing their health checks.
 */
const STACK_UPDATE_SECONDS = 25 * 60;
/** After `cloudformation deploy` returned, the wait for the ECS deployment's final state. */
const WAIT_SECONDS = 10 * 60;
/** The rollback step's room beyond one stack update: reading the last good version, a cancelled update settling. */
const ROLLBACK_MARGIN_SECONDS = 10 * 60;
/**
 * A migration task, from `aws ecs run-task` to its stop: Fargate capacity, the image pull, the secrets, the
 * migration itself. A migration that needs longer should be split (expand, then contract, across releases).
 */
export const MIGRATION_SECONDS = 30 * 60;

/**
 * Seconds an ECS deployment of this strategy spends moving traffic and baking (0 for rolling): blue/green bakes
 * once; canary bakes after its first shift (`stepBakeTime`) and again after the last (`bakeTime`); linear waits
 * its interval after each step, then bakes.
 */
export function trafficSeconds(strategy: StrategyModel): number {
  switch (strategy.kind) {
    case 'rolling': return 0;
    case 'blue-green': return strategy.bakeSeconds;
    case 'canary': return 2 * strategy.bakeSeconds;
    case 'linear': return Math.ceil(100 / strategy.stepPercent) * strategy.stepIntervalSeconds + strategy.bakeSeconds;
  }
}

/**
 * The in-script bounds of one stack's deploy, in seconds. Each gives up on its own, inside its step's
 * `timeout-minutes`, so that a hung deployment fails a step instead of reaching the job's timeout (GitHub runs
 * no `if: failure()` step of a job it cancels for time).
 * - `deploySeconds`: `aws cloudformation deploy` runs under `timeout`. CloudFormation waits for the ECS
 *   deployment to finish, traffic shifts and bakes included (AWS documents that long canary bakes approach its
 *   36-hour limit), so this is the stack update plus the strategy's traffic time.
 * - `waitSeconds`: the strategy's own wait, after CloudFormation returned: it reads the deployment's final state
 *   and covers one still finishing.
 * - `rollbackSeconds`: the whole rollback step, one deadline: waiting for a stack still updating to settle
 *   (after `cancel-update-stack`, CloudFormation's own rollback runs the strategy again) and redeploying the
 *   last good version with what is left. When the first took most of it, the redeploy is usually an empty
 *   change set (the cancelled update went back to the version before it); when there is no time left the step
 *   fails and says so, within its timeout.
 */
export interface DeployBounds {
  readonly deploySeconds: number;
  readonly waitSeconds: number;
  readonly rollbackSeconds: number;
}

export function deployBounds(strategy: StrategyModel): DeployBounds {
  const deploySeconds = STACK_UPDATE_SECONDS + trafficSeconds(strategy);
  return { deploySeconds, waitSeconds: WAIT_SECONDS, rollbackSeconds: deploySeconds + ROLLBACK_MARGIN_SECONDS };
}

/**
 * The one deploy command of deploy and rollback, bounded by `timeout <bound>` (exit 124 when it gives up; CloudFormation may then still be updating, which the rollback handles). The template goes through the
 * account's template bucket (`--s3-bucket`, `--s3-prefix uploads/<stack>`; inline templates stop at 51,200 bytes)
 * and CloudFormation acts as the environment's execution role (`--role-arn`), the only role the deploy role may
 * pass. The environment stacks create unnamed IAM roles only, so `CAPABILITY_IAM` is enough. An unchanged
 * template and tag is not an error (`--no-fail-on-empty-changeset`). With `stderr`, the CLI's errors go to that file
 * for the caller to read.
 */
const CFN_DEPLOY = (template: string, tag: string | undefined, bound: string, migrationTag?: string, stderr?: string) => [
  `timeout "${bound}" aws cloudformation deploy \\`,
  '  --stack-name "$STACK" \\',
  `  --template-file "${template}" \\`,
  '  --s3-bucket "$TEMPLATE_BUCKET" \\',
  '  --s3-prefix "$TEMPLATE_PREFIX" \\',
  '  --role-arn "$EXECUTION_ROLE_ARN" \\',
  '  --capabilities CAPABILITY_IAM \\',
  ...(tag === undefined ? [] : [`  --parameter-overrides "${IMAGE_TAG_PARAMETER}=${tag}"${migrationTag === undefined ? '' : ` "${MIGRATION_IMAGE_TAG_PARAMETER}=${migrationTag}"`} \\`]),
  `  --no-fail-on-empty-changeset${stderr === undefined ? '' : ` 2>"${stderr}"`} || code=$?`,
].join('\n');

/** The seconds an environment stack's deploy may take (its first creation makes a VPC, NAT gateways and a load balancer). */
export const ENVIRONMENT_DEPLOY_SECONDS = STACK_UPDATE_SECONDS;

/** `stack_status`: the stack's status, `NONE` when it does not exist; any other error fails. */
const STACK_STATUS = lines(
  'stack_status() {',
  '  if aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].StackStatus" --output text 2>"$errors"; then return 0; fi',
  '  if grep -q "does not exist" "$errors"; then echo NONE; return 0; fi',
  '  cat "$errors" >&2',
  '  return 1',
  '}',
);

/**
 * Deploy the environment stack (shared infrastructure: no image, no parameters from the pipeline). With several
 * workloads, each workload's deploy job runs this first, in parallel, and later runs' jobs may overtake earlier
 * ones (their concurrency groups are per workload), so the script:
 * 1. never takes the stack back to an older commit: the commit of its last deploy is kept as the metadata of its
 *    last good template (`LAST_GOOD_TEMPLATE_KEY`), and GitHub's compare API says whether this run's commit is
 *    behind it (then the stack is left as it is);
 * 2. waits while another job updates the stack, and retries a deploy that CloudFormation refused because an update
 *    started meanwhile: the second job then finds no changes;
 * 3. records this commit once the stack is deployed.
 * CloudFormation rolls a failed update back on its own; the job then stops before its workload deploys.
 * One deadline, `DEPLOY_SECONDS`, bounds the waits and the deploy.
 */
export const ENVIRONMENT_DEPLOY_SCRIPT = lines(
  'echo "Deploying $STACK from $TEMPLATE, for at most $DEPLOY_SECONDS seconds"',
  'errors="$(mktemp)"',
  'deadline=$(( $(date +%s) + DEPLOY_SECONDS ))',
  STACK_STATUS,
  'last=""',
  'if last="$(aws s3api head-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY" --query Metadata.commit --output text 2>"$errors")"; then',
  '  :',
  'elif grep -q -e "(404)" -e "Not Found" "$errors"; then',
  '  last=""',
  'else',
  '  cat "$errors" >&2',
  '  exit 1',
  'fi',
  'if [ -n "$last" ] && [ "$last" != None ] && [ "$last" != "$COMMIT" ]; then',
  '  relation="$(gh api "repos/$REPOSITORY/compare/$last...$COMMIT" --jq .status)"',
  '  if [ "$relation" = behind ]; then',
  '    echo "::notice::$STACK was last deployed from $last, a later commit than $COMMIT: it is left as it is"',
  '    exit 0',
  '  fi',
  'fi',
  'while :; do',
  '  status="$(stack_status)"',
  '  if [[ "$status" == *_IN_PROGRESS && "$status" != REVIEW_IN_PROGRESS ]]; then',
  '    if [ "$(date +%s)" -ge "$deadline" ]; then',
  '      echo "::error::$STACK stayed $status (another deploy) until the deadline of $DEPLOY_SECONDS seconds"',
  '      exit 1',
  '    fi',
  '    echo "$STACK is $status (another job is deploying it): waiting"',
  `    sleep ${POLL_SECONDS}`,
  '    continue',
  '  fi',
  '  left=$(( deadline - $(date +%s) ))',
  '  if [ "$left" -le 0 ]; then',
  '    echo "::error::no time left to deploy $STACK within $DEPLOY_SECONDS seconds"',
  '    exit 1',
  '  fi',
  '  code=0',
  CFN_DEPLOY('$TEMPLATE', undefined, '$left', undefined, '$errors').split('\n').map((l) => `  ${l}`).join('\n'),
  '  cat "$errors" >&2',
  '  if [ "$code" -eq 0 ]; then break; fi',
  '  if [ "$code" -ne 124 ] && grep -q -e "_IN_PROGRESS state" -e AlreadyExistsException "$errors"; then',
  '    echo "$STACK started changing under another job: trying again"',
  `    sleep ${POLL_SECONDS}`,
  '    continue',
  '  fi',
  '  if [ "$code" -eq 124 ]; then',
  '    echo "::error::aws cloudformation deploy of $STACK did not finish within $DEPLOY_SECONDS seconds; CloudFormation may still be updating the stack"',
  '  fi',
  '  exit "$code"',
  'done',
  'aws s3api put-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY" --body "$TEMPLATE" --content-type application/json --metadata "commit=$COMMIT" --query ETag --output text',
  'echo "Recorded $COMMIT as the commit $STACK was last deployed from"',
);

/**
 * Deploy the stack with the new image tag (parameter `ImageTag`). When the deploy gives up after
 * `DEPLOY_SECONDS`, the step fails with outcome `TIMED_OUT` and the rollback step takes over.
 */
export const DEPLOY_SCRIPT = lines(
  'echo "Deploying $STACK from $TEMPLATE with image tag $IMAGE_TAG, for at most $DEPLOY_SECONDS seconds"',
  'code=0',
  CFN_DEPLOY('$TEMPLATE', '$IMAGE_TAG', '$DEPLOY_SECONDS'),
  'if [ "$code" -eq 124 ]; then',
  '  echo "outcome=TIMED_OUT" >> "$GITHUB_OUTPUT"',
  '  echo "::error::aws cloudformation deploy of $STACK did not finish in $DEPLOY_SECONDS seconds; CloudFormation may still be updating the stack: the rollback step cancels the update"',
  'fi',
  'exit "$code"',
);

const READ_SERVICE = lines(
  `cluster="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='${STACK_OUTPUTS.clusterName}'].OutputValue" --output text)"`,
  `service="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='${STACK_OUTPUTS.serviceName}'].OutputValue" --output text)"`,
);

/** A one-line description of the strategy, for step names and the summary. */
export function describeStrategy(strategy: StrategyModel): string {
  const m = (s: number) => `${Math.round(s / 60)}m`;
  switch (strategy.kind) {
    case 'rolling': return 'rolling';
    case 'blue-green': return `blue-green, bake ${m(strategy.bakeSeconds)}`;
    case 'canary': return `canary ${strategy.percent}%, bake ${m(strategy.bakeSeconds)}`;
    case 'linear': return `linear ${strategy.stepPercent}% every ${m(strategy.stepIntervalSeconds)}, bake ${m(strategy.bakeSeconds)}`;
  }
}

/**
 * Poll `probe` (which sets `status`) every POLL_SECONDS until it matches `done` (success) or `failed`, or
 * `WAIT_SECONDS` have passed (outcome `TIMED_OUT`). The clock is `date +%s`.
 */
function pollUntil(what: string, probe: string, done: string, failed: string): string {
  return lines(
    'deadline=$(( $(date +%s) + WAIT_SECONDS ))',
    'while true; do',
    `  ${probe}`,
    '  echo "$(date -u +%H:%M:%S) $status"',
    '  case "$status" in',
    `    ${done}) break ;;`,
    `    ${failed})`,
    '      echo "outcome=$status" >> "$GITHUB_OUTPUT"',
    `      echo "::error::The ${what} of $service ended in $status"`,
    '      exit 1 ;;',
    '  esac',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    '    echo "outcome=TIMED_OUT" >> "$GITHUB_OUTPUT"',
    `    echo "::error::The ${what} of $service did not finish in $WAIT_SECONDS seconds (last status $status)"`,
    '    exit 1',
    '  fi',
    `  sleep ${POLL_SECONDS}`,
    'done',
    'echo "outcome=$status" >> "$GITHUB_OUTPUT"',
  );
}

/**
 * Wait for the ECS deployment the stack update started and report its outcome, for at most `WAIT_SECONDS`.
 * Rolling: the primary deployment's rollout state (COMPLETED, or FAILED when the circuit breaker or an alarm
 * stopped it). Blue/green, canary and linear: the service deployment's status, through the traffic shifts and
 * the bake. No AWS CLI waiter is used: their fixed polling (`ecs wait services-stable` gives up after 10 minutes)
 * ignores the job's time budget.
 */
export function waitScript(strategy: StrategyModel): string {
  if (strategy.kind === 'rolling') {
    return lines(
      READ_SERVICE,
      'echo "Waiting for the rolling deployment of $service in $cluster, for at most $WAIT_SECONDS seconds"',
      pollUntil(
        'rolling deployment',
        'status="$(aws ecs describe-services --cluster "$cluster" --services "$service" --query "services[0].deployments[?status==\'PRIMARY\'].rolloutState | [0]" --output text)"',
        'COMPLETED',
        'FAILED',
      ),
    );
  }
  return lines(
    READ_SERVICE,
    'arn="$(aws ecs list-service-deployments --cluster "$cluster" --service "$service" --query "sort_by(serviceDeployments, &createdAt)[-1].serviceDeploymentArn" --output text)"',
    'echo "Waiting for $arn ($STRATEGY), for at most $WAIT_SECONDS seconds"',
    pollUntil(
      '$STRATEGY deployment',
      'status="$(aws ecs describe-service-deployments --service-deployment-arns "$arn" --query "serviceDeployments[0].status" --output text)"',
      'SUCCESSFUL',
      'STOPPED|ROLLBACK_*',
    ),
  );
}

/**
 * Smoke test: the health path answers 2xx, retrying while the new tasks take traffic. curl bounds itself:
 * at most 11 attempts of 10 s with 6 s between them (under 3 minutes).
 */
export const SMOKE_SCRIPT = lines(
  'url="${BASE_URL%/}${HEALTH_PATH}"',
  'echo "GET $url"',
  'curl --fail --silent --show-error --location --retry 10 --retry-delay 6 --retry-all-errors --max-time 10 --output /dev/null "$url"',
  'echo "Healthy: $url"',
);

/**
 * After a successful verify: remember the template and the tag that passed together, for rollback. The template
 * goes to the template bucket at `last-good/<stack>.template.json` (outside `uploads/`, so it never expires) with
 * the tag in its metadata (`image-tag`), in one write; then the tag goes to the SSM parameter.
 */
export const RECORD_SCRIPT = lines(
  'aws s3api put-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY" --body "$TEMPLATE" --content-type application/json --metadata "image-tag=$IMAGE_TAG" --query ETag --output text',
  'aws ssm put-parameter --name "$PARAMETER" --value "$IMAGE_TAG" --type String --overwrite',
  'echo "Recorded $IMAGE_TAG and $TEMPLATE as the last good version of $STACK (s3://$TEMPLATE_BUCKET/$LAST_GOOD_TEMPLATE_KEY, $PARAMETER)"',
);

/**
 * Put the stack back to the last version that passed verification: its template and image tag together.
 * 1. Let the stack settle: a deploy that gave up may have left CloudFormation updating; the update is cancelled
 *    (`cancel-update-stack`, CloudFormation rolls it back) and the step waits for any `*_IN_PROGRESS` status
 *    to end. The whole step has one deadline, `ROLLBACK_SECONDS` (see `deployBounds`). A stack left in a `*_FAILED` status fails the step with what to do.
 * 2. The last good tag, from SSM. Before the first verified deploy there is none: the step says so in the job
 *    summary and ends without redeploying (outcome `nothing-to-roll-back`); a first creation that failed
 *    (`ROLLBACK_COMPLETE`, which cannot be updated) is deleted so that the next deploy creates it afresh.
 * 3. The last good template, from the template bucket, recorded with its tag. A project upgraded from before
 *    templates were recorded has none: the step falls back to the current template and says so.
 * 4. `aws cloudformation deploy` of that template and tag, under `timeout` with the time left.
 * Any other error (access denied, throttling) fails the step; the failed step before it still fails the job.
 */
export const ROLLBACK_SCRIPT = lines(
  'errors="$(mktemp)"',
  STACK_STATUS,
  'deadline=$(( $(date +%s) + ROLLBACK_SECONDS ))',
  'cancelled=no',
  'while true; do',
  '  status="$(stack_status)"',
  '  case "$status" in',
  '    REVIEW_IN_PROGRESS) break ;;',
  '    UPDATE_IN_PROGRESS)',
  '      if [ "$cancelled" = no ]; then',
  '        echo "$STACK is still updating: cancelling the update (CloudFormation rolls it back)"',
  '        aws cloudformation cancel-update-stack --stack-name "$STACK" || echo "::warning::Could not cancel the update of $STACK: waiting for it to end"',
  '        cancelled=yes',
  '      fi ;;',
  '    *_IN_PROGRESS) ;;',
  '    *) break ;;',
  '  esac',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then',
  '    echo "outcome=stack-busy" >> "$GITHUB_OUTPUT"',
  '    echo "### Rollback of $STACK: the stack was still $status after $ROLLBACK_SECONDS seconds; roll back by hand once it settles (docs/playbooks/rollback.md)" >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::error::$STACK is still $status after $ROLLBACK_SECONDS seconds: roll back by hand once it settles"',
  '    exit 1',
  '  fi',
  '  echo "$(date -u +%H:%M:%S) $STACK is $status"',
  `  sleep ${POLL_SECONDS}`,
  'done',
  'echo "$STACK is $status"',
  'case "$status" in',
  '  *_FAILED)',
  '    echo "outcome=stack-failed" >> "$GITHUB_OUTPUT"',
  '    echo "### Rollback of $STACK: the stack is $status and cannot be updated; see docs/playbooks/rollback.md" >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::error::$STACK is $status: it cannot be redeployed until CloudFormation finishes its rollback (aws cloudformation continue-update-rollback) or the stack is repaired"',
  '    exit 1 ;;',
  'esac',
  'if ! last_good="$(aws ssm get-parameter --name "$PARAMETER" --query Parameter.Value --output text 2>"$errors")"; then',
  '  if grep -q ParameterNotFound "$errors"; then',
  '    echo "outcome=nothing-to-roll-back" >> "$GITHUB_OUTPUT"',
  '    {',
  '      echo "### Rollback of $STACK: nothing to roll back to"',
  '      echo ""',
  '      echo "No image tag has passed verification in this environment yet ($PARAMETER does not exist), so there is no earlier version to redeploy. The stack is $status."',
  '    } >> "$GITHUB_STEP_SUMMARY"',
  '    if [ "$status" = ROLLBACK_COMPLETE ]; then',
  '      aws cloudformation delete-stack --stack-name "$STACK" --role-arn "$EXECUTION_ROLE_ARN"',
  '      {',
  '        echo "Its first creation failed and CloudFormation removed what it had created (resources with a Retain policy were kept)."',
  '        echo "The empty stack (ROLLBACK_COMPLETE cannot be updated) is being deleted so that the next deploy creates it afresh."',
  '      } >> "$GITHUB_STEP_SUMMARY"',
  '    fi',
  '    echo "::warning::No last good image tag at $PARAMETER (first deploy?): nothing to roll back to"',
  '    exit 0',
  '  fi',
  '  cat "$errors" >&2',
  '  echo "::error::Could not read the last good image tag at $PARAMETER"',
  '  exit 1',
  'fi',
  'template_file="${RUNNER_TEMP:-/tmp}/$STACK.last-good.template.json"',
  'if recorded="$(aws s3api get-object --bucket "$TEMPLATE_BUCKET" --key "$LAST_GOOD_TEMPLATE_KEY" --query \'Metadata."image-tag"\' --output text "$template_file" 2>"$errors")"; then',
  '  if [ "$recorded" != "$last_good" ] && [ "$recorded" != None ]; then',
  '    echo "::warning::The last good template was recorded with image tag $recorded but $PARAMETER holds $last_good: rolling back to $recorded, which passed verification with that template"',
  '    last_good="$recorded"',
  '  fi',
  '  from="the last good template (s3://$TEMPLATE_BUCKET/$LAST_GOOD_TEMPLATE_KEY)"',
  'elif grep -q NoSuchKey "$errors"; then',
  '  template_file="$TEMPLATE"',
  '  from="the current template ($TEMPLATE): no last good template was recorded"',
  '  {',
  '    echo "### Rollback of $STACK: no last good template"',
  '    echo ""',
  '    echo "s3://$TEMPLATE_BUCKET/$LAST_GOOD_TEMPLATE_KEY does not exist (it is recorded after every verified deploy from this version of shipshape on),"',
  '    echo "so the rollback redeploys image tag $last_good with the current template, $TEMPLATE."',
  '    echo "If the template changed since $last_good, redeploy that commit\'s template by hand (git show $last_good:$TEMPLATE)."',
  '  } >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::warning::No last good template at s3://$TEMPLATE_BUCKET/$LAST_GOOD_TEMPLATE_KEY: rolling back with the current template"',
  'else',
  '  cat "$errors" >&2',
  '  echo "::error::Could not read the last good template at s3://$TEMPLATE_BUCKET/$LAST_GOOD_TEMPLATE_KEY"',
  '  exit 1',
  'fi',
  'remaining=$(( deadline - $(date +%s) ))',
  'if [ "$remaining" -le 0 ]; then',
  '  echo "outcome=rollback-failed" >> "$GITHUB_OUTPUT"',
  '  echo "### Rollback of $STACK: no time left to redeploy $last_good; roll back by hand (docs/playbooks/rollback.md)" >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::error::No time left (ROLLBACK_SECONDS=$ROLLBACK_SECONDS) to redeploy $STACK at $last_good"',
  '  exit 1',
  'fi',
  'echo "Rolling $STACK back to image tag $last_good with $from, for at most $remaining seconds"',
  'code=0',
  CFN_DEPLOY('$template_file', '$last_good', '$remaining'),
  'if [ "$code" -ne 0 ]; then',
  '  echo "outcome=rollback-failed" >> "$GITHUB_OUTPUT"',
  '  echo "### Rollback of $STACK to $last_good failed (exit $code); see docs/playbooks/rollback.md" >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::error::The rollback of $STACK to image tag $last_good failed (exit $code; 124: it did not finish in $remaining seconds)"',
  '  exit 1',
  'fi',
  'echo "outcome=rolled-back-to-$last_good" >> "$GITHUB_OUTPUT"',
  'echo "Rolled $STACK back to image tag $last_good with $from." >> "$GITHUB_STEP_SUMMARY"',
  'echo "::warning::$STACK was rolled back to image tag $last_good"',
);

/**
 * Publish: is this image tag already in the registry? ECR tags are immutable and the tag is the commit SHA, so a
 * re-run (or `workflow_dispatch` on the same commit) would rebuild and have its push rejected. `exists=true`
 * skips the build and push; only ImageNotFoundException means "not there yet"; any other error fails.
 */
export const IMAGE_EXISTS_SCRIPT = lines(
  'errors="$(mktemp)"',
  'if aws ecr describe-images --registry-id "$REGISTRY_ID" --repository-name "$REPOSITORY" --image-ids "imageTag=$IMAGE_TAG" --query "imageDetails[0].imageDigest" --output text 2>"$errors"; then',
  '  echo "exists=true" >> "$GITHUB_OUTPUT"',
  '  echo "- $REPOSITORY:$IMAGE_TAG is already in the registry: not built or pushed again" >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::notice::$REPOSITORY:$IMAGE_TAG is already in the registry (tags are immutable): not built or pushed again"',
  'elif grep -q ImageNotFoundException "$errors"; then',
  '  echo "exists=false" >> "$GITHUB_OUTPUT"',
  '  echo "$REPOSITORY:$IMAGE_TAG is not in the registry yet: building and pushing it"',
  'else',
  '  cat "$errors" >&2',
  '  echo "::error::Could not check whether $REPOSITORY:$IMAGE_TAG is in the registry"',
  '  exit 1',
  'fi',
);

/** Detect drift of one stack, wait for the detection, list the drifted resources and fail loudly. */
export const DRIFT_SCRIPT = lines(
  'detection="$(aws cloudformation detect-stack-drift --stack-name "$STACK" --query StackDriftDetectionId --output text)"',
  'while true; do',
  '  status="$(aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id "$detection" --query DetectionStatus --output text)"',
  '  [ "$status" != "DETECTION_IN_PROGRESS" ] && break',
  '  sleep 10',
  'done',
  'drift="$(aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id "$detection" --query StackDriftStatus --output text)"',
  'echo "$STACK: detection $status, stack $drift"',
  'if [ "$status" != "DETECTION_COMPLETE" ] || [ "$drift" != "IN_SYNC" ]; then',
  '  resources="$(aws cloudformation describe-stack-resource-drifts --stack-name "$STACK" --stack-resource-drift-status-filters MODIFIED DELETED \\',
  '    --query "StackResourceDrifts[].[LogicalResourceId, ResourceType, StackResourceDriftStatus]" --output text)"',
  '  {',
  '    echo "### Drift in $STACK ($ENVIRONMENT): $drift"',
  '    echo ""',
  '    echo "| resource | type | drift |"',
  '    echo "|---|---|---|"',
  '    echo "$resources" | awk -F \'\\t\' \'NF { printf "| %s | %s | %s |\\n", $1, $2, $3 }\'',
  '  } >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::error::$STACK in $ENVIRONMENT has drifted ($drift, detection $status): see the job summary"',
  '  exit 1',
  'fi',
  'echo "### $STACK ($ENVIRONMENT): in sync" >> "$GITHUB_STEP_SUMMARY"',
);

/**
 * The first change set of a service with `migrate`: the new template with `MigrationImageTag` at the new tag and
 * `ImageTag` at the tag the service runs now (read from the stack), so the migration task definition gets the new
 * image, variables, secrets and database while the service keeps its image. On a first deploy (no stack yet, or
 * one that never got a template: `REVIEW_IN_PROGRESS`) there is no running tag and no earlier version taking
 * traffic: the stack is created with the new tag for both (the migration needs the database the stack creates),
 * and the migration runs right after, before verify. Output `first` says which. Bounded like the deploy.
 */
export const PREPARE_MIGRATION_SCRIPT = lines(
  'errors="$(mktemp)"',
  STACK_STATUS,
  'status="$(stack_status)"',
  'case "$status" in',
  '  NONE|REVIEW_IN_PROGRESS)',
  '    running="$IMAGE_TAG"',
  '    echo "first=true" >> "$GITHUB_OUTPUT"',
  '    echo "::notice::$STACK does not exist yet: it is created with image tag $IMAGE_TAG (the migration needs the database the stack creates), and the migration runs before verify; no earlier version takes traffic"',
  '    ;;',
  '  *)',
  `    running="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Parameters[?ParameterKey=='${IMAGE_TAG_PARAMETER}'].ParameterValue | [0]" --output text)"`,
  '    if [ -z "$running" ] || [ "$running" = None ]; then',
  `      echo "::error::$STACK ($status) has no ${IMAGE_TAG_PARAMETER} parameter: cannot keep the running image while the migration runs"`,
  '      exit 1',
  '    fi',
  '    echo "first=false" >> "$GITHUB_OUTPUT"',
  '    echo "Updating $STACK for the migration: its task definition gets image tag $IMAGE_TAG, the service keeps $running"',
  '    ;;',
  'esac',
  'code=0',
  CFN_DEPLOY('$TEMPLATE', '$running', '$DEPLOY_SECONDS', '$IMAGE_TAG'),
  'if [ "$code" -eq 124 ]; then',
  '  echo "outcome=TIMED_OUT" >> "$GITHUB_OUTPUT"',
  '  echo "::error::aws cloudformation deploy of $STACK (for the migration) did not finish in $DEPLOY_SECONDS seconds; CloudFormation may still be updating the stack: the rollback step cancels the update"',
  'fi',
  'exit "$code"',
);

const stackOutput = (variable: string, key: string) =>
  `${variable}="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)"`;

/**
 * Run the migration task and fail the step unless its container exited 0. The task definition and security group
 * come from the stack's outputs, the subnets from the service's network configuration (the environment stack's); `aws ecs run-task` (Fargate, awsvpc, no public IP) starts it;
 * `aws ecs describe-tasks` polls its `lastStatus` every POLL_SECONDS until `STOPPED`, for at most
 * `MIGRATE_SECONDS` (no `aws ecs wait tasks-stopped`: it gives up after 10 minutes and says little), then reads the
 * container's exit code, the task's stop code and reason. The job summary gets the CloudWatch Logs console link of
 * the task's log stream (`migrate/<container>/<task id>`) as soon as the task exists, then the exit code.
 * Outcomes: `succeeded`; `not-started` (ECS refused the task: run-task `failures`); `no-exit-code` (stopped
 * without one, such as `TaskFailedToStart` when the image or a secret cannot be fetched); `exit-<n>`;
 * `TIMED_OUT` (the task is stopped). Every outcome but `succeeded` fails the step, before the deploy step, so no
 * traffic moves.
 */
export const MIGRATE_SCRIPT = lines(
  stackOutput('cluster', STACK_OUTPUTS.clusterName),
  stackOutput('task_definition', STACK_OUTPUTS.migrationTaskDefinition),
  stackOutput('service', STACK_OUTPUTS.serviceName),
  // The service's own subnets (private, from the environment stack): the task runs where the service runs.
  'subnets="$(aws ecs describe-services --cluster "$cluster" --services "$service" --query "services[0].networkConfiguration.awsvpcConfiguration.subnets" --output text | tr \'\\t\' \',\')"',
  stackOutput('security_group', STACK_OUTPUTS.migrationSecurityGroup),
  stackOutput('log_group', STACK_OUTPUTS.logGroupName),
  'echo "Running the migration of $CONTAINER ($task_definition) in $cluster, for at most $MIGRATE_SECONDS seconds"',
  'started="$(aws ecs run-task --cluster "$cluster" --task-definition "$task_definition" --launch-type FARGATE \\',
  '  --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$security_group],assignPublicIp=DISABLED}" \\',
  '  --started-by shipshape-deploy --query "[tasks[0].taskArn, failures[0].reason]" --output text)"',
  'task="$(printf \'%s\\n\' "$started" | cut -f1)"',
  'if [ -z "$task" ] || [ "$task" = None ]; then',
  '  echo "outcome=not-started" >> "$GITHUB_OUTPUT"',
  '  echo "### Migration of $CONTAINER ($STACK): not started: $(printf \'%s\\n\' "$started" | cut -f2)" >> "$GITHUB_STEP_SUMMARY"',
  '  echo "::error::ECS did not start the migration task of $CONTAINER: $started"',
  '  exit 1',
  'fi',
  'task_id="${task##*/}"',
  `stream="${MIGRATION_LOG_STREAM_PREFIX}/$CONTAINER/$task_id"`,
  // The console's fragment escapes '/' in the log group and stream names as $252F.
  'link="https://$REGION.console.aws.amazon.com/cloudwatch/home?region=$REGION#logsV2:log-groups/log-group/${log_group//\\//\\$252F}/log-events/${stream//\\//\\$252F}"',
  '{',
  '  echo "### Migration of $CONTAINER ($STACK)"',
  '  echo ""',
  '  echo "Task \\`$task_id\\` with image tag $IMAGE_TAG: [logs ($log_group, $stream)]($link)"',
  '} >> "$GITHUB_STEP_SUMMARY"',
  'deadline=$(( $(date +%s) + MIGRATE_SECONDS ))',
  'while true; do',
  '  status="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query "tasks[0].lastStatus" --output text)"',
  '  echo "$(date -u +%H:%M:%S) $status"',
  '  [ "$status" = STOPPED ] && break',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then',
  '    aws ecs stop-task --cluster "$cluster" --task "$task" --reason "The migration did not finish in $MIGRATE_SECONDS seconds" --query task.lastStatus --output text \\',
  '      || echo "::warning::Could not stop the migration task $task"',
  '    echo "outcome=TIMED_OUT" >> "$GITHUB_OUTPUT"',
  '    echo "Timed out after $MIGRATE_SECONDS seconds (last status $status): the task was stopped; the deploy stopped before any traffic moved." >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::error::The migration of $CONTAINER did not finish in $MIGRATE_SECONDS seconds (last status $status): the task was stopped"',
  '    exit 1',
  '  fi',
  `  sleep ${POLL_SECONDS}`,
  'done',
  'result="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query "[tasks[0].containers[?name==\'$CONTAINER\'].exitCode | [0], tasks[0].stopCode, tasks[0].stoppedReason]" --output text)"',
  'exit_code="$(printf \'%s\\n\' "$result" | cut -f1)"',
  'stop_code="$(printf \'%s\\n\' "$result" | cut -f2)"',
  'reason="$(printf \'%s\\n\' "$result" | cut -f3)"',
  'echo "Exit code $exit_code, stop code $stop_code: $reason"',
  'case "$exit_code" in',
  '  0)',
  '    echo "outcome=succeeded" >> "$GITHUB_OUTPUT"',
  '    echo "Exit code 0: the migration succeeded." >> "$GITHUB_STEP_SUMMARY"',
  '    ;;',
  "  ''|None|null)",
  '    echo "outcome=no-exit-code" >> "$GITHUB_OUTPUT"',
  '    echo "**No exit code** ($stop_code: $reason): the migration did not run to its end; the deploy stopped before any traffic moved." >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::error::The migration task of $CONTAINER stopped without an exit code ($stop_code: $reason)"',
  '    exit 1 ;;',
  '  *)',
  '    echo "outcome=exit-$exit_code" >> "$GITHUB_OUTPUT"',
  '    echo "**Exit code $exit_code** ($reason): the migration failed; the deploy stopped before any traffic moved." >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::error::The migration of $CONTAINER exited with $exit_code: see its logs, linked in the job summary"',
  '    exit 1 ;;',
  'esac',
);
