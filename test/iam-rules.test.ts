/**
 * SS-IAM-MISSING and SS-IAM-BROAD: at synthesis (a pipeline step or customization that needs more than its role may
 * do stops synthesis, naming the role, the action, the resource and what needs it) and over the files on disk
 * (`shipshape validate`: a hand-edited policy).
 */
import { CfnResource } from 'aws-cdk-lib';
import { Project } from 'projen';
import { createProject } from '../examples/node-api/.projenrc';
import { DockerImage, DockerPreset, Environment, Pipeline, Service, Shipshape, ShipshapeError } from '../src';
import { evaluate } from '../src/iam/evaluate';
import { crossFindings } from '../src/policy/cross-artifact';
import { collectIamChecks, IAM_RULES } from '../src/policy/iam-rules';
import { readGenerated, synthSnapshot } from '../src/testing/synth';

jest.setTimeout(120_000);

/** A small deployable project; `customize` may add to its pipeline. */
function small(customize: (p: { pipeline: Pipeline; env: Environment }) => void = () => undefined) {
  return (outdir: string) => {
    const project = new Project({ name: 'shop', outdir });
    Shipshape.configure(project, { repository: 'acme/shop', cloudFormationValidation: false });
    const svc = new Service(project, 'web');
    const env = new Environment(project, 'prod', { account: '123456789012', region: 'us-east-1' });
    new DockerImage(project, 'image', { service: svc, preset: DockerPreset.node() });
    const pipeline = new Pipeline(project, 'ci', { checks: { lint: false } });
    customize({ pipeline, env });
    return project;
  };
}

function synthError(factory: (outdir: string) => Project): ShipshapeError {
  try {
    synthSnapshot(factory);
  } catch (e) {
    if (e instanceof ShipshapeError) return e;
    throw e;
  }
  throw new Error('synthesis did not stop');
}

