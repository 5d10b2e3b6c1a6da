/**
 * The Worker workload (issue 15): its props and their mistakes, its image (no port, HEALTHCHECK = its command), its
 * CloudFormation (queue, dead-letter queue, subscriptions, Fargate service without load balancer, backlog scaling,
 * alarms) checked by cfn-lint and cdk-nag, its runbooks' commands, and the execution role's data for its resources.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthError } from './docker-helpers';
import { awsProblems, shBlocks, simpleCommands } from './runbook-checker';
import { ACCOUNT, HARNESS_IDS, REGION, workerHarness, workerProject } from './worker-harness';
import { DockerImage, DockerPreset, Duration, Environment, Service, Shipshape, Worker } from '../src';
import { bareProject } from './util';
import { buildTopic } from '../src/cloudformation/worker';
import { renderDockerfile } from '../src/docker/render';
import { statementsFor } from '../src/iam/execution-policy';
import { templateNeeds } from '../src/iam/template-needs';
import type { ImageModel } from '../src/model';
import { renderWorkerRunbooks } from '../src/monitoring/docs/worker-runbook';
import { synthSnapshot } from '../src/testing/synth';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';

jest.setTimeout(180_000);

describe('GIVEN a Worker with mistakes in its props', () => {
  test('THEN synthesis stops with every mistake at once, each naming the worker, the property and the value, and writes nothing', () => {
    const { error, written } = synthError((p) => {
      new Worker(p, 'billing', {
        healthCommand: ['CMD-SHELL', 'curl localhost'],
        env: { QUEUE_URL: { value: 'https://elsewhere' } },
        queue: { maxReceiveCount: 0, visibilityTimeout: Duration.hours(13) },
        scaling: { min: 3, max: 2 },
      });
    });
    expect(written).toEqual([]);
    const found = error.problems.map((p) => [p.path, p.property, p.code]);
    expect(found).toEqual(expect.arrayContaining([
      ['bad/billing', 'healthCommand', 'SS-WORKER-HEALTHCOMMAND'],
      ['bad/billing', 'env.QUEUE_URL', 'SS-WORKER-ENV'],
      ['bad/billing', 'queue.maxReceiveCount', 'SS-WORKER-QUEUE'],
      ['bad/billing', 'queue.visibilityTimeout', 'SS-WORKER-QUEUE'],
      ['bad/billing', 'scaling.max', 'SS-WORKER-SCALING'],
    ]));
    const health = error.problems.find((p) => p.property === 'healthCommand')!;
    expect(health.got).toContain('CMD-SHELL');
    expect(health.expected).toContain("without 'CMD' or 'CMD-SHELL'");
    expect(error.problems.find((p) => p.property === 'queue.maxReceiveCount')!.got).toBe('0');
  });

  test('THEN a task size Fargate does not run, and a retention not longer than the visibility timeout, are problems', () => {
    const { error } = synthError((p) => {
      new Worker(p, 'billing', { healthCommand: ['true'], cpu: 300 });
      new Worker(p, 'mailer', { healthCommand: ['true'], queue: { visibilityTimeout: Duration.hours(2), retention: Duration.hours(1) } });
    });
    expect(error.problems.map((p) => [p.path, p.property, p.code])).toEqual([
      ['bad/billing', 'cpu', 'SS-WORKER-CPU'],
      ['bad/mailer', 'queue.retention', 'SS-WORKER-QUEUE'],
    ]);
    expect(error.problems[1].expected).toContain('longer than the visibility timeout (2h)');
  });

  test('THEN a missing or empty health command is a problem (a worker has no port to probe)', () => {
    for (const healthCommand of [undefined, []]) {
      const { error } = synthError((p) => new Worker(p, 'billing', { healthCommand } as never));
      expect(error.problems).toEqual([expect.objectContaining({ path: 'bad/billing', property: 'healthCommand' })]);
    }
  });

  test('THEN subscribing to a service that does not publish is a problem naming the service', () => {
    const { error } = synthError((p) => {
      const orders = new Service(p, 'orders');
      new Worker(p, 'billing', { healthCommand: ['true'], subscribe: [orders] });
    });
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-WORKER-SUBSCRIBE', path: 'bad/billing', property: 'subscribe[0]', got: "'orders'" })]);
    expect(error.problems[0].expected).toContain('bad/orders has no publishes: true');
  });

  test('THEN subscribing to the same service twice is a problem naming the second entry', () => {
    const { error } = synthError((p) => {
      const orders = new Service(p, 'orders', { publishes: true });
      new Worker(p, 'billing', { healthCommand: ['true'], subscribe: [orders, orders] });
    });
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-WORKER-SUBSCRIBE', path: 'bad/billing', property: 'subscribe[1]', expected: 'each service once' })]);
  });

  test('THEN a worker and a service cannot share a name (their stacks, repositories and log groups would be one)', () => {
    const { error } = synthError((p) => {
      new Service(p, 'api', { name: 'billing' });
      new Worker(p, 'billing', { healthCommand: ['true'] });
    });
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-SERVICE-NAME-CLASH', path: 'bad/billing', property: 'name' })]);
  });
});

describe('GIVEN a valid Worker', () => {
  const { model } = workerProject({ queue: { maxReceiveCount: 7 } });

  test('THEN the model holds its defaults, the names of the services it subscribes to, and the publisher\'s flag', () => {
    expect(model.workers).toEqual([{
      path: 'demo/billing',
      name: 'billing',
      cpu: 256,
      memoryMiB: 512,
      env: {},
      healthCommand: ['node', 'dist/health.js'],
      subscribe: ['orders'],
      queue: { visibilityTimeoutSeconds: 30, maxReceiveCount: 7, retentionSeconds: 345_600 },
      scaling: { min: 1, max: 4, messagesPerTask: 100 },
    }]);
    expect(model.services.map((s) => [s.name, s.publishes])).toEqual([['orders', true]]);
  });
});

describe('GIVEN DockerImage({ service: worker })', () => {
  const dockerfileOf = (preset: DockerPreset, healthCommand: readonly string[]) => {
    const files = synthSnapshot((outdir) => {
      const p = bareProject(outdir, 'jobs');
      const worker = new Worker(p, 'billing', { healthCommand });
      new DockerImage(p, 'image', { service: worker, preset });
      return p;
    });
    return files.Dockerfile;
  };

  // The go image is distroless static: its command is the binary, by its absolute path (SS-IMAGE-COMMAND).
  test.each([
    ['node', DockerPreset.node(), ['node', 'dist/health.js']],
    ['python', DockerPreset.python({ command: ['python', '-m', 'worker'] }), ['python', '-m', 'worker.health']],
    ['go', DockerPreset.go(), ['/app', '-health']],
  ])('THEN the %s image exposes no port, sets no PORT, and its HEALTHCHECK is the worker\'s command (exec form)', (_name, preset, command) => {
    const dockerfile = dockerfileOf(preset, command);
    expect(dockerfile).not.toMatch(/^EXPOSE/m);
    expect(dockerfile).not.toMatch(/PORT|8080|healthz|127\.0\.0\.1/);
    expect(dockerfile).toContain(`HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\\n  CMD ${JSON.stringify(command)}\n`);
    expect(dockerfile.match(/HEALTHCHECK/g)).toHaveLength(1);
  });

  test('THEN an EXPOSE added by a custom preset is a problem: a worker has no port', () => {
    const { error } = synthError((p) => {
      const worker = new Worker(p, 'billing', { healthCommand: ['true'] });
      new DockerImage(p, 'image', {
        service: worker,
        preset: DockerPreset.custom({
          stages: (df, ctx) => {
            const runtime = df.addStage('runtime', { from: ctx.baseImages.get('node') }).expose(8080);
            ctx.finishRuntime(runtime, { uid: 1000, healthcheck: ['false'], entrypoint: ['node', 'worker.js'] });
          },
        }),
      });
    });
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-DOCKER-EXPOSE', path: 'bad/image/runtime', got: '8080' })]);
    expect(error.problems[0].expected).toContain('bad/billing is a worker and has no port');
  });

  test('THEN a service image still exposes its port and probes its health path (unchanged)', () => {
    const project = bareProject('/tmp/shipshape-never-synthesized', 'svc');
    const api = new Service(project, 'api');
    const image = new DockerImage(project, 'image', { service: api, preset: DockerPreset.node() });
    const dockerfile = renderDockerfile((image._contribute().model as ImageModel).dockerfile);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toContain('http://127.0.0.1:8080/healthz');
  });
});

describe('GIVEN the worker built in a stack of a shared environment (harness)', () => {
  const { model } = workerProject({
    queue: { maxReceiveCount: 7, visibilityTimeout: Duration.minutes(10) },
    scaling: { min: 2, max: 9, messagesPerTask: 40 },
  });
  const h = workerHarness(model);
  const resources = Object.entries<any>(h.template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => h.stack.getLogicalId(construct.node.defaultChild as never);
  const queueId = logicalId(h.built.queue);
  const dlqId = logicalId(h.built.deadLetterQueue);
  // Imported from the publisher's stack (which exports it): the worker's stack cannot deploy before the topic exists.
  const topicArn = { 'Fn::ImportValue': 'orders-prod:EventsTopicArn' };

  test('THEN the queue sends a message to its dead-letter queue after maxReceiveCount receives, both encrypted and named', () => {
    const queue = h.template.Resources[queueId].Properties;
    expect(queue).toMatchObject({
      QueueName: 'billing-prod',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 7 },
      VisibilityTimeout: 600,
      MessageRetentionPeriod: 345_600,
      SqsManagedSseEnabled: true,
    });
    expect(h.template.Resources[dlqId].Properties).toEqual({ QueueName: 'billing-prod-dlq', MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
  });

  test('THEN the queue subscribes to the publisher\'s topic by its name (raw delivery), and only that topic may send to it', () => {
    expect(ofType('AWS::SNS::Subscription').map(([, r]) => r.Properties)).toEqual([
      { Protocol: 'sqs', TopicArn: topicArn, Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] }, RawMessageDelivery: true },
    ]);
    const policy = ofType('AWS::SQS::QueuePolicy').find(([, r]) => r.Properties.Queues[0].Ref === queueId)![1].Properties.PolicyDocument.Statement;
    const allows = policy.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([{
      Sid: 'PublisherTopicsSend',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': [topicArn] } },
    }]);
    // Both queues refuse requests without TLS.
    for (const [, r] of ofType('AWS::SQS::QueuePolicy')) {
      expect(r.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  test('THEN the container gets QUEUE_URL, the health command as its health check, no port; the task role may only consume that queue', () => {
    const [, task] = ofType('AWS::ECS::TaskDefinition')[0];
    const container = task.Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual([{ Name: 'QUEUE_URL', Value: { Ref: queueId } }]);
    expect(container.HealthCheck).toEqual({ Command: ['CMD', 'node', 'dist/health.js'], Interval: 30, Timeout: 5, StartPeriod: 10, Retries: 3 });
    expect(container.PortMappings).toBeUndefined();
    const role = task.Properties.TaskRoleArn['Fn::GetAtt'][0];
    const policies = ofType('AWS::IAM::Policy').filter(([, r]) => r.Properties.Roles.some((x: any) => x.Ref === role));
    expect(policies.flatMap(([, r]) => r.Properties.PolicyDocument.Statement)).toEqual([{
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
    }]);
  });

  test('THEN the ECS service has no load balancer, runs in private subnets without a public IP, and is a Service Connect client', () => {
    const [, service] = ofType('AWS::ECS::Service')[0];
    expect(service.Properties.LoadBalancers).toBeUndefined();
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets.every((s: any) => /PrivateSubnet/.test(s.Ref))).toBe(true);
    expect(service.Properties.ServiceConnectConfiguration).toEqual({ Enabled: true, Namespace: { 'Fn::GetAtt': [expect.stringMatching(/^Namespace/), 'Arn'] } });
    expect(service.Properties.ServiceConnectConfiguration.Services).toBeUndefined();
    expect(resources.filter(([, r]) => /ElasticLoadBalancing/.test(r.Type))).toEqual([]);
    const text = JSON.stringify(h.template);
    expect(text).not.toContain('8080');
    expect(text).not.toContain('/healthz');
    const [, sg] = ofType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('WorkerSecurityGroup'))!;
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('THEN it scales on the backlog per task: visible messages / running tasks (metric math), tracking messagesPerTask', () => {
    const [, target] = ofType('AWS::ApplicationAutoScaling::ScalableTarget')[0];
    expect(target.Properties).toMatchObject({ MinCapacity: 2, MaxCapacity: 9 });
    const [, policy] = ofType('AWS::ApplicationAutoScaling::ScalingPolicy')[0];
    const config = policy.Properties.TargetTrackingScalingPolicyConfiguration;
    expect(config.TargetValue).toBe(40);
    const metrics = config.CustomizedMetricSpecification.Metrics;
    expect(metrics.find((m: any) => m.ReturnData)).toEqual({ Id: 'e1', Expression: 'm1 / m2', Label: 'backlog per task', ReturnData: true });
    expect(metrics.find((m: any) => m.Id === 'm1').MetricStat).toEqual({
      Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] },
      Stat: 'Sum',
    });
    const tasks = metrics.find((m: any) => m.Id === 'm2').MetricStat;
    expect(tasks.Metric.Namespace).toBe('ECS/ContainerInsights');
    expect(tasks.Metric.MetricName).toBe('RunningTaskCount');
    expect(tasks.Metric.Dimensions.map((d: any) => d.Name)).toEqual(['ClusterName', 'ServiceName']);
  });

  test('THEN it alarms (WARNING route) on the oldest message\'s age and on dead letters, with the thresholds of the model', () => {
    const alarms = Object.fromEntries(ofType('AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.AlarmName, r.Properties]));
    expect(Object.keys(alarms).sort()).toEqual(['billing-prod-dead-letters', 'billing-prod-oldest-message-age']);
    // Twice the 10-minute visibility timeout: one retry must not alarm.
    expect(alarms['billing-prod-oldest-message-age']).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: 'billing-prod' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1200,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms['billing-prod-dead-letters']).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'billing-prod-dlq' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    for (const a of Object.values<any>(alarms)) {
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Warning/) }]);
      expect(a.OKActions).toEqual(a.AlarmActions);
    }
  });

  test('THEN the stack has the ImageTag parameter and the outputs the pipeline waits on, as a service\'s stack', () => {
    expect(Object.keys(h.template.Parameters)).toEqual(['ImageTag']);
    expect(h.template.Outputs.EcsClusterName.Value).toEqual({ Ref: expect.stringMatching(/^Cluster/) });
    expect(h.template.Outputs.EcsServiceName.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Service/), 'Name'] });
    expect(h.template.Outputs.QueueUrl.Value).toEqual({ Ref: queueId });
  });

  const installed = cfnLintVersion();
  (installed ? test : test.skip)(installed ? 'THEN cfn-lint finds nothing in the template' : `THEN cfn-lint finds nothing (SKIPPED: cfn-lint is not on PATH; ${CFN_LINT_INSTALL})`, () => {
    const findings = cfnLint([{ name: 'billing-prod.template.json', content: JSON.stringify(h.template, null, 1) }]);
    expect(findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
  });

  test('THEN cdk-nag (AwsSolutions) reports nothing on the worker\'s resources without an acknowledgement', () => {
    type Report = { violations: Array<{ ruleName: string; violatingResources: Array<{ constructPath: string }> }> };
    const report = new AwsSolutionsChecks(h.app).validateScope(h.app) as unknown as Report;
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    const harness = new RegExp(`^billing-prod/(${HARNESS_IDS.join('|')})/`);
    expect(findings.filter((f) => !harness.test(f.split(' at ')[1]))).toEqual([]);
    // The check runs: the harness's own VPC (no flow log) is reported.
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-VPC7 at billing-prod\/Vpc\//)]));
  });
});

describe('GIVEN a publishing service\'s topic (buildTopic)', () => {
  const { model } = workerProject();
  const h = workerHarness(model, { publisherTopic: true });
  test('THEN the topic is <service>-<env>-events, on its own rotated key, TLS only; the service gets <NAME>_TOPIC_ARN and may publish', () => {
    const [, topic] = Object.entries<any>(h.template.Resources).find(([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties.TopicName === 'orders-prod-events')!;
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    expect(h.template.Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    const policy = Object.values<any>(h.template.Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties.Topics).includes('EventsTopic'))!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  test('THEN its wiring names the variable after the service and grants exactly publish and the key\'s data-key actions', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
    const stack = new Stack(new App(), 'orders-prod', { env: { account: ACCOUNT, region: REGION } });
    const built = buildTopic(stack, { ...model.services[0], name: 'orders-api' }, model.environments[0]);
    expect(Object.keys(built.wiring.variables)).toEqual(['ORDERS_API_TOPIC_ARN']);
    expect(built.wiring.taskPolicy.map((s) => stack.resolve(s.toStatementJson()))).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^EventsTopic/) } },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EventsTopicKey/), 'Arn'] } },
    ]);
  });
});

describe('GIVEN the worker\'s runbooks', () => {
  const { model } = workerProject();
  const h = workerHarness(model);
  const files = renderWorkerRunbooks(model);
  const env = model.environments[0];

  test('THEN there is one per alarm, at docs/runbooks/<worker>-<alarm>.md, linking the alarm the stack creates', () => {
    expect(files.map((f) => f.path)).toEqual(['docs/runbooks/billing-oldest-message-age.md', 'docs/runbooks/billing-dead-letters.md']);
    const alarms = Object.values<any>(h.template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmName);
    for (const f of files) {
      const links = [...f.content.matchAll(/#alarmsV2:alarm\/([^)\s]+)\)/g)].map((m) => m[1]);
      expect(links.length).toBe(1);
      expect(alarms).toContain(links[0]);
    }
  });

  /** Every problem of every `aws` command of the runbooks, checked against the CLI reference and the harness template. */
  const problemsOf = (texts: ReadonlyArray<{ path: string; content: string }>) => {
    const problems: string[] = [];
    const commands: string[] = [];
    for (const f of texts) {
      for (const b of shBlocks(f.path, f.content)) {
        for (const line of b.lines) {
          if (/<[a-z][a-z -]*>/.test(line)) problems.push(`${f.path}: a placeholder in ${line}`);
          for (const words of simpleCommands(line)) {
            if (words[0] !== 'aws') continue;
            commands.push(words.slice(1, 3).join(' '));
            problems.push(...awsProblems(words, h.stack.stackName, env, h.template).map((p) => `${f.path}: ${p}`));
          }
        }
      }
    }
    return { problems, commands };
  };

  test('THEN every command is a real AWS CLI command with real options, the region, and the names of the template (queues, cluster, service, log group, alarms)', () => {
    const { problems, commands } = problemsOf(files);
    expect(problems).toEqual([]);
    expect(commands).toEqual(expect.arrayContaining(['sqs get-queue-url', 'sqs get-queue-attributes', 'sqs receive-message', 'sqs start-message-move-task', 'ecs describe-services', 'logs tail']));
  });

  test('THEN the dead-letter redrive moves the messages of the dead-letter queue back to their source (no destination)', () => {
    const dead = files.find((f) => f.path.endsWith('dead-letters.md'))!.content;
    expect(dead).toContain(`aws sqs start-message-move-task --region ${REGION} --source-arn arn:aws:sqs:${REGION}:${ACCOUNT}:billing-prod-dlq\n`);
  });

  test('THEN the check can fail: a queue, an ARN or a cluster the template does not have is found', () => {
    const wrong = files.map((f) => ({ ...f, content: f.content.replace(/billing-prod-dlq/g, 'billing-dev-dlq').replace(/--cluster demo-prod/g, '--cluster api-prod') }));
    const { problems } = problemsOf(wrong);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('--queue-name billing-dev-dlq is no queue of billing-prod'),
      expect.stringContaining(`--source-arn arn:aws:sqs:${REGION}:${ACCOUNT}:billing-dev-dlq is the ARN of no queue`),
      expect.stringContaining('--cluster api-prod is no cluster of billing-prod'),
    ]));
  });
});

