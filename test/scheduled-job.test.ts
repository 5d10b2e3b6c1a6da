/**
 * ScheduledJob: its props (bad input names the path, property and value), and the job's resources built by
 * buildScheduledJob in a harness stack (Vpc + Cluster + HttpNamespace + topics): cfn-lint, AWS's CloudFormation
 * validator and cdk-nag pass; the schedule, the state machine's retry and timeout, the roles and the alarms are
 * what the job declares; no load balancer, port or health path anywhere.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { newProject } from './docker-helpers';
import { awsProblems, shBlocks, simpleCommands } from './runbook-checker';
import { Template, harness, jobModel, nightly, templateOf } from './scheduled-job-harness';
import { bareProject, expectRejected } from './util';
import { DockerImage, DockerPreset, Duration, Environment, HealthCommand, Pipeline, ScheduledJob, Service, Shipshape } from '../src';
import { NON_ZERO_EXIT_ERROR } from '../src/cloudformation/scheduled-job';
import { DOCKER_RULES } from '../src/policy/docker-rules';
import { evaluatePolicy } from '../src/policy/policy';
import { synthSnapshot } from '../src/testing/synth';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';
import { CloudFormationValidator } from '../src/validators/cloudformation';

jest.setTimeout(120_000);

describe('bad input', () => {
  const rejected = (props: Record<string, unknown>) => expectRejected((outdir) => {
    const p = bareProject(outdir, 'shop');
    new ScheduledJob(p, 'report', props as never);
    return p;
  });

  test.each([
    ['cron(0 3 * * *)', 'six fields in cron(minutes hours day-of-month month day-of-week year), got 5'],
    ['cron(0 3 * * * *)', "exactly one of day-of-month ('*') and day-of-week ('*') must be '?'"],
    ['cron(61 3 * * ? *)', "minutes '61': 61 is outside 0-59"],
    ['cron(0 3 ? * FUN *)', "day-of-week 'FUN': 'FUN' is not a number or a name"],
    ['rate(1 hours)', "'hour' (singular) with the value 1, got 'hours'"],
    ['rate(5 minute)', "'minutes' (plural) with the value 5, got 'minute'"],
    ['rate(2 weeks)', "a rate unit of minute(s), hour(s) or day(s), got 'weeks'"],
    ['at(2026-12-01T03:00:00)', 'a recurring schedule (cron or rate): at(...) runs once'],
    ['0 3 * * *', 'a recurring EventBridge Scheduler expression'],
  ])('schedule %p', (schedule, expected) => {
    const err = rejected({ schedule });
    const p = err.problems.find((x) => x.property === 'schedule')!;
    expect(p).toBeDefined();
    expect(p.path).toBe('shop/report');
    expect(p.got).toBe(`'${schedule}'`);
    expect(p.expected).toContain(expected);
    expect(p.code).toBe('SS-JOB-SCHEDULE');
  });

  test('good schedules pass: L, W, #, named months and weekdays, ranges and steps', () => {
    for (const schedule of ['cron(0 3 ? * MON-FRI *)', 'cron(0/15 8-18 L * ? *)', 'cron(0 0 15W JAN,JUL ? 2030-2040)', 'cron(0 9 ? * 2#1 *)', 'rate(1 day)', 'rate(30 minutes)']) {
      expect(() => jobModel((p) => { new ScheduledJob(p, 'report', { schedule }); })).not.toThrow();
    }
  });

  test('a timeout outside 1 minute to 1 day, retries above 10, an unknown time zone and an unknown key, all at once', () => {
    const err = rejected({ schedule: 'rate(1 day)', timeout: Duration.seconds(30), retries: 11, timezone: 'Mars/Olympus', every: 'day' });
    const by = (property: string) => err.problems.find((x) => x.property === property);
    expect(by('timeout')).toMatchObject({ path: 'shop/report', got: expect.stringContaining('30s'), expected: expect.stringContaining('a Duration from 1 minute to 1 day') });
    expect(by('retries')).toMatchObject({ path: 'shop/report', got: '11' });
    expect(by('timezone')).toMatchObject({ path: 'shop/report', got: "'Mars/Olympus'", expected: expect.stringContaining('IANA time zone') });
    expect(by('every')).toMatchObject({ path: 'shop/report' });
    expect(err.problems.length).toBe(4);
  });

  test('a job and a service cannot share a name', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new Service(p, 'api');
      new ScheduledJob(p, 'nightly', { name: 'api', schedule: 'rate(1 day)' });
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
      return p;
    });
    expect(err.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'shop/nightly', property: 'name', got: "'api'" })]));
  });

  test('names that make a schedule group name over 64 characters', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new ScheduledJob(p, 'long', { name: `r${'e'.repeat(27)}port`, schedule: 'rate(1 day)' });
      new Environment(p, 'prod', { name: `p${'r'.repeat(30)}d`, account: '123456789012', region: 'eu-west-1' });
      return p;
    });
    expect(err.message).toContain('a valid EventBridge Scheduler schedule or schedule group name (at most 64 characters');
  });
});

describe('the job in a harness stack', () => {
  const model = jobModel(nightly);
  const { app, stack } = harness(model);
  const template = templateOf(app, stack);
  const resources = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  const one = (type: string) => {
    const found = resources(type);
    expect(found.length).toBe(1);
    return found[0][1];
  };
  const text = JSON.stringify(template);
  /** The state machine's definition, with the tokens of the Fn::Join left as placeholders. */
  const definition = () => {
    const join = one('AWS::StepFunctions::StateMachine').Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(join.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
  };

  test('cfn-lint and AWS\'s CloudFormation validator accept the template', () => {
    const content = JSON.stringify(template, null, 1);
    // The harness's own Vpc pins its availability zones (W3010): scaffolding, not the job's resources.
    const scaffolding = (m: string) => /hardcoding availability zones '[^']*' \(at Resources\/Vpc/.test(m);
    const validator = new CloudFormationValidator();
    try {
      expect(validator.validate(content, 'report-prod.template.json').filter((f) => f.severity !== 'info' && !scaffolding(f.message))).toEqual([]);
    } finally {
      validator.free();
    }
    if (!cfnLintVersion()) {
      console.warn(`cfn-lint is not on PATH: ${CFN_LINT_INSTALL}`);
      return;
    }
    expect(cfnLint([{ name: 'report-prod.template.json', content }]).filter((f) => f.severity !== 'info' && !scaffolding(f.message))).toEqual([]);
  });

  test('cdk-nag AwsSolutions reports nothing outside the harness\'s own Vpc and topics without an acknowledgement', () => {
    const nagApp = harness(model).app;
    type Report = { violations: Array<{ ruleName: string; violatingResources: Array<{ constructPath: string }> }> };
    const report = new AwsSolutionsChecks(nagApp).validateScope(nagApp) as unknown as Report;
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    // The harness's Vpc (no flow log) and plain topics (no SSL policy) stand in for the environment stack's.
    const own = findings.filter((f) => !/ at report-prod\/(Vpc|Critical|Warning)(\/|$)/.test(f));
    expect(own).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
  });

  test('the schedule: the expression, the time zone, no flexible window, started through the state machine, in its own group', () => {
    const schedule = one('AWS::Scheduler::Schedule').Properties;
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } },
    });
    const machine = resources('AWS::StepFunctions::StateMachine')[0][0];
    expect(schedule.Target.Arn).toEqual({ Ref: machine });
    expect(one('AWS::Scheduler::ScheduleGroup').Properties.Name).toBe('report-prod');
  });

  test('the state machine: a retried Parallel (2 retries) around RunTask .sync and an exit-code check; the execution times out after 1 h', () => {
    const d = definition();
    expect(d.TimeoutSeconds).toBe(3600);
    const run = d.States[d.StartAt];
    expect(run.Type).toBe('Parallel');
    expect(run.Retry).toEqual([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 1.5 }]);
    const branch = run.Branches[0];
    const task = branch.States[branch.StartAt];
    expect(task.Resource).toBe('arn:TOKEN:states:::ecs:runTask.sync');
    expect(task.Parameters).toMatchObject({
      LaunchType: 'FARGATE',
      TaskDefinition: 'TOKEN',
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['TOKEN', 'TOKEN'], SecurityGroups: ['TOKEN'], AssignPublicIp: 'DISABLED' } },
    });
    const check = branch.States[task.Next];
    expect(check.Choices[0].And).toEqual([
      { Variable: '$.Containers[0].ExitCode', IsPresent: true },
      { Variable: '$.Containers[0].ExitCode', NumericEquals: 0 },
    ]);
    expect(branch.States[check.Choices[0].Next].Type).toBe('Succeed');
    expect(branch.States[check.Default]).toMatchObject({ Type: 'Fail', Error: NON_ZERO_EXIT_ERROR });
    // The task runs in the private subnets of the shared VPC.
    const subnets = JSON.stringify(one('AWS::StepFunctions::StateMachine').Properties.DefinitionString);
    expect(subnets).toContain('VpcPrivateSubnet1');
    expect(subnets).not.toContain('VpcPublicSubnet');
  });

  test('retries 0 leaves no retrier; the timeout and schedule follow the props', () => {
    const m = jobModel((p) => {
      new ScheduledJob(p, 'sync', { schedule: 'rate(6 hours)', retries: 0, timeout: Duration.minutes(20) });
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    });
    const h = harness(m);
    const t = templateOf(h.app, h.stack);
    const sm = Object.values(t.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    const d = JSON.parse((sm.Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'T')).join(''));
    expect(d.TimeoutSeconds).toBe(1200);
    expect(d.States[d.StartAt].Retry).toBeUndefined();
    const schedule = Object.values(t.Resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')!;
    expect(schedule.Properties.ScheduleExpression).toBe('rate(6 hours)');
    expect(schedule.Properties.ScheduleExpressionTimezone).toBe('UTC');
  });

  test('roles: the scheduler may start this state machine only; the state machine may run this task family, pass the two task roles only, and manage the .sync rule', () => {
    const policies = resources('AWS::IAM::Policy').map(([, r]) => r.Properties);
    const of = (role: string) => policies.find((p) => p.Roles.some((r: { Ref: string }) => r.Ref.startsWith(role)))!.PolicyDocument.Statement;
    const machine = resources('AWS::StepFunctions::StateMachine')[0][0];
    expect(of('SchedulerRole')).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machine } }]);
    const schedulerTrust = resources('AWS::IAM::Role').find(([id]) => id.startsWith('SchedulerRole'))![1].Properties.AssumeRolePolicyDocument.Statement[0];
    expect(schedulerTrust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(schedulerTrust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });

    const sm = of('StateMachineRole');
    const statement = (action: string) => sm.find((s: { Action: string | string[] }) => [s.Action].flat().includes(action));
    const taskDefinition = resources('AWS::ECS::TaskDefinition')[0][0];
    const cluster = { 'Fn::GetAtt': [resources('AWS::ECS::Cluster')[0][0], 'Arn'] };
    // This revision only (the Ref of a task definition is its revision's ARN), on the environment's cluster only.
    expect(statement('ecs:RunTask')).toMatchObject({ Resource: { Ref: taskDefinition }, Condition: { ArnEquals: { 'ecs:cluster': cluster } } });
    expect(statement('ecs:StopTask')).toMatchObject({ Action: ['ecs:StopTask', 'ecs:DescribeTasks'], Condition: { ArnEquals: { 'ecs:cluster': cluster } } });
    const passed = statement('iam:PassRole');
    expect(passed.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect((passed.Resource as Array<{ 'Fn::GetAtt': [string, string] }>).map((r) => r['Fn::GetAtt'][0]).sort())
      .toEqual(resources('AWS::IAM::Role').map(([id]) => id).filter((id) => id.startsWith('TaskDefinition')).sort());
    expect(JSON.stringify(statement('events:PutRule').Resource)).toContain(':rule/StepFunctionsGetEventsForECSTaskRule');
    expect(statement('events:PutRule').Action).toEqual(['events:PutTargets', 'events:PutRule', 'events:DescribeRule']);
    // Nothing broad: no '*' action, no service:* action.
    for (const p of policies) for (const s of p.PolicyDocument.Statement) for (const a of [s.Action].flat()) expect(a).not.toMatch(/(^|:)\*$/);
  });

  test('the task: the image by tag from the registry, the command, the variables and the secret reference, logs; no port, no health check, no public IP', () => {
    const container = one('AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    // The job's whole command replaces the image's ENTRYPOINT: as a Command it would be appended to it.
    expect(container.EntryPoint).toEqual(['node', 'dist/report.js']);
    expect(container.Command).toBeUndefined();
    expect(container.Environment).toEqual([{ Name: 'LOG_LEVEL', Value: 'info' }]);
    expect(container.Secrets[0].Name).toBe('API_TOKEN');
    expect(JSON.stringify(container.Image)).toContain('/report:');
    expect(JSON.stringify(container.Image)).toContain('"Ref":"ImageTag"');
    expect(container.PortMappings).toBeUndefined();
    expect(container.HealthCheck).toBeUndefined();
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
    expect(template.Parameters!.ImageTag.AllowedPattern).toBeDefined();
    const sg = one('AWS::EC2::SecurityGroup');
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
  });

  test('no load balancer, no port 8080, no /healthz anywhere', () => {
    expect(text).not.toContain('ElasticLoadBalancing');
    expect(text).not.toContain('8080');
    expect(text).not.toContain('/healthz');
  });

  test('alarms: failed runs (ExecutionsFailed + ExecutionsTimedOut) and missed runs (TargetErrorCount + InvocationDroppedCount), both to the WARNING topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(['report-prod-failed-runs', 'report-prod-missed-runs']);
    const warning = resources('AWS::SNS::Topic').find(([id]) => id.startsWith('Warning'))![0];
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: warning }]);
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', EvaluationPeriods: 1 });
    }
    const metrics = (name: string) => alarms.find((a) => a.AlarmName === name)!.Metrics.filter((m: any) => m.MetricStat)
      .map((m: any) => `${m.MetricStat.Metric.Namespace} ${m.MetricStat.Metric.MetricName} ${m.MetricStat.Metric.Dimensions[0].Name}`);
    expect(metrics('report-prod-failed-runs')).toEqual(['AWS/States ExecutionsFailed StateMachineArn', 'AWS/States ExecutionsTimedOut StateMachineArn']);
    expect(metrics('report-prod-missed-runs')).toEqual(['AWS/Scheduler TargetErrorCount ScheduleGroup', 'AWS/Scheduler InvocationDroppedCount ScheduleGroup']);
  });

  test('outputs the pipeline and the runbooks read', () => {
    expect(Object.keys(template.Outputs!).sort()).toEqual(['JobScheduleName', 'JobStateMachineArn', 'JobTaskDefinitionArn', 'LogGroupName']);
    expect(one('AWS::StepFunctions::StateMachine').Properties.StateMachineName).toBe('report-prod');
    expect(one('AWS::ECS::TaskDefinition').Properties.Family).toBe('report-prod');
  });
});