describe('SS-IAM-MISSING at synthesis', () => {
  test('the flagship example passes both IAM rules', () => {
    const files = synthSnapshot((outdir) => createProject(outdir));
    const artifacts = Object.entries(files).map(([name, content]) => ({ name, content }));
    expect(IAM_RULES.flatMap((r) => r.check(artifacts))).toEqual([]);
  });

  test('a step that calls AWS beyond the deploy role stops synthesis, naming the role, the action, the resource and the step', () => {
    const err = synthError(small(({ pipeline }) => pipeline.addStep('deploy-prod', {
      name: 'Read the feature switch',
      env: { SWITCH: '/shop/prod/switch' },
      run: 'aws ssm get-parameter --name "$SWITCH" --query Parameter.Value --output text',
    }, { after: 'Deploy web' })));
    const p = err.problems.find((x) => x.code === 'SS-IAM-MISSING');
    expect(p).toMatchObject({
      property: 'role 123456789012/shipshape-shop-prod-deploy ssm:GetParameter',
      got: expect.stringContaining('ssm:GetParameter on arn:aws:ssm:us-east-1:123456789012:parameter/shop/prod/switch not allowed'),
      expected: expect.stringContaining('needed by .github/workflows/ci.yml: deploy-prod / Read the feature switch: aws ssm get-parameter'),
    });
  });

  test('an aws command the proof does not know stops synthesis with where to map it', () => {
    const err = synthError(small(({ pipeline }) => pipeline.addStep('deploy-prod', {
      name: 'Force a new deployment',
      run: 'aws ecs update-service --cluster web-prod --service web --force-new-deployment',
    })));
    expect(err.problems.find((x) => x.code === 'SS-IAM-MISSING')).toMatchObject({
      property: 'jobs.deploy-prod',
      got: expect.stringMatching(/Force a new deployment: aws ecs update-service: 'aws ecs update-service' is not in the IAM proof's command table/),
    });
  });

  test('a step that calls AWS in a job without a role stops synthesis', () => {
    const err = synthError(small(({ pipeline }) => pipeline.addJob('inventory', {
      runsOn: 'ubuntu-24.04',
      steps: [{ name: 'List', run: 'aws s3 ls s3://shop-inventory' }],
    })));
    expect(err.problems.find((x) => x.code === 'SS-IAM-MISSING')?.got).toMatch(/inventory \/ List: aws s3 ls: calls AWS before any aws-actions\/configure-aws-credentials step assumed a role/);
  });

  test('a stack customization adding a resource type: the execution role is granted what it needs, and the rule proves it', () => {
    const files = synthSnapshot(small(({ env }) => env.addStackCustomization((stack) => {
      new CfnResource(stack, 'Orders', { type: 'AWS::SQS::Queue', properties: { MessageRetentionPeriod: 1209600 } });
    })));
    const { roles, checks } = collectIamChecks(Object.entries(files).map(([name, content]) => ({ name, content })));
    // One check per template the role deploys (the environment stack's, the service's): the customization is the service's.
    const exec = checks.find((c) => c.roleArn.endsWith('-cfn-exec') && c.needs.some((n) => n.action === 'sqs:CreateQueue'))!;
    const createQueue = exec.needs.find((n) => n.action === 'sqs:CreateQueue')!;
    expect(createQueue.neededBy).toMatch(/Orders\w* \(AWS::SQS::Queue\) create/);
    expect(evaluate(roles.get(exec.roleArn)!.statements, createQueue).allowed).toBe(true);
  });

  test('a stack customization adding a resource type shipshape has no data for stops synthesis, naming the type', () => {
    const err = synthError(small(({ env }) => env.addStackCustomization((stack) => {
      new CfnResource(stack, 'Pipe', { type: 'AWS::Pipes::Pipe', properties: {} });
    })));
    expect(err.message).toContain('AWS::Pipes::Pipe');
  });

  test('a project that deploys cleanly has no IAM finding', () => {
    expect(() => synthSnapshot(small())).not.toThrow();
  });
});

describe('the IAM rules over the files on disk (shipshape validate)', () => {
  const files = () => Object.entries(synthSnapshot(small())).map(([name, content]) => ({ name, content }));
  const bootstrapOf = (fs: Array<{ name: string; content: string }>) => fs.find((f) => /bootstrap[^/]*\.template\.json$/.test(f.name))!;
  const edit = (fs: Array<{ name: string; content: string }>, change: (t: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const b = bootstrapOf(fs);
    const t = JSON.parse(b.content);
    change(t);
    return fs.map((f) => (f === b ? { name: f.name, content: JSON.stringify(t) } : f));
  };
  const policies = (t: any) => Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'); // eslint-disable-line @typescript-eslint/no-explicit-any

  test('a removed permission is found, naming role, action, resource and what needs it', () => {
    const edited = edit(files(), (t) => {
      for (const p of policies(t)) {
        for (const s of p.Properties.PolicyDocument.Statement) {
          const actions = (typeof s.Action === 'string' ? [s.Action] : s.Action).filter((a: string) => a !== 'iam:PassRole');
          s.Action = actions.length ? actions : 'sts:GetCallerIdentity';
        }
      }
    });
    const messages = crossFindings(edited).filter((f) => f.rule === 'SS-IAM-MISSING').map((f) => `${f.file}: ${f.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^infra\/bootstrap.template.json: role 123456789012\/shipshape-shop-prod-deploy iam:PassRole: must be iam:PassRole on arn:aws:iam::123456789012:role\/shipshape-shop-prod-cfn-exec with \{"iam:PassedToService":"cloudformation.amazonaws.com"\} allowed, as needed by \.github\/workflows\/ci\.yml: deploy-prod \/ Deploy the prod environment: aws cloudformation deploy/),
    ]));
  });

  test('a broad statement is found', () => {
    const edited = edit(files(), (t) => {
      policies(t)[0].Properties.PolicyDocument.Statement.push({ Sid: 'Everything', Effect: 'Allow', Action: ['s3:*'], Resource: '*' });
    });
    expect(crossFindings(edited).filter((f) => f.rule === 'SS-IAM-BROAD').map((f) => f.message)).toEqual([
      expect.stringMatching(/statement Everything: must be the actions the role needs, each named .* \(got Allow s3:\* on \*\)/),
    ]);
  });

  test('the generated files pass', () => {
    expect(crossFindings(files()).filter((f) => /^SS-IAM-/.test(f.rule))).toEqual([]);
  });
});

test('the committed flagship output passes the IAM rules', () => {
  const files = Object.entries(readGenerated(`${__dirname}/../examples/node-api`)).map(([name, content]) => ({ name, content }));
  expect(crossFindings(files).filter((f) => /^SS-IAM-/.test(f.rule))).toEqual([]);
});

test('a project without images still proves its drift jobs (the stacks\' templates are found by their file names)', () => {
  const files = synthSnapshot((outdir) => {
    const project = new Project({ name: 'noimg', outdir });
    Shipshape.configure(project, { repository: 'acme/noimg', cloudFormationValidation: false });
    new Service(project, 'api');
    new Environment(project, 'dev', { account: '123456789012', region: 'us-east-1' });
    new Pipeline(project, 'ci', { checks: { lint: false } });
    return project;
  });
  const artifacts = Object.entries(files).map(([name, content]) => ({ name, content }));
  const { checks, problems } = collectIamChecks(artifacts);
  expect(problems).toEqual([]);
  expect(checks.find((c) => c.roleArn.endsWith('-dev-drift'))?.needs.map((n) => n.action)).toContain('cloudformation:DetectStackDrift');
});