describe('GIVEN the execution role CloudFormation deploys a worker\'s stack with', () => {
  const { model } = workerProject();
  const h = workerHarness(model, { publisherTopic: true });
  // The worker's resources (and the topic's): the harness's shared pieces belong to the environment stack.
  const harness = (id: string) => HARNESS_IDS.some((p) => id.startsWith(p));
  const template = { ...h.template, Resources: Object.fromEntries(Object.entries<any>(h.template.Resources).filter(([id]) => !harness(id))) };
  const ctx = { account: ACCOUNT, region: REGION, partition: 'aws', stackName: 'billing-prod' };

  test('THEN every resource type has handler data (an unknown type would stop synthesis), and the SQS and SNS needs are scoped to the named queues and topics', () => {
    const types = new Set(Object.values<any>(template.Resources).map((r) => r.Type));
    expect([...types]).toEqual(expect.arrayContaining(['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::KMS::Key']));
    const needs = templateNeeds('infra/billing-prod.template.json', template, ctx);
    const on = (action: string) => [...new Set(needs.filter((n) => n.action === action).map((n) => n.resource))].sort();
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:billing-prod`;
    expect(on('sqs:CreateQueue')).toEqual([queue, `${queue}-dlq`]);
    expect(on('sqs:SetQueueAttributes')).toEqual([queue, `${queue}-dlq`]);
    expect(on('sns:Subscribe')).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:orders-prod-events`]);
    expect(on('sns:Unsubscribe')).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:orders-prod-events`]);
  });

  test('THEN the statements generated from those needs allow every one of them (iam-simulate), with no wildcard action', async () => {
    const needs = templateNeeds('infra/billing-prod.template.json', template, ctx);
    const statements = statementsFor(needs, 'Worker');
    expect(statements.flatMap((s) => [s.Action ?? []].flat()).filter((a) => a === '*' || /:\*$/.test(a))).toEqual([]);
    const denied: string[] = [];
    const seen = new Set<string>();
    for (const need of needs) {
      const key = JSON.stringify([need.action, need.resource, need.context ?? {}]);
      if (seen.has(key)) continue;
      seen.add(key);
      const result = await runSimulation({
        identityPolicies: [{ name: 'execution', policy: { Version: '2012-10-17', Statement: statements } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          principal: `arn:aws:iam::${ACCOUNT}:role/execution`,
          action: need.action,
          resource: { resource: need.resource === '*' ? '*' : need.resource.replace(/\*/g, 'x-unknown-0'), accountId: ACCOUNT },
          contextVariables: { ...need.context },
        },
      }, {});
      const allowed = result.resultType === 'wildcard'
        ? result.results.some((r) => r.resourcePattern === '*' && r.analysis?.result === 'Allowed')
        : result.resultType !== 'error' && result.overallResult === 'Allowed';
      if (!allowed) denied.push(`${need.action} on ${need.resource} (${need.neededBy})`);
    }
    expect(denied).toEqual([]);
    expect(seen.size).toBeGreaterThan(40);
  });
});

test('GIVEN the worker project THEN the shared names agree: the project synthesizes nothing for the worker\'s stack yet, and validates', () => {
  const project = bareProject('/tmp/shipshape-never-synthesized', 'shop');
  const orders = new Service(project, 'orders', { publishes: true });
  new Worker(project, 'billing', { healthCommand: ['true'], subscribe: [orders] });
  new Environment(project, 'prod', { account: ACCOUNT, region: REGION });
  expect(Shipshape.of(project).validate()).toEqual([]);
});
