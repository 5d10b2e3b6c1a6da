/**
 * What GitHub does with the generated files once they are pushed: synth-check must re-run the projenrc,
 * Dependabot must not open PRs that synth-check rejects, a pending approval must not hold back CI,
 * and the values GitHub rejects stop synthesis.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, typescript } from 'projen';
import { parse } from 'yaml';
import { bareProject, rejectedInEmptyDir } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, PipelineProps, Service, Shipshape } from '../src';
import { cronProblems } from '../src/github/cron';
import { protectionCheckStep } from '../src/pipeline/protection';
import { synthSnapshot } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';

function build(props: PipelineProps = {}, setup?: (p: Project) => void): (outdir: string) => Project {
  return (outdir) => {
    const p = bareProject(outdir);
    setup?.(p);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '333333333333', region: 'eu-west-1' });
    new Pipeline(p, 'ci', props);
    return p;
  };
}
const synth = (props: PipelineProps = {}, setup?: (p: Project) => void) => synthSnapshot(build(props, setup));
const defaultTask = (files: Record<string, string>) => JSON.parse(files['.projen/tasks.json']).tasks.default;

describe('synth-check re-runs what generated the files', () => {
  test('GIVEN a bare new Project (the README\'s first example) THEN `npx projen` runs .projenrc.ts, so synth-check checks something', () => {
    const task = defaultTask(synth());
    expect(task.steps).toEqual([{ execArgs: ['tsx', '.projenrc.ts'], shell: ['npx', '-y', '-p', 'tsx', '-c'] }]);
  });

  test('GIVEN a project with its own ProjenrcTs THEN its runner is kept and nothing is added', () => {
    const task = defaultTask(synth({}, (p) => new typescript.ProjenrcTs(p, { runner: typescript.TypeScriptRunner.tsx({ typeCheck: false }) })));
    expect(task.steps).toHaveLength(1);
    expect(task.steps[0].execArgs).toEqual(['tsx', '.projenrc.ts']);
  });

  test('GIVEN synth-check off or a custom command THEN the default task is left alone', () => {
    expect(defaultTask(synth({ synthCheck: false })).steps).toBeUndefined();
    expect(defaultTask(synth({ synthCheck: 'npx tsx projenrc/main.ts' })).steps).toBeUndefined();
  });
});

describe('Dependabot stays on the package ecosystems', () => {
  test('GIVEN a pipeline with an image THEN dependabot.yml never targets the generated workflows or Dockerfiles', () => {
    const d = parse(synth()['.github/dependabot.yml']);
    expect(d.updates.map((u: any) => u['package-ecosystem'])).toEqual(['npm']);
  });
});

describe('a pending approval does not block main', () => {
  const wf = parse(synth()['.github/workflows/ci.yml']);

  test('THEN pull requests share one group per PR and cancel each other; every push has a group of its own', () => {
    expect(wf.concurrency.group).toContain("format('pr-{0}', github.event.pull_request.number)");
    expect(wf.concurrency.group).toContain("format('run-{0}', github.run_id)");
    expect(wf.concurrency.group).not.toContain('github.ref');
    expect(wf.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
  });

  test('THEN deploys still queue per environment, never cancelled', () => {
    expect(wf.jobs['deploy-prod'].concurrency).toEqual({ 'group': 'deploy-prod', 'cancel-in-progress': false });
  });
});

describe('the image carries its revision and source', () => {
  test('THEN publish passes REVISION and SOURCE_URL as build args', () => {
    const wf = parse(synth()['.github/workflows/ci.yml']);
    const push = wf.jobs.publish.steps.find((s: any) => s.name === 'Build and push api');
    expect(push.with['build-args']).toBe('REVISION=${{ github.sha }}\nSOURCE_URL=${{ github.server_url }}/${{ github.repository }}');
  });
});

describe('values GitHub rejects stop synthesis', () => {
  test('GIVEN 7 reviewers on an environment THEN SS-ENV-REVIEWERS names the environment', () => {
    const { error, written } = rejectedInEmptyDir('app', (p) => {
      new Environment(p, 'prod', { account: '333333333333', region: 'eu-west-1', approval: { reviewers: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } });
      new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
      new Pipeline(p, 'ci');
    });
    expect(written).toEqual([]);
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-ENV-REVIEWERS', path: 'app/prod', property: 'approval.reviewers' })]);
    expect(error.problems[0].expected).toContain('at most 6 reviewers');
  });

  test.each([
    ['60 5 * * *', "minute '60': 60 is outside 0-59"],
    ['0 24 * * *', "hour '24': 24 is outside 0-23"],
    ['0 5 0 * *', "day of the month '0': 0 is outside 1-31"],
    ['0 5 * 13 *', "month '13': 13 is outside 1-12"],
    ['0 5 * * 7', "day of the week '7': 7 is outside 0-6"],
    ['0 5 * * MON-XYZ', "day of the week 'MON-XYZ': 'XYZ' is not a number or a name"],
    ['*/0 5 * * *', "minute '*/0': the step must be a whole number of at least 1"],
    ['0 9-5 * * *', "hour '9-5': the range runs backwards"],
  ])('GIVEN the drift schedule %s THEN synthesis stops: %s', (schedule, why) => {
    expect(cronProblems(schedule)).toEqual([why]);
    const { error } = rejectedInEmptyDir('app', (p) => new Pipeline(p, 'ci', { drift: { schedule } }));
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-PIPELINE-DRIFT', property: 'drift.schedule' })]);
    expect(error.problems[0].expected).toContain(why);
  });

  test('GIVEN cron expressions GitHub accepts THEN nothing is reported', () => {
    for (const c of ['17 5 * * *', '0,30 */2 1-15 JAN-JUN MON-FRI', '5 4 * * sun', '0 0 1 1/3 *']) expect(cronProblems(c)).toEqual([]);
  });

  test("GIVEN the branch 'refs/heads/main' THEN synthesis stops and says to give the name only", () => {
    const { error } = rejectedInEmptyDir('app', (p) => new Pipeline(p, 'ci', { branch: 'refs/heads/main' }));
    expect(error.problems).toEqual([expect.objectContaining({ code: 'SS-PIPELINE-BRANCH', property: 'branch', got: "'refs/heads/main'" })]);
    expect(error.problems[0].expected).toContain("without 'refs/heads/'");
  });

  test("GIVEN the repository 'owner/repo.git' THEN Shipshape.configure stops and names the repository to give", () => {
    let caught: any;
    try {
      Shipshape.configure(new Project({ name: 'app', outdir: '/tmp/shipshape-unused' }), { repository: 'acme/shop.git' });
    } catch (e) {
      caught = e;
    }
    expect(caught?.problems).toEqual([expect.objectContaining({ code: 'SS-REPOSITORY', property: 'repository' })]);
    expect(caught.problems[0].expected).toContain("without '.git' ('acme/shop')");
  });
});

