/**
 * The escalation routes of one stack: one SNS topic per severity, encrypted with a customer
 * managed key that CloudWatch may use (the AWS managed `alias/aws/sns` key cannot receive alarm
 * notifications), and the subscriptions of the project's EscalationPolicy.
 */
import { ArnFormat, CfnParameter, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DIGEST_CODE } from './digest-code';
import { severityTopicName } from '../../core/naming';
import type { EscalationModel, SeverityLevel } from '../../monitoring/model';
import { routesIn } from '../../monitoring/model';

export interface RoutesProps {
  readonly service: string;
  readonly environment: string;
  readonly escalation: EscalationModel;
  readonly logRetentionDays: number;
  /** A production environment: by default only these page (EscalationPolicy `environments` overrides it). */
  readonly production: boolean;
}

/** The topics (and their subscriptions) that carry alarms by severity. */
export class SeverityRoutes extends Construct {
  public readonly key: kms.Key;
  /** The pager topic; absent where CRITICAL alarms do not page (they notify the WARNING topic). */
  public readonly critical?: sns.Topic;
  public readonly warning: sns.Topic;
  public readonly info?: sns.Topic;
  private digest?: lambda.Function;

  constructor(scope: Construct, id: string, private readonly props: RoutesProps) {
    super(scope, id);
    const { service, environment, escalation } = props;
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the alarm topics of ${service} in ${environment}`,
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to encrypted topics only when the key lets them.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));

    const routes = routesIn(escalation, environment, props.production);
    if (routes.pages) {
      this.critical = this.topic('Critical', 'critical');
      const pager = new CfnParameter(stack, 'PagerEndpoint', {
        type: 'AWS::SSM::Parameter::Value<String>',
        default: escalation.critical.pagerEndpointParameter,
        noEcho: true,
        description: 'SSM parameter holding the HTTPS integration URL of the pager (PagerDuty, Opsgenie) that CRITICAL alarms page.',
      });
      new sns.Subscription(this, 'PagerSubscription', {
        topic: this.critical,
        protocol: sns.SubscriptionProtocol.HTTPS,
        endpoint: pager.valueAsString,
      });
    }

    this.warning = this.topic('Warning', 'warning');
    const w = routes.warning;
    if (w.kind === 'slack') {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: `${service}-${environment}-warning`,
        slackWorkspaceId: w.workspaceId,
        slackChannelId: w.channelId,
        notificationTopics: [this.warning],
        loggingLevel: chatbot.LoggingLevel.ERROR,
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess')],
      });
    } else {
      w.addresses.forEach((address, i) => new sns.Subscription(this, `WarningEmail${i}`, { topic: this.warning, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: address }));
    }

    if (escalation.info) {
      this.info = this.topic('Info', 'info');
      escalation.info.addresses.forEach((address, i) => new sns.Subscription(this, `InfoEmail${i}`, { topic: this.info!, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: address }));
    }
  }

  /**
   * The topic an alarm of this severity notifies at once; INFO alarms notify nothing (they are digested). CRITICAL
   * alarms notify the WARNING topic where they do not page.
   */
  public topicFor(severity: SeverityLevel): sns.ITopic | undefined {
    return severity === 'critical' ? this.critical ?? this.warning : severity === 'warning' ? this.warning : undefined;
  }

  /**
   * The INFO digest: a scheduled function reads the state changes of the INFO alarms since the
   * last digest (`DescribeAlarmHistory`) and emails one summary; nothing is sent when none changed.
   */
  public addDigest(alarmNames: readonly string[]): lambda.IFunction | undefined {
    const info = this.props.escalation.info;
    if (!info || !this.info || alarmNames.length === 0 || this.digest) return this.digest;
    const { service, environment } = this.props;
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'DigestLogs', {
      retention: this.props.logRetentionDays as logs.RetentionDays,
    });
    this.digest = new lambda.Function(this, 'Digest', {
      description: `Emails a digest of the INFO alarms of ${service} in ${environment}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(DIGEST_CODE),
      timeout: Duration.minutes(1),
      memorySize: 128,
      logGroup,
      environment: {
        ALARM_NAMES: JSON.stringify(alarmNames),
        DIGEST_HOURS: String(info.everyHours),
        TOPIC_ARN: this.info.topicArn,
        SUBJECT: `INFO digest: ${service} in ${environment}`.slice(0, 100),
      },
    });
    this.digest.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarmHistory'],
      resources: alarmNames.map((n) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: n, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    }));
    this.info.grantPublish(this.digest);
    // The function already depends on its role through GetAtt; keep only the policy in DependsOn (cfn-lint W3005).
    const policy = this.digest.role!.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource;
    (this.digest.node.defaultChild as CfnResource).addOverride('DependsOn', [stack.getLogicalId(policy)]);
    new events.Rule(this, 'DigestSchedule', {
      description: `Every ${info.everyHours}h: the INFO alarm digest of ${service} in ${environment}`,
      schedule: events.Schedule.rate(Duration.hours(info.everyHours)),
      targets: [{ bind: () => ({ arn: this.digest!.functionArn }) }],
    });
    this.digest.addPermission('DigestSchedule', { principal: new iam.ServicePrincipal('events.amazonaws.com') });
    return this.digest;
  }

  private topic(id: string, severity: SeverityLevel): sns.Topic {
    const { service, environment } = this.props;
    const topic = new sns.Topic(this, id, {
      topicName: severityTopicName(service, environment, severity),
      displayName: `${service} ${environment} ${severity.toUpperCase()}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return topic;
  }
}

/**
 * The one alarm topic of a workload's stack without an EscalationPolicy (`<workload>-<env>-alarms`): every alarm of
 * the stack notifies it. It uses its own KMS key, because CloudWatch cannot publish to a topic encrypted with the AWS
 * managed key `alias/aws/sns`; only the stack's own alarms (`<workload>-<env>-*`) may publish.
 */
export function workloadAlarmTopic(stack: Stack, workload: string, environment: string): sns.Topic {
  const key = new kms.Key(stack, 'AlarmTopicKey', {
    description: `Encrypts the ${workload} ${environment} alarm topic`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(stack, 'AlarmTopic', {
    topicName: `${workload}-${environment}-alarms`,
    displayName: `${workload} ${environment} alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      ArnLike: {
        'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${workload}-${environment}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      },
    },
  }));
  return topic;
}