test('the template written beside the harness is one a workload stack can hold alone (shared pieces imported)', () => {
  const model = jobModel(nightly);
  const { app, stack } = harness(model, { imported: true });
  const t: Template = templateOf(app, stack);
  const types = [...new Set(Object.values(t.Resources).map((r) => r.Type))].sort();
  expect(types).toEqual([
    'AWS::CloudWatch::Alarm', 'AWS::EC2::SecurityGroup', 'AWS::ECS::TaskDefinition', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Logs::LogGroup',
    'AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup', 'AWS::StepFunctions::StateMachine',
  ]);
});

describe('the job\'s image', () => {
  test.each([
    ['node', DockerPreset.node()],
    ['python', DockerPreset.python({ command: ['python', '-m', 'report', '--port', '9999'] })],
    ['go', DockerPreset.go()],
  ])('DockerImage({ service: job, preset: %s }): no PORT, no EXPOSE, no HEALTHCHECK; non-root, an ENTRYPOINT; the policy is clean', (_name, preset) => {
    const files = synthSnapshot((outdir) => {
      const p = bareProject(outdir, 'shop');
      new DockerImage(p, 'image', { service: new ScheduledJob(p, 'report', { schedule: 'rate(1 day)' }), preset });
      return p;
    });
    const dockerfile = files.Dockerfile;
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    // No port, and no health check: the image says so (HEALTHCHECK NONE), its exit code is its health.
    expect(runtime).not.toMatch(/^EXPOSE\b/m);
    expect(runtime.match(/^HEALTHCHECK.*$/gm)).toEqual(['HEALTHCHECK NONE']);
    expect(runtime).not.toMatch(/^ENV PORT=/m);
    expect(runtime).toMatch(/^USER [1-9]\d*:\d+$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \[/m);
    expect(dockerfile).not.toContain('8080');
    expect(dockerfile).not.toContain('/healthz');
  });

  test('SS-DOCKER-HEALTHCHECK is not asked of a job\'s image, and still is of a service\'s', () => {
    const project = newProject();
    const preset = DockerPreset.custom({
      stages: (df, ctx) => ctx.finishRuntime(df.addStage('runtime', { from: { image: 'alpine', tag: '3.20' } }), {
        uid: 10001, healthcheck: HealthCommand.wget(ctx.healthUrl), entrypoint: ['/app'],
      }),
    });
    new DockerImage(project, 'job-image', { service: new ScheduledJob(project, 'report', { schedule: 'rate(1 day)' }), preset });
    const api = new DockerImage(project, 'api-image', { service: new Service(project, 'api'), preset });
    // The service's image loses its HEALTHCHECK: the rule must still see that.
    const model = Shipshape.of(project).model();
    const stripped = model.images.map((i) => (i.path !== api.constructPath ? i : {
      ...i,
      dockerfile: { ...i.dockerfile, stages: i.dockerfile.stages.map((st) => ({ ...st, instructions: st.instructions.filter((x) => x.kind !== 'healthcheck') })) },
    }));
    const found = evaluatePolicy(DOCKER_RULES, { model: { ...model, images: stripped }, files: [] }, []).filter((f) => f.rule.id === 'SS-DOCKER-HEALTHCHECK');
    expect(found.map((f) => f.violation.path)).toEqual(['demo/api-image/runtime']);
  });

  test('an EXPOSE in a job\'s image is a problem: the job has no port', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      const image = new DockerImage(p, 'image', { service: new ScheduledJob(p, 'report', { schedule: 'rate(1 day)' }), preset: DockerPreset.node() });
      image.targetStage.expose(8081);
      return p;
    });
    expect(err.problems).toEqual([expect.objectContaining({ code: 'SS-DOCKER-EXPOSE', path: 'shop/image/runtime', property: 'expose', got: '8081' })]);
  });
});

