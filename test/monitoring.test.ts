/**
 * Behaviour of monitoring in the generated templates: severity routing, presets, canary,
 * dashboard, and every bad input rejected before anything is written.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ESCALATION, findResource, monitoringAlarmNames, shop, synthShop } from './monitoring-helpers';
import { expectRejected } from './util';
import { Alarm, AlarmMetric, DeploymentStrategy, Duration, Environment, Severity } from '../src';
import { CANARY_RUNTIME } from '../src/cloudformation/monitoring';

describe('severity routing', () => {
  const { template, json } = synthShop({
    monitoring: { alarms: { errorRate: { threshold: 10, severity: Severity.CRITICAL } } },
    extra: (m) => {
      m.addAlarm('queue-depth', { severity: Severity.WARNING, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'QueueDepth' }), threshold: 100, unit: 'count' });
      m.addAlarm('signups', { severity: Severity.INFO, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Signups', statistic: 'Sum' }), threshold: 1, comparison: '<', unit: 'count' });
    },
  });
  const critical = findResource(json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-critical')[0];
  const warning = findResource(json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-warning')[0];
  const info = findResource(json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-info')[0];

  test('GIVEN a CRITICAL alarm THEN it notifies the critical topic, which pages an HTTPS endpoint read from SSM at deploy time', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'api-prod-error-rate', Threshold: 10, AlarmActions: [{ Ref: critical }], OKActions: [{ Ref: critical }] });
    template.hasParameter('PagerEndpoint', { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/pager/url', NoEcho: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: critical }, Protocol: 'https', Endpoint: { Ref: 'PagerEndpoint' } });
  });

  test('GIVEN a WARNING alarm and an email warning route THEN it notifies the warning topic, subscribed by email', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'api-prod-queue-depth', AlarmActions: [{ Ref: warning }] });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: warning }, Protocol: 'email', Endpoint: 'team@example.com' });
  });

  test('GIVEN an INFO alarm THEN it notifies nobody at once and is listed in the scheduled digest', () => {
    const [, alarm] = findResource(json, 'AWS::CloudWatch::Alarm', 'AlarmName', 'api-prod-signups');
    expect(alarm.Properties.AlarmActions).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Code: { ZipFile: Match.stringLikeRegexp('DescribeAlarmHistoryCommand') },
      Environment: { Variables: Match.objectLike({ ALARM_NAMES: '["api-prod-signups"]', DIGEST_HOURS: '24', TOPIC_ARN: { Ref: info } }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: info }, Protocol: 'email', Endpoint: 'digest@example.com' });
  });

  test('THEN CloudWatch may publish to the topics and use their key (the AWS managed SNS key would silently drop alarms)', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'api-prod-critical', KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: critical }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  test('GIVEN a Slack warning route THEN an AWS Chatbot channel configuration listens to the warning topic', () => {
    const slack = synthShop({ escalation: { ...ESCALATION, warning: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } } } });
    const topic = findResource(slack.json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-warning')[0];
    slack.template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', { SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCD', SnsTopicArns: [{ Ref: topic }] });
    slack.template.resourceCountIs('AWS::SNS::Subscription', 2); // pager + info email, no warning email
  });
});

describe('presets', () => {
  test('GIVEN a stack with only a log group and a URL THEN the error-rate and canary presets exist, with their default thresholds', () => {
    const { template, json } = synthShop();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      // String levels, pino's numeric levels (50 error, 60 fatal) and Python's levelname, in one JSON filter.
      FilterPattern: '{ ($.level = "error") || ($.level = "fatal") || ($.level >= 50) || ($.levelname = "ERROR") || ($.levelname = "CRITICAL") }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'shipshape/api/prod', MetricName: 'ErrorLogLines', MetricValue: '1' })],
    });
    // Unstructured stack traces count into the same metric, through a second (term) filter.
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '?"Traceback (most recent call last)" ?"UnhandledPromiseRejection"',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'shipshape/api/prod', MetricName: 'ErrorLogLines', MetricValue: '1' })],
    });
    // A count of error lines is no ratio: it notifies the WARNING route and does not roll back.
    const warningTopic = findResource(json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-warning')[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'api-prod-error-rate',
      AlarmActions: [{ Ref: warningTopic }],
      Threshold: 5,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      MetricName: 'ErrorLogLines',
      Namespace: 'shipshape/api/prod',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'api-prod-canary',
      Threshold: 90,
      ComparisonOperator: 'LessThanThreshold',
      MetricName: 'SuccessPercent',
      Namespace: 'CloudWatchSynthetics',
      Period: 300,
      // A stopped canary publishes nothing: that must not read as healthy.
      TreatMissingData: 'breaching',
    });
  });

  test('GIVEN a preset switched off or overridden THEN the template follows the override', () => {
    const errorRate = { threshold: 2, period: Duration.minutes(2), evaluationPeriods: 2, severity: Severity.WARNING };
    const { template } = synthShop({ monitoring: { alarms: { canary: false, errorRate } } });
    const names = monitoringAlarmNames(template);
    expect(names).not.toContain('api-prod-canary');
    expect(names).toContain('api-prod-error-rate');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'api-prod-error-rate', Threshold: 2, Period: 120, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  test('GIVEN custom JSON log levels THEN the metric filter counts exactly those', () => {
    const { template } = synthShop({ monitoring: { logs: { levelField: 'severity', errorLevels: ['ERROR'] } } });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ ($.severity = "ERROR") || ($.severity >= 50) || ($.levelname = "ERROR") || ($.levelname = "CRITICAL") }' });
    const exact = synthShop({ monitoring: { logs: { levelField: 'severity', errorLevels: ['ERROR'], minimumNumericLevel: false, levelnames: [], stackTraceTerms: [] } } });
    exact.template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.severity = "ERROR" }' });
    expect(Object.keys(exact.template.findResources('AWS::Logs::MetricFilter')).filter((id) => id.includes('StackTrace'))).toEqual([]);
  });

  test('GIVEN anomaly-detection and composite alarms THEN they read the band and the named alarms', () => {
    const { template, json } = synthShop({
      extra: (m) => {
        m.addAlarm('latency-anomaly', { severity: Severity.WARNING, anomaly: { metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'Latency', statistic: 'p90' }), bandWidth: 3, direction: 'outside' } });
        m.addAlarm('users-hurting', { severity: Severity.CRITICAL, composite: { anyOf: ['error-rate', 'canary'] } });
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'api-prod-latency-anomaly',
      ThresholdMetricId: 'band',
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m, 3)' })]),
    });
    const [, composite] = findResource(json, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName', 'api-prod-users-hurting');
    expect(JSON.stringify(composite.Properties.AlarmRule)).toMatch(/ALARM\(.*\) OR ALARM\(/);
    const critical = findResource(json, 'AWS::SNS::Topic', 'TopicName', 'api-prod-critical')[0];
    expect(composite.Properties.AlarmActions).toEqual([{ Ref: critical }]);
  });

  test('GIVEN an alarm limited to other environments THEN it is not in this one', () => {
    const { template } = synthShop({
      extra: (m, p) => {
        new Environment(p, 'dev', { account: '123456789012', region: 'eu-west-1' });
        m.addAlarm('dev-only', { severity: Severity.WARNING, metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'X' }), threshold: 1, environments: ['dev'] });
      },
    });
    expect(monitoringAlarmNames(template)).not.toContain('api-prod-dev-only');
    expect(monitoringAlarmNames(template)).toContain('api-prod-error-rate');
  });
});

describe('canary and dashboard', () => {
  const order = { name: 'order', path: '/orders', method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{"sku":"canary"}', expectStatus: 201 };
  const { template, json, files } = synthShop({
    strategy: DeploymentStrategy.canary({ bake: Duration.minutes(25) }),
    monitoring: { canary: { every: Duration.minutes(10), journeys: [{ name: 'cart', path: '/cart', expectStatus: 204 }, order] } },
  });

  test('THEN the canary runs inline code on the health path and the journeys (a write that reaches the database included), on its schedule, with the current runtime, also through the test listener', () => {
    expect(CANARY_RUNTIME.name).toBe('syn-nodejs-puppeteer-15.0');
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      Name: 'api-prod',
      RuntimeVersion: 'syn-nodejs-puppeteer-15.0',
      Code: { Handler: 'index.handler', Script: Match.stringLikeRegexp("require\\('@aws/synthetics-puppeteer'\\)") },
      Schedule: { Expression: 'rate(10 minutes)' },
      RunConfig: Match.objectLike({
        EnvironmentVariables: {
          BASE_URL: 'https://api.example.com',
          JOURNEYS: JSON.stringify([
            { name: 'health', path: '/healthz', method: 'GET', headers: {}, expectStatus: 200 },
            { name: 'cart', path: '/cart', method: 'GET', headers: {}, expectStatus: 204 },
            { name: 'order', path: '/orders', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"canary"}', expectStatus: 201 },
          ]),
          TEST_URL: 'https://api.example.com:8443',
          TEST_HEADER: 'x-shipshape-test',
          TEST_HEADER_VALUE: 'new-version',
        },
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'api-prod-canary', Period: 600 });
  });

  test('THEN the artifacts bucket is encrypted, TLS-only, private and expires artifacts, and nothing needs an asset', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })]) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const text = files['infra/api-prod.template.json'];
    expect(text).not.toMatch(/cdk-hnb659fds|AssetParameters|BootstrapVersion/);
    expect(Object.keys(json.Parameters).sort()).toEqual(['ImageTag', 'PagerEndpoint']);
  });

  test('THEN one dashboard answers the three questions and shows every alarm', () => {
    const [, dashboard] = findResource(json, 'AWS::CloudWatch::Dashboard', 'DashboardName', 'api-prod');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const q of ['Is the system healthy?', 'Are users affected?', 'What changed?']) expect(body).toContain(q);
    expect(body).toContain('alarm');
    expect(body).toContain('Rollback alarm: api-prod-canary');
    expect(body).not.toContain('Rollback alarm: api-prod-error-rate');
  });

  test('GIVEN an environment without a URL THEN there is no canary and no canary alarm', () => {
    const none = synthShop({ url: false });
    none.template.resourceCountIs('AWS::Synthetics::Canary', 0);
    // Without a domain there is no load balancer either: only the alarms that need neither remain.
    expect(monitoringAlarmNames(none.template)).toEqual(['api-prod-cpu', 'api-prod-error-rate', 'api-prod-failed-deployments', 'api-prod-memory', 'api-prod-scaling-at-max', 'api-prod-task-restarts', 'api-prod-tasks-below-desired']);
  });
});

describe('bad input is rejected before anything is written', () => {
  const custom = { metric: AlarmMetric.custom({ namespace: 'shop', metricName: 'X' }), threshold: 1 };

  test('an alarm without a severity', () => {
    const e = expectRejected((d) => shop(d, { extra: (m) => m.addAlarm('x', { ...custom } as never) }));
    expect(e.problems[0]).toMatchObject({ code: 'SS-ALARM-SEVERITY', path: 'shop/monitoring/x', property: 'severity', got: 'undefined' });
    expect(e.message).toContain('one of Severity.CRITICAL, Severity.WARNING, Severity.INFO');
  });

  test('an alarm with an unknown severity', () => {
    const e = expectRejected((d) => shop(d, { extra: (m) => m.addAlarm('x', { ...custom, severity: 'urgent' as never }) }));
    expect(e.problems[0]).toMatchObject({ code: 'SS-ALARM-SEVERITY', property: 'severity', got: "'urgent'" });
  });

  test('a percentage above 100', () => {
    const e = expectRejected((d) => shop(d, { extra: (m) => m.addAlarm('x', { ...custom, severity: Severity.WARNING, threshold: 150, unit: 'percent' }) }));
    expect(e.problems[0]).toMatchObject({ path: 'shop/monitoring/x', property: 'threshold', got: '150' });
    expect(e.problems[0].expected).toContain('a percentage from 0 to 100');
  });

  test('a negative latency on a preset', () => {
    const e = expectRejected((d) => shop(d, { monitoring: { alarms: { p99Latency: { threshold: -5 } } } }));
    expect(e.problems[0]).toMatchObject({ path: 'shop/monitoring', property: 'alarms.p99Latency.threshold', got: '-5' });
    expect(e.problems[0].expected).toContain('a positive duration in milliseconds');
  });

  test('two alarms with the same name (a preset included)', () => {
    const e = expectRejected((d) => shop(d, {
      extra: (m) => {
        m.addAlarm('error-rate', { ...custom, severity: Severity.WARNING });
        m.addAlarm('a', { ...custom, severity: Severity.WARNING, name: 'queue' });
        m.addAlarm('b', { ...custom, severity: Severity.INFO, name: 'queue' });
      },
    }));
    expect(e.problems.filter((p) => p.code === 'SS-ALARM-DUPLICATE').map((p) => [p.path, p.got])).toEqual([
      ['shop/monitoring/error-rate', "'error-rate'"],
      ['shop/monitoring/b', "'queue'"],
    ]);
    expect(e.message).toContain('alarms: { errorRate: false }');
  });

  test('a CRITICAL route with no endpoint configured', () => {
    const e = expectRejected((d) => shop(d, { escalation: { ...ESCALATION, critical: {} as never } }));
    expect(e.problems[0]).toMatchObject({ code: 'SS-ESCALATION-CRITICAL', path: 'shop/escalation', property: 'critical.pagerEndpointParameter', got: 'undefined' });
  });

  test('no escalation policy at all', () => {
    const e = expectRejected((d) => shop(d, { escalation: false }));
    expect(e.problems[0]).toMatchObject({ code: 'SS-MONITORING-ESCALATION', path: 'shop/monitoring' });
  });

  test('a runbook step that is empty', () => {
    const e = expectRejected((d) => shop(d, { extra: (m) => m.addAlarm('x', { ...custom, severity: Severity.WARNING, steps: ['Look at the queue.', '  '] }) }));
    expect(e.problems[0]).toMatchObject({ path: 'shop/monitoring/x', property: 'steps.1', expected: 'a non-empty sentence' });
    const p = expectRejected((d) => shop(d, { monitoring: { alarms: { cpu: { steps: [''] } } } }));
    expect(p.problems[0]).toMatchObject({ property: 'alarms.cpu.steps.0', expected: 'a non-empty sentence' });
  });

  test('a rollback alarm whose evaluation window does not fit inside the bake time: ONE check, with a margin', () => {
    // The canary alarm (2 × 5 minutes) set the old check's bound exactly at a 10-minute bake; the one check now asks
    // for its window plus 2 minutes of evaluation lag, and SS-ALARM-BAKE no longer exists.
    const e = expectRejected((d) => shop(d, { strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(10) }) }));
    expect(e.problems.filter((p) => p.code === 'SS-ALARM-BAKE')).toEqual([]);
    expect(e.problems.filter((p) => p.code === 'SS-ENV-BAKE').map((p) => [p.path, p.property, p.got, p.expected])).toEqual([
      ['shop/prod', 'strategy.bake', "'10m'", "at least 12m: the 10m window of rollback alarm 'canary' plus 2m for evaluation lag"],
    ]);
    // 12 minutes is enough; without the canary, the built-in task-start-failures alarm (5 minutes) sets the bound.
    expect(() => synthShop({ strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(12) }) })).not.toThrow();
    const sixMinutes = DeploymentStrategy.blueGreen({ bake: Duration.minutes(6) });
    const noCanary = expectRejected((d) => shop(d, { strategy: sixMinutes, monitoring: { canary: false } }));
    expect(noCanary.problems.map((p) => [p.code, p.expected])).toEqual([
      ['SS-ENV-BAKE', "at least 7m: the 5m window of rollback alarm 'task-start-failures' plus 2m for evaluation lag"],
    ]);
  });

  test('a composite alarm naming an unknown alarm, and an alarm outside a Monitoring', () => {
    const e = expectRejected((d) => shop(d, {
      extra: (m, p) => {
        m.addAlarm('both', { severity: Severity.WARNING, composite: { allOf: ['error-rate', 'nope'] } });
        new Alarm(p, 'stray', { ...custom, severity: Severity.INFO });
      },
    }));
    expect(e.problems.map((p) => p.code).sort()).toEqual(['SS-ALARM-COMPOSITE', 'SS-ALARM-SCOPE']);
  });
});