describe('the deploy role trusts one environment on one branch', () => {
  const files = synth({ branch: 'trunk' }, (p) => Shipshape.configure(p, { repository: 'acme/shop' }));
  const bootstrap = JSON.parse(files['infra/bootstrap.template.json']);
  const subjects = Object.values<any>(bootstrap.Resources).filter((r) => r.Type === 'AWS::IAM::Role')
    .map((r) => [r.Properties.RoleName, r.Properties.AssumeRolePolicyDocument.Statement[0].Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']])
    .filter(([, sub]) => sub);

  test('THEN the deploy role trusts environment AND ref, and the branch roles the ref-as-context subject', () => {
    expect(Object.fromEntries(subjects)).toEqual({
      'shipshape-app-prod-deploy': 'repo:acme/shop:environment:prod:ref:refs/heads/trunk',
      'shipshape-app-prod-drift': 'repo:acme/shop:ref:refs/heads/trunk:ref:refs/heads/trunk',
      'shipshape-app-publish': 'repo:acme/shop:ref:refs/heads/trunk:ref:refs/heads/trunk',
    });
  });

  test('THEN .github/oidc-subject.json is the subject template those subjects need, and the settings script applies it', () => {
    expect(JSON.parse(files['.github/oidc-subject.json'])).toEqual({ use_default: false, include_claim_keys: ['repo', 'context', 'ref'] });
    expect(files['scripts/apply-github-settings.sh']).toContain('gh api -X PUT "repos/$repo/actions/oidc/customization/sub" --silent --input \'.github/oidc-subject.json\'');
  });
});

describe('repository settings are a script, and deploys refuse an unprotected environment', () => {
  const files = synth({}, (p) => {
    Shipshape.configure(p, { repository: 'acme/shop' });
    new Environment(p, 'staging', { account: '222222222222', region: 'eu-west-1', approval: { reviewers: ['Octocat', 'acme/releasers'], waitMinutes: 5 } });
  });
  const script = files['scripts/apply-github-settings.sh'];
  const wf = parse(files['.github/workflows/ci.yml']);

  test('THEN the script applies the ruleset (update or create), the environments with reviewer ids, and one deployment branch', () => {
    expect(script.startsWith('#!/usr/bin/env bash\n# ~~ Generated by projen')).toBe(true);
    expect(script).toContain('select(.name == "main") | .id');
    expect(script).toContain('gh api -X PUT "repos/$repo/rulesets/$ruleset_id" --silent --input \'.github/rulesets/main.json\'');
    expect(script).toContain('gh api -X POST "repos/$repo/rulesets" --silent --input \'.github/rulesets/main.json\'');
    expect(script).toContain("reviewers+=(\"{\\\"type\\\":\\\"User\\\",\\\"id\\\":$(gh api 'users/Octocat' --jq .id)}\")");
    expect(script).toContain("reviewers+=(\"{\\\"type\\\":\\\"Team\\\",\\\"id\\\":$(gh api 'orgs/acme/teams/releasers' --jq .id)}\")");
    expect(script).toContain("put_environment 'staging' 5 ");
    expect(script).toContain("only_branch 'staging' 'main'");
    expect(script).toContain("only_branch 'prod' 'main'");
  });

  test('THEN each deploy job first checks its environment with the job token (actions: read) against .projenrc.ts', () => {
    const job = wf.jobs['deploy-staging'];
    expect(job.permissions).toEqual({ 'actions': 'read', 'contents': 'read', 'id-token': 'write' });
    expect(job.steps[0]).toMatchObject({
      name: 'Check the environment protection',
      env: { GH_TOKEN: '${{ github.token }}', ENVIRONMENT: 'staging', EXPECTED_WAIT_TIMER: '5', EXPECTED_REVIEWERS: 'Team:releasers,User:octocat', EXPECTED_BRANCH: 'main' },
    });
    expect(job.steps[0].run).toContain('gh api "$api"');
    expect(wf.jobs['deploy-prod'].steps[0].env).toMatchObject({ ENVIRONMENT: 'prod', EXPECTED_WAIT_TIMER: '0', EXPECTED_REVIEWERS: '' });
  });

  test('GIVEN checkProtection: false THEN the step and the permission are left out', () => {
    const off = parse(synth({ guardrails: { checkProtection: false } })['.github/workflows/ci.yml']);
    expect(off.jobs['deploy-prod'].permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(off.jobs['deploy-prod'].steps.map((s: any) => s.name)).not.toContain('Check the environment protection');
  });
});

/**
 * The protection check run for real with bash, against a stand-in `gh` that answers from fixtures and applies
 * `--jq` with jq (skipped, saying why, when jq is missing).
 */
describe('the protection check, run', () => {
  const hasJq = spawnSync('sh', ['-c', 'command -v jq'], { stdio: 'ignore' }).status === 0;
  const run = (environment: object, policies: object, name = 'prod') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-gh-'));
    fs.writeFileSync(path.join(dir, 'env.json'), JSON.stringify(environment));
    fs.writeFileSync(path.join(dir, 'policies.json'), JSON.stringify(policies));
    fs.writeFileSync(path.join(dir, 'gh'), [
      '#!/usr/bin/env bash',
      '# gh api <path> [--paginate]: the fixture; a path without one fails as GitHub does with a 404.',
      'case "$2" in */missing*) echo "gh: Not Found (HTTP 404)" >&2; exit 1 ;; */deployment-branch-policies) f=policies.json ;; *) f=env.json ;; esac',
      `cat "${dir}/$f"`,
    ].join('\n'), { mode: 0o755 });
    const step = protectionCheckStep({ name, reviewers: ['octocat', 'acme/releasers'], waitMinutes: 5, branch: 'main' });
    const r = spawnSync('bash', ['-c', step.run!], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}`, GITHUB_REPOSITORY: 'acme/shop', ...step.env } });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, out: r.stdout };
  };
  const protectedEnv = {
    protection_rules: [
      { type: 'wait_timer', wait_timer: 5 },
      { type: 'required_reviewers', reviewers: [{ type: 'User', reviewer: { login: 'OctoCat' } }, { type: 'Team', reviewer: { slug: 'releasers' } }] },
    ],
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  };

  (hasJq ? test : test.skip)('GIVEN the environment is protected as declared THEN the job goes on', () => {
    const r = run(protectedEnv, { branch_policies: [{ id: 1, name: 'main', type: 'branch' }] });
    expect(r).toEqual({ status: 0, out: 'Environment prod is protected as .projenrc.ts declares.\n' });
  });

  (hasJq ? test : test.skip)('GIVEN an environment GitHub created unprotected THEN the job refuses, naming each difference', () => {
    const r = run({ protection_rules: [], deployment_branch_policy: null }, { branch_policies: [] });
    expect(r.status).toBe(1);
    expect(r.out).toContain('::error title=Environment prod is not protected as .projenrc.ts declares::wait timer: 0 minute(s), expected 5');
    expect(r.out).toContain("required reviewers: 'none', expected 'Team:releasers,User:octocat'");
    expect(r.out).toContain("deployment branches: 'any', expected only 'main'");
    expect(r.out).toContain('Refusing to deploy. Apply the settings with scripts/apply-github-settings.sh');
  });

  (hasJq ? test : test.skip)('GIVEN the environment cannot be read THEN the job refuses and names the permission', () => {
    const r = run(protectedEnv, { branch_policies: [] }, 'missing');
    expect(r.status).toBe(1);
    expect(r.out).toContain('::error title=Cannot read environment missing::GET repos/acme/shop/environments/missing failed: the job needs the actions: read permission.');
  });

  (hasJq ? test : test.skip)('GIVEN another branch may deploy too THEN the job refuses', () => {
    const r = run(protectedEnv, { branch_policies: [{ id: 1, name: 'main', type: 'branch' }, { id: 2, name: 'release/*', type: 'branch' }] });
    expect(r.status).toBe(1);
    expect(r.out).toContain("deployment branches: 'main,release/*', expected only 'main'");
  });
});

describe('a private repository without GitHub Advanced Security', () => {
  test('GIVEN advancedSecurity: false THEN CodeQL and dependency review are off, the ruleset does not require them, and Trivy prints instead of uploading', () => {
    const files = synth({ advancedSecurity: false });
    const wf = parse(files['.github/workflows/ci.yml']);
    expect(wf.jobs.codeql).toBeUndefined();
    expect(wf.jobs['dependency-review']).toBeUndefined();
    const image = wf.jobs.image;
    expect(image.steps.some((s: any) => String(s.uses).startsWith('github/codeql-action/upload-sarif'))).toBe(false);
    const trivy = image.steps.find((s: any) => String(s.uses).startsWith('aquasecurity/trivy-action'));
    expect(trivy.with).toMatchObject({ 'format': 'table', 'exit-code': '1' });
    expect(trivy.with.output).toBeUndefined();
    expect(image.permissions['security-events']).toBeUndefined();
    const contexts = JSON.parse(files['.github/rulesets/main.json']).rules.find((r: any) => r.type === 'required_status_checks')
      .parameters.required_status_checks.map((c: any) => c.context);
    expect(contexts).not.toContain('codeql');
    expect(contexts).not.toContain('dependency-review');
    expect(contexts).toContain('secrets');
  });

  test('THEN that workflow passes actionlint', async () => {
    const text = synth({ advancedSecurity: false })['.github/workflows/ci.yml'];
    expect(await actionlint(text, 'ci.yml')).toEqual([]);
  });

  test('GIVEN the default THEN CodeQL runs and Trivy uploads SARIF to code scanning', () => {
    const wf = parse(synth()['.github/workflows/ci.yml']);
    expect(wf.jobs.codeql).toBeDefined();
    expect(wf.jobs.image.steps.some((s: any) => String(s.uses).startsWith('github/codeql-action/upload-sarif'))).toBe(true);
  });
});

describe('a real upgrade path for action pins and base images', () => {
  const files = synth();
  const wf = parse(files['.github/workflows/ci-updates.yml']);
  const step = wf.jobs.updates.steps[0];

  test('THEN a weekly, read-only workflow lists every pinned action the workflows use and every base image', () => {
    expect(wf.on.schedule).toEqual([{ cron: '23 6 * * 1' }]);
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.updates.permissions).toEqual({ contents: 'read' });
    expect(step.env.ACTIONS.split('\n')).toEqual(expect.arrayContaining(['actions/checkout v7.0.1', 'aws-actions/configure-aws-credentials v6.2.3']));
    expect(step.env.ACTIONS).not.toContain('gitleaks/gitleaks-action');
    expect(step.env.IMAGES).toMatch(/^node:\S+ none$/m);
  });

  test('THEN it passes actionlint', async () => {
    expect(await actionlint(files['.github/workflows/ci-updates.yml'], 'ci-updates.yml')).toEqual([]);
  });

  test('GIVEN updates: false or an out-of-range cron THEN no workflow, or a clear error', () => {
    expect(synth({ guardrails: { updates: false } })['.github/workflows/ci-updates.yml']).toBeUndefined();
    const { error } = rejectedInEmptyDir('app', (p) => new Pipeline(p, 'ci', { guardrails: { updates: '0 25 * * *' } }));
    expect(error.problems[0]).toMatchObject({ code: 'SS-PIPELINE-GUARDRAILS', property: 'guardrails.updates' });
  });

  test('WHEN the report runs THEN the job summary marks newer releases and changed digests', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-updates-'));
    fs.writeFileSync(path.join(dir, 'gh'), '#!/usr/bin/env bash\ncase "$2" in repos/actions/checkout/*) echo v7.0.1 ;; *) echo v9.9.9 ;; esac\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'docker'), '#!/usr/bin/env bash\necho \'{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001"}\'\n', { mode: 0o755 });
    const summary = path.join(dir, 'summary.md');
    const r = spawnSync('bash', ['-c', step.run], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        GITHUB_STEP_SUMMARY: summary,
        ACTIONS: 'actions/checkout v7.0.1\ndocker/build-push-action v7.3.0',
        IMAGES: 'node:22-bookworm-slim none\npython:3.13-slim sha256:abc',
      },
    });
    const text = fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : r.stderr;
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(0);
    expect(text).toContain('| actions/checkout | v7.0.1 | v7.0.1 |');
    expect(text).toContain('| docker/build-push-action | v7.3.0 | v9.9.9 (newer) |');
    expect(text).toContain('| node:22-bookworm-slim | none | sha256:0000000000000000000000000000000000000000000000000000000000000001 |');
    expect(text).toContain('| python:3.13-slim | sha256:abc | sha256:0000000000000000000000000000000000000000000000000000000000000001 (changed) |');
  });
});