describe('the job\'s runbooks', () => {
  const model = jobModel(nightly);
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir, 'shop');
    nightly(p);
    return p;
  });
  const h = harness(model);
  const template = templateOf(h.app, h.stack);
  const env = model.environments[0];
  /** Every problem of every command of a runbook, checked against the job's template in its environment. */
  const problemsOf = (file: string, text: string) => {
    const problems: string[] = [];
    let commands = 0;
    for (const b of shBlocks(file, text)) {
      expect(b.heading).toBe('prod');
      for (const line of b.lines) {
        if (/<[a-z][a-z -]*>/.test(line)) problems.push(`a placeholder in ${line}`);
        for (const words of simpleCommands(line)) {
          if (words[0] !== 'aws') continue;
          commands++;
          problems.push(...awsProblems(words, 'report-prod', env, template));
        }
      }
    }
    return { problems, commands };
  };

  test.each(['failed-runs', 'missed-runs'])('docs/runbooks/report-%s.md: real AWS CLI commands and options, names from the job\'s template, and how to run the job by hand', (alarm) => {
    const text = files[`docs/runbooks/report-${alarm}.md`];
    expect(text).toBeDefined();
    const { problems, commands } = problemsOf(`docs/runbooks/report-${alarm}.md`, text);
    expect(problems).toEqual([]);
    expect(commands).toBeGreaterThanOrEqual(alarm === 'failed-runs' ? 10 : 5);
    expect(text).toContain('aws stepfunctions start-execution --region eu-west-1 --state-machine-arn arn:aws:states:eu-west-1:123456789012:stateMachine:report-prod');
    expect(text).toContain('[`report-prod-' + alarm + '`](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/report-prod-' + alarm + ')');
    expect(text).toContain('| Severity | **WARNING** |');
    expect(text).toContain('`cron(0 3 * * ? *)` (Europe/Paris), 2 retries, timeout 1 h');
    // The alarm it documents is one the job's template creates.
    expect(template.Resources[Object.keys(template.Resources).find((id) => template.Resources[id].Properties?.AlarmName === `report-prod-${alarm}`)!]).toBeDefined();
  });

  test('the checker can fail: a state machine, a family or a schedule group the template does not have', () => {
    const text = files['docs/runbooks/report-failed-runs.md'].replace(/stateMachine:report-prod/g, 'stateMachine:report-dev').replace(/--family report-prod/, '--family report');
    const { problems } = problemsOf('x.md', text);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('is no state machine of report-prod'), expect.stringContaining('--family report is no task definition family')]));
    const missed = files['docs/runbooks/report-missed-runs.md'].replace('--group-name report-prod', '--group-name default');
    expect(problemsOf('y.md', missed).problems).toEqual([expect.stringContaining('--group-name default is no schedule group')]);
  });
});

