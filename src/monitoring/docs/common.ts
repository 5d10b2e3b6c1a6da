/** Pieces shared by the runbook and playbook renderers. Pure functions of the model. */
import { stackTargets } from '../../cloudformation/templates';
import {
  alarmName, canaryName, cloudFormationExecutionRoleName, clusterName, dashboardName, dashboardUrl, ecsServiceName, lastGoodTemplateKey, roleArn,
  restoreTestingPlanName, serviceLogGroupName, templateBucketName, templatePrefix, TEST_HEADER, TEST_HEADER_VALUE, TEST_LISTENER_PORT,
} from '../../core/naming';
import { databaseSizeIn } from '../../database/settings';
import type { StrategyModel } from '../../environment/model';
import { publicHostName, publicUrl } from '../../environment/urls';
import type { EnvironmentModel, ProjectModel } from '../../model';
import type { AlarmModel, EscalationModel, MonitoringModel, MonitoringTarget, SeverityLevel, WarningRouteModel } from '../model';
import { routesIn } from '../model';

/** The generated-file marker as a Markdown comment. */
export function marker(model: ProjectModel): string {
  return `<!-- ${model.header.join(' ')} -->`;
}

/** Environments in deploy order. */
export function ordered(model: ProjectModel): EnvironmentModel[] {
  return [...model.environments].sort((a, b) => a.order - b.order);
}

/** The stack and template of a service in an environment. */
export function target(model: ProjectModel, service: string, env: string): { stackName: string; filePath: string } {
  const t = stackTargets(model).find((x) => x.service.name === service && x.environment.name === env)!;
  return { stackName: t.stackName, filePath: t.filePath };
}

/**
 * The exact commands that put a stack back to the last version that passed verification, as the pipeline's
 * rollback does: download the last good template (recorded after each verified deploy, with the image tag it was
 * verified with in its `image-tag` metadata), then deploy that template with that tag through the account's
 * template bucket, as the environment's CloudFormation execution role.
 */
export function rollbackCommand(model: ProjectModel, service: string, env: EnvironmentModel): string {
  const t = target(model, service, env.name);
  const bucket = templateBucketName(model.name, env.account, env.region);
  const execution = roleArn(env.account, env.region, cloudFormationExecutionRoleName(model.name, env.name));
  const file = `${t.stackName}.last-good.template.json`;
  return [
    `tag="$(aws s3api get-object --region ${env.region} --bucket ${bucket} --key ${lastGoodTemplateKey(t.stackName)} ${file} \\`,
    '  --query \'Metadata."image-tag"\' --output text)"',
    `aws cloudformation deploy --region ${env.region} --stack-name ${t.stackName} --template-file ${file} \\`,
    `  --s3-bucket ${bucket} --s3-prefix ${templatePrefix(t.stackName)} \\`,
    `  --role-arn ${execution} \\`,
    '  --parameter-overrides "ImageTag=$tag" \\',
    '  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset',
  ].join('\n');
}

export function dashboardLink(service: string, env: EnvironmentModel): string {
  const name = dashboardName(service, env.name);
  return `[${name}](${dashboardUrl(env.region, name)})`;
}

export function describeStrategy(s: StrategyModel): string {
  const m = (sec: number) => (sec % 60 === 0 ? `${sec / 60} min` : `${sec} s`);
  switch (s.kind) {
    case 'rolling': return 'rolling (circuit breaker and deployment alarms roll back)';
    case 'blue-green': return `blue/green, bake ${m(s.bakeSeconds)}`;
    case 'canary': return `canary ${s.percent}%, bake ${m(s.bakeSeconds)}`;
    case 'linear': return `linear ${s.stepPercent}% every ${m(s.stepIntervalSeconds)}, bake ${m(s.bakeSeconds)}`;
  }
}

/**
 * How an alarm of this severity reaches people, in one sentence. `rollback` says whether the alarm also rolls back
 * a deployment (a CRITICAL metric alarm does; a composite alarm only pages, its CRITICAL parts roll back).
 */
