/** Pieces shared by the runbook and playbook renderers. Pure functions of the model. */
import { stackTargets } from '../../cloudformation/templates';
import {
  alarmName, cloudFormationExecutionRoleName, dashboardName, dashboardUrl, lastGoodTemplateKey, roleArn, templateBucketName, templatePrefix,
} from '../../core/naming';
import type { StrategyModel } from '../../environment/strategy';
import type { EnvironmentModel, ProjectModel } from '../../model';
import type { EscalationModel, SeverityLevel } from '../model';

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

/** How an alarm of this severity reaches people, in one sentence. */
export function routeSentence(escalation: EscalationModel, severity: SeverityLevel, service: string): string {
  switch (severity) {
    case 'critical':
      return `Pages the on-call engineer at once: SNS topic \`${service}-<env>-critical\` → HTTPS pager integration whose URL is read from SSM parameter \`${escalation.critical.pagerEndpointParameter}\`. Also rolls back a deployment in progress.`;
    case 'warning':
      return escalation.warning.kind === 'slack'
        ? `Notifies Slack channel \`${escalation.warning.channelId}\` (workspace \`${escalation.warning.workspaceId}\`) through AWS Chatbot, from SNS topic \`${service}-<env>-warning\`.`
        : `Emails ${escalation.warning.addresses.map((a) => `\`${a}\``).join(', ')} from SNS topic \`${service}-<env>-warning\`.`;
    case 'info':
      return escalation.info
        ? `Batched: every ${escalation.info.everyHours} h, a digest of the INFO alarm state changes is emailed to ${escalation.info.addresses.map((a) => `\`${a}\``).join(', ')} (nothing is sent when none changed).`
        : 'Shown on the dashboard only: the EscalationPolicy has no info route.';
  }
}

export { alarmName };
