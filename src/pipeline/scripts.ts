/**
 * The shell scripts of the deploy and drift jobs. Every value they need comes in
 * through `env:` (never `${{ }}` inside the script), and each passes shellcheck.
 */
import { IMAGE_TAG_PARAMETER, STACK_OUTPUTS } from '../core/naming';
import type { StrategyModel } from '../environment/strategy';

const lines = (...l: string[]) => l.join('\n');

/**
 * The one deploy command of deploy and rollback: the template goes through the account's template bucket
 * (`--s3-bucket`, `--s3-prefix <stack>`; inline templates stop at 51,200 bytes) and CloudFormation acts as the
 * environment's execution role (`--role-arn`), the only role the deploy role may pass. The environment stacks
 * create unnamed IAM roles only, so `CAPABILITY_IAM` is enough.
 */
const CFN_DEPLOY = (tag: string) => [
  'aws cloudformation deploy \\',
  '  --stack-name "$STACK" \\',
  '  --template-file "$TEMPLATE" \\',
  '  --s3-bucket "$TEMPLATE_BUCKET" \\',
  '  --s3-prefix "$TEMPLATE_PREFIX" \\',
  '  --role-arn "$EXECUTION_ROLE_ARN" \\',
  '  --capabilities CAPABILITY_IAM \\',
  `  --parameter-overrides "${IMAGE_TAG_PARAMETER}=${tag}" \\`,
  '  --no-fail-on-empty-changeset',
].join('\n');

/** Deploy the stack with the new image tag (parameter `ImageTag`). */
export const DEPLOY_SCRIPT = lines(
  'echo "Deploying $STACK from $TEMPLATE with image tag $IMAGE_TAG"',
  CFN_DEPLOY('$IMAGE_TAG'),
);

const READ_SERVICE = lines(
  `cluster="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='${STACK_OUTPUTS.clusterName}'].OutputValue" --output text)"`,
  `service="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey=='${STACK_OUTPUTS.serviceName}'].OutputValue" --output text)"`,
);

/** Seconds to wait for an ECS deployment: the traffic shifts and the bake, plus room for the tasks to start. */
export function strategyWaitSeconds(strategy: StrategyModel): number {
  const margin = 15 * 60;
  switch (strategy.kind) {
    case 'rolling': return margin;
    case 'blue-green':
    case 'canary': return strategy.bakeSeconds + margin;
    case 'linear': return Math.ceil(100 / strategy.stepPercent) * strategy.stepIntervalSeconds + strategy.bakeSeconds + margin;
  }
}

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
 * Wait for the ECS deployment the stack update started and report its outcome.
 * Rolling: `aws ecs wait services-stable`, then the primary deployment's rollout state.
 * Blue/green, canary and linear: poll the service deployment until it succeeds or stops,
 * through the traffic shifts and the bake (`WAIT_SECONDS`).
 */
export function waitScript(strategy: StrategyModel): string {
  if (strategy.kind === 'rolling') {
    return lines(
      READ_SERVICE,
      'echo "Waiting for $service in $cluster to become stable (rolling)"',
      'aws ecs wait services-stable --cluster "$cluster" --services "$service"',
      'state="$(aws ecs describe-services --cluster "$cluster" --services "$service" --query "services[0].deployments[?status==\'PRIMARY\'].rolloutState | [0]" --output text)"',
      'echo "outcome=$state" >> "$GITHUB_OUTPUT"',
      'if [ "$state" != "COMPLETED" ]; then',
      '  echo "::error::The rolling deployment of $service ended in state $state"',
      '  exit 1',
      'fi',
    );
  }
  return lines(
    READ_SERVICE,
    'deadline=$(( $(date +%s) + WAIT_SECONDS ))',
    'arn="$(aws ecs list-service-deployments --cluster "$cluster" --service "$service" --query "sort_by(serviceDeployments, &createdAt)[-1].serviceDeploymentArn" --output text)"',
    'echo "Waiting for $arn ($STRATEGY), at most $WAIT_SECONDS seconds"',
    'while true; do',
    '  status="$(aws ecs describe-service-deployments --service-deployment-arns "$arn" --query "serviceDeployments[0].status" --output text)"',
    '  echo "$(date -u +%H:%M:%S) $status"',
    '  case "$status" in',
    '    SUCCESSFUL) break ;;',
    '    STOPPED|ROLLBACK_*)',
    '      echo "outcome=$status" >> "$GITHUB_OUTPUT"',
    '      echo "::error::The $STRATEGY deployment of $service ended in $status"',
    '      exit 1 ;;',
    '  esac',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    '    echo "outcome=TIMED_OUT" >> "$GITHUB_OUTPUT"',
    '    echo "::error::The $STRATEGY deployment of $service did not finish in $WAIT_SECONDS seconds"',
    '    exit 1',
    '  fi',
    '  sleep 20',
    'done',
    'echo "outcome=$status" >> "$GITHUB_OUTPUT"',
  );
}

/** Smoke test: the health path answers 2xx, retrying while the new tasks take traffic. */
export const SMOKE_SCRIPT = lines(
  'url="${BASE_URL%/}${HEALTH_PATH}"',
  'echo "GET $url"',
  'curl --fail --silent --show-error --location --retry 10 --retry-delay 6 --retry-all-errors --max-time 10 --output /dev/null "$url"',
  'echo "Healthy: $url"',
);

/** After a successful verify: remember the tag, for rollback. */
export const RECORD_SCRIPT = lines(
  'aws ssm put-parameter --name "$PARAMETER" --value "$IMAGE_TAG" --type String --overwrite',
  'echo "Recorded $IMAGE_TAG as the last good image tag at $PARAMETER"',
);

/**
 * Redeploy the last image tag that passed verification, with the same template, bucket and role.
 * Before the first verified deploy there is no such tag: the step says so in the job summary and ends
 * without redeploying (outcome `nothing-to-roll-back`); the failed step before it still fails the job.
 * Any other error reading the parameter (access denied, throttling) fails the step.
 */
export const ROLLBACK_SCRIPT = lines(
  'errors="$(mktemp)"',
  'if ! last_good="$(aws ssm get-parameter --name "$PARAMETER" --query Parameter.Value --output text 2>"$errors")"; then',
  '  if grep -q ParameterNotFound "$errors"; then',
  '    echo "outcome=nothing-to-roll-back" >> "$GITHUB_OUTPUT"',
  '    {',
  '      echo "### Rollback of $STACK: nothing to roll back to"',
  '      echo ""',
  '      echo "No image tag has passed verification in this environment yet ($PARAMETER does not exist), so there is no earlier version to redeploy."',
  '      echo "If this was the first deploy, CloudFormation has already rolled the stack back; a stack left in ROLLBACK_COMPLETE must be deleted before the next deploy."',
  '    } >> "$GITHUB_STEP_SUMMARY"',
  '    echo "::warning::No last good image tag at $PARAMETER (first deploy?): nothing to roll back to"',
  '    exit 0',
  '  fi',
  '  cat "$errors" >&2',
  '  echo "::error::Could not read the last good image tag at $PARAMETER"',
  '  exit 1',
  'fi',
  'echo "Rolling $STACK back to image tag $last_good"',
  CFN_DEPLOY('$last_good'),
  'echo "outcome=rolled-back-to-$last_good" >> "$GITHUB_OUTPUT"',
  'echo "::warning::$STACK was rolled back to image tag $last_good"',
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