describe('a project with a service and a job', () => {
  test('synthesizes: the job\'s image and runbooks beside the service\'s outputs, which do not mention the job', () => {
    const files = synthSnapshot((outdir) => {
      const p = bareProject(outdir, 'shop');
      const web = new Service(p, 'web');
      const report = new ScheduledJob(p, 'report', { schedule: 'rate(1 day)' });
      new DockerImage(p, 'web-image', { service: web, preset: DockerPreset.node() });
      new DockerImage(p, 'report-image', { service: report, preset: DockerPreset.node(), dockerfilePath: 'report/Dockerfile', contextPath: 'report' });
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new Pipeline(p, 'ci', { checks: { lint: false } });
      return p;
    });
    expect(files['report/Dockerfile']).not.toMatch(/^EXPOSE/m);
    expect(files['report/Dockerfile'].match(/^HEALTHCHECK.*$/gm)).toEqual(['HEALTHCHECK NONE']);
    expect(files.Dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(Object.keys(files).filter((f) => f.startsWith('docs/runbooks/report-')).sort()).toEqual(['docs/runbooks/report-failed-runs.md', 'docs/runbooks/report-missed-runs.md']);
    expect(files['infra/prod.template.json']).toBeDefined();
    expect(files['infra/prod.template.json']).not.toContain('report');
  });

  test('a secret-looking plain value in a job\'s env is SS-SECRET-PLAIN, as in a service\'s', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new ScheduledJob(p, 'report', { schedule: 'rate(1 day)', env: { AWS_KEY: { value: 'AKIAIOSFODNN7EXAMPLE' } } });
      return p;
    });
    expect(err.problems.map((x) => x.code)).toContain('SS-SECRET-PLAIN');
  });
});