export function routeSentence(
  escalation: EscalationModel, severity: SeverityLevel, service: string, rollback = false, environments: readonly EnvironmentModel[] = [],
): string {
  const warningRoute = (w: WarningRouteModel) => (w.kind === 'slack'
    ? `Notifies Slack channel \`${w.channelId}\` (workspace \`${w.workspaceId}\`) through AWS Chatbot, from SNS topic \`${service}-<env>-warning\`.`
    : `Emails ${w.addresses.map((a) => `\`${a}\``).join(', ')} from SNS topic \`${service}-<env>-warning\`.`);
  switch (severity) {
    case 'critical': {
      // Only the environments whose escalation pages (by default the production ones); elsewhere the WARNING route.
      const quiet = environments.filter((e) => !routesIn(escalation, e.name, e.infrastructure.production).pages);
      const paging = environments.filter((e) => !quiet.includes(e));
      const where = (envs: readonly EnvironmentModel[]) => envs.map((e) => e.name).join(', ');
      const page = `Pages the on-call engineer at once${quiet.length > 0 && paging.length > 0 ? ` in ${where(paging)}` : ''}: SNS topic \`${service}-<env>-critical\` → HTTPS pager integration whose URL is read from SSM parameter \`${escalation.critical.pagerEndpointParameter}\`.`;
      const elsewhere = quiet.map((e) => ` In ${e.name}, no page: ${warningRoute(routesIn(escalation, e.name, e.infrastructure.production).warning)}`).join('');
      return `${paging.length > 0 || quiet.length === 0 ? page : ''}${paging.length > 0 ? elsewhere : elsewhere.trim()}${rollback ? ' Also rolls back a deployment in progress.' : ''}`;
    }
    case 'warning':
      return warningRoute(escalation.warning);
    case 'info':
      return escalation.info
        ? `Batched: every ${escalation.info.everyHours} h, a digest of the INFO alarm state changes is emailed to ${escalation.info.addresses.map((a) => `\`${a}\``).join(', ')} (nothing is sent when none changed).`
        : 'Shown on the dashboard only: the EscalationPolicy has no info route.';
  }
}

/**
 * Whether the environment stack creates the alarm: it is declared there and the stack has what its metric needs; a
 * composite alarm, when every alarm it combines exists there (`all`: the alarms of its service).
 */
export function alarmExistsIn(
  alarm: AlarmModel, env: EnvironmentModel, monitoring: MonitoringModel, model: ProjectModel, all: readonly AlarmModel[] = monitoring.alarms,
): boolean {
  if (alarm.environments !== undefined && !alarm.environments.includes(env.name)) return false;
  const c = alarm.condition;
  if (c.kind === 'composite') {
    const others = all.filter((a) => a !== alarm);
    return c.alarms.every((n) => others.some((a) => a.name === n && alarmExistsIn(a, env, monitoring, model, others)));
  }
  // What the stack builds monitoring from (src/cloudformation/monitoring/metrics.ts, missingTargets), read from the model.
  const db = model.databases.find((d) => d.service === monitoring.service);
  const svc = model.services.find((s) => s.name === monitoring.service);
  const routed = env.infrastructure.domain !== undefined && svc?.exposure.kind === 'public';
  const has: Record<MonitoringTarget, boolean> = {
    'load-balancer': routed,
    'target-group': routed,
    'ecs-service': true,
    'cluster': true,
    'url': svc !== undefined && publicUrl(svc, env) !== undefined,
    'log-group': true,
    'database': db !== undefined,
    'burstable-database': db !== undefined && /^t\d/.test(databaseSizeIn(db, env.name).instanceType),
    'backup': db !== undefined,
    'restore-testing': db !== undefined && db.restoreTesting !== false,
    'certificate': routed,
    'digest': monitoring.escalation.info !== undefined,
  };
  return alarm.needs.every((n) => has[n]);
}

/** The environments, in deploy order, where the alarm exists. */
export function environmentsOf(model: ProjectModel, monitoring: MonitoringModel, alarm: AlarmModel): EnvironmentModel[] {
  return ordered(model).filter((e) => alarmExistsIn(alarm, e, monitoring, model));
}

/** A shell word: single-quoted unless it is plain. */
function q(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, '\'\\\'\'')}'`;
}

/** The CloudWatch Logs filter pattern of the service's error lines (the log convention of the Monitoring). */
export function errorFilterPattern(monitoring: MonitoringModel): string {
  const field = monitoring.logs.levelField;
  return `{ ${monitoring.logs.errorLevels.map((l) => `($.${field} = "${l}")`).join(' || ')} }`;
}

/**
 * Commands to look at the alarm's evidence in one environment, every name filled in: the alarm's state and
 * history, the service's error lines, the ECS service and its stopped tasks, the health of every target group of
 * the stack, the canary's last runs and the URL. Only what the alarm's environment has.
 */
export function investigationCommands(model: ProjectModel, monitoring: MonitoringModel, alarm: AlarmModel, env: EnvironmentModel): string[] {
  const service = monitoring.service;
  const r = `--region ${env.region}`;
  const cluster = clusterName(model.name, env.name);
  const ecsService = ecsServiceName(service);
  const svc = model.services.find((x) => x.name === service)!;
  const url = publicUrl(svc, env);
  const stack = target(model, service, env.name).stackName;
  const out = [
    `aws cloudwatch describe-alarm-history ${r} --alarm-name ${alarmName(service, env.name, alarm.name)} --alarm-types MetricAlarm CompositeAlarm \\\n  --history-item-type StateUpdate --max-items 10`,
    `aws logs tail ${serviceLogGroupName(service, env.name)} ${r} --since 30m --filter-pattern ${q(errorFilterPattern(monitoring))}`,
    `aws ecs describe-services ${r} --cluster ${cluster} --services ${ecsService} \\\n  --query 'services[0].{running:runningCount,desired:desiredCount,deployments:deployments[].[status,rolloutState,taskDefinition]}'`,
    [
      `stopped="$(aws ecs list-tasks ${r} --cluster ${cluster} --service-name ${ecsService} --desired-status STOPPED --query 'taskArns[:10]' --output text)"`,
      `[ -z "$stopped" ] || aws ecs describe-tasks ${r} --cluster ${cluster} --tasks $stopped --query 'tasks[].[taskArn,stopCode,stoppedReason]' --output text`,
    ].join('\n'),
  ];
  if (env.infrastructure.domain && svc.exposure.kind === 'public') {
    out.push([
      `for group in $(aws cloudformation describe-stack-resources ${r} --stack-name ${stack} \\`,
      '    --query "StackResources[?ResourceType==\'AWS::ElasticLoadBalancingV2::TargetGroup\'].PhysicalResourceId" --output text); do',
      `  aws elbv2 describe-target-health ${r} --target-group-arn "$group" --query 'TargetHealthDescriptions[].[Target.Id,TargetHealth.State,TargetHealth.Reason]' --output text`,
      'done',
    ].join('\n'));
  }
  if (alarm.preset === 'restore-test-failed') out.push(...restoreTestCommands(service, env));
  if (url && monitoring.canary) {
    out.push(`aws synthetics get-canary-runs ${r} --name ${canaryName(service, env.name)} --max-results 5`);
    // Appended, not resolved as a relative URL: a path such as '//x' would name another host.
    const at = (base: string) => new URL(`${base.replace(/\/$/, '')}${monitoring.canary!.journeys[0].path}`).href;
    out.push(`curl -i ${at(url)}`);
    // Blue/green, canary and linear: the test listener reaches the new tasks while a deployment runs.
    const domain = env.infrastructure.domain;
    if (domain && env.strategy.kind !== 'rolling') {
      out.push(`curl -i -H '${TEST_HEADER}: ${TEST_HEADER_VALUE}' ${at(`https://${publicHostName(svc, domain.name)}:${TEST_LISTENER_PORT}`)}`);
    }
  }
  return out;
}

/**
 * The restore jobs of a database's restore testing plan in one environment (AWS Backup ListRestoreTestingPlans and
 * ListRestoreJobs): the failed ones with AWS Backup's reason, then the completed ones with their creation and
 * completion times, whose difference is the restore time docs/database-restore.md quotes as RTO.
 */
export function restoreTestCommands(service: string, env: EnvironmentModel): string[] {
  const r = `--region ${env.region}`;
  const plan = restoreTestingPlanName(service, env.name);
  return [
    `plan="$(aws backup list-restore-testing-plans ${r} --query "RestoreTestingPlans[?RestoreTestingPlanName=='${plan}'].RestoreTestingPlanArn" --output text)"`,
    `aws backup list-restore-jobs ${r} --by-restore-testing-plan-arn "$plan" --by-status FAILED \\\n  --query 'RestoreJobs[:5].[RestoreJobId,CreationDate,RecoveryPointArn,StatusMessage]' --output text`,
    `aws backup list-restore-jobs ${r} --by-restore-testing-plan-arn "$plan" --by-status COMPLETED \\\n  --query 'RestoreJobs[:5].[RestoreJobId,CreationDate,CompletionDate,ValidationStatus]' --output text`,
  ];
}

/**
 * The emergency rollback of a stack, for when users are hurting now. The ordinary rollback redeploys through the
 * same canary, bake and rollback alarms, which are in ALARM during the incident: ECS would roll the rollback back,
 * and CloudFormation refuses an update while the pipeline's is in progress. This one:
 * 1. stops the ECS deployment in flight with `stop-service-deployment --stop-type ROLLBACK`: ECS goes back to the
 *    previous service revision at once (AWS, "Stopping Amazon ECS service deployments");
 * 2. cancels the stack update in progress, and waits until CloudFormation has put the stack back
 *    (`UPDATE_ROLLBACK_COMPLETE`);
 * 3. deploys the last good template and tag without bake and without rollback alarms: `jq` sets the ECS service's
 *    `BakeTimeInMinutes` to 0, turns its deployment alarms off and makes canary and linear shift all at once
 *    (`BLUE_GREEN`); the next pipeline deploy puts the declared settings back.
 */
export function emergencyRollbackCommand(model: ProjectModel, service: string, env: EnvironmentModel): string {
  const t = target(model, service, env.name);
  const r = `--region ${env.region}`;
  const bucket = templateBucketName(model.name, env.account, env.region);
  const execution = roleArn(env.account, env.region, cloudFormationExecutionRoleName(model.name, env.name));
  const file = `${t.stackName}.last-good.template.json`;
  const fast = `${t.stackName}.emergency.template.json`;
  return [
    '# 1. Stop the ECS deployment in flight, if any: ECS returns to the previous revision at once.',
    `deployment="$(aws ecs list-service-deployments ${r} --cluster ${clusterName(model.name, env.name)} --service ${ecsServiceName(service)} \\`,
    '  --status PENDING IN_PROGRESS --query \'serviceDeployments[0].serviceDeploymentArn\' --output text)"',
    'if [ "$deployment" != "None" ]; then',
    `  aws ecs stop-service-deployment ${r} --service-deployment-arn "$deployment" --stop-type ROLLBACK`,
    'fi',
    '# 2. Cancel the stack update in progress, if any, and wait until CloudFormation has put the stack back.',
    `status="$(aws cloudformation describe-stacks ${r} --stack-name ${t.stackName} --query 'Stacks[0].StackStatus' --output text)"`,
    'case "$status" in',
    '  UPDATE_IN_PROGRESS)',
    `    aws cloudformation cancel-update-stack ${r} --stack-name ${t.stackName}`,
    `    aws cloudformation wait stack-rollback-complete ${r} --stack-name ${t.stackName} ;;`,
    '  UPDATE_ROLLBACK_IN_PROGRESS | UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS)',
    `    aws cloudformation wait stack-rollback-complete ${r} --stack-name ${t.stackName} ;;`,
    '  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)',
    `    aws cloudformation wait stack-update-complete ${r} --stack-name ${t.stackName} ;;`,
    'esac',
    '# 3. Deploy the last good template and tag without bake and without rollback alarms.',
    `tag="$(aws s3api get-object ${r} --bucket ${bucket} --key ${lastGoodTemplateKey(t.stackName)} ${file} \\`,
    '  --query \'Metadata."image-tag"\' --output text)"',
    `jq '${EMERGENCY_JQ}' ${file} > ${fast}`,
    `aws cloudformation deploy ${r} --stack-name ${t.stackName} --template-file ${fast} \\`,
    `  --s3-bucket ${bucket} --s3-prefix ${templatePrefix(t.stackName)} \\`,
    `  --role-arn ${execution} \\`,
    '  --parameter-overrides "ImageTag=$tag" \\',
    '  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset',
  ].join('\n');
}

/**
 * The `jq` program of the emergency template: every ECS service deploys at once, without bake and without
 * deployment alarms (the circuit breaker of rolling and blue/green deployments stays).
 */
export const EMERGENCY_JQ = [
  '(.Resources[] | select(.Type == "AWS::ECS::Service") | .Properties.DeploymentConfiguration) |=',
  '(if .Alarms then .Alarms.Enable = false | .Alarms.Rollback = false else . end',
  '| if .Strategy == "CANARY" or .Strategy == "LINEAR" then .Strategy = "BLUE_GREEN" | del(.CanaryConfiguration, .LinearConfiguration) else . end',
  '| if .BakeTimeInMinutes then .BakeTimeInMinutes = 0 else . end)',
].join(' ');

export { alarmName };
