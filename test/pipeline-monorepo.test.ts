/**
 * Monorepo CI: each workload (an image built from its own directory) is checked in that directory with its own
 * toolchain, and its checks, image, publish and deploy run only when it changed. The changes script is executed
 * against real git repositories; the publish and deploy jobs through test/workflow-runner.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { parse } from 'yaml';
import { bareProject } from './util';
import { Rule, awsError, environmentStackRules, jobRuns, runJob } from './workflow-runner';
import { Database, DockerImage, DockerPreset, Environment, Pipeline, PipelineProps, Service, ShipshapeError, Toolchain } from '../src';
import { checkNames } from '../src/github/guardrails';
import { globToEre } from '../src/pipeline/changes';
import { synthSnapshot } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';
import { shellcheckWorkflow } from '../src/validators/shellcheck';
import { workflowParser } from '../src/validators/workflow-parser';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

/** Files of the workload directories, by path. */
const LAYOUT: Record<string, string> = {
  'services/web/package.json': JSON.stringify({ name: 'web', packageManager: 'pnpm@9.15.0' }),
  'services/web/pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
  'services/api/package.json': JSON.stringify({ name: 'api' }),
  'services/api/package-lock.json': '{}\n',
};

/** A repository with a workload per directory of `layout`'s `services/<name>/`, each with its image and Service. */
function monorepo(props: PipelineProps = {}, layout: Record<string, string> = LAYOUT, extra?: (p: Project) => void) {
  return synthSnapshot((outdir) => {
    for (const [file, content] of Object.entries(layout)) {
      fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
      fs.writeFileSync(path.join(outdir, file), content);
    }
    const p = bareProject(outdir, 'shop');
    const names = [...new Set(Object.keys(layout).map((f) => f.split('/')[1]))];
    for (const name of names) {
      new DockerImage(p, `${name}-image`, { service: new Service(p, name), preset: DockerPreset.node(), contextPath: `services/${name}`, dockerfilePath: `services/${name}/Dockerfile` });
    }
    new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
    new Environment(p, 'prod', { account: '222222222222', region: 'eu-west-1', url: 'https://shop.example.com' });
    extra?.(p);
    new Pipeline(p, 'ci', props);
    return p;
  });
}

const files = monorepo({ checks: { test: { shards: 2, command: 'node --test --test-shard="$SHARD_INDEX/$SHARD_TOTAL"' }, integration: true } });
const wf = parse(files['.github/workflows/ci.yml']);
const step = (job: any, name: string) => job.steps.find((s: any) => s.name === name);

describe('GIVEN a pnpm workload in services/web and an npm workload in services/api', () => {
  test.each([
    ['web', 'services/web', 'pnpm install --frozen-lockfile', 'pnpm', 'services/web/pnpm-lock.yaml', 'pnpm lint'],
    ['api', 'services/api', 'npm ci', 'npm', 'services/api/package-lock.json', 'npm run lint'],
  ])('THEN the checks of %s run in %s with its package manager and its lockfile as the cache key', (name, dir, install, cache, lockfile, lint) => {
    for (const kind of ['lint', 'test', 'integration', 'build', 'audit']) {
      const job = wf.jobs[`${name}-${kind}`];
      expect(job.defaults).toEqual({ run: { 'working-directory': dir } });
      expect(step(job, 'Install dependencies').run).toBe(install);
      expect(step(job, 'Set up Node.js').with).toEqual({ 'node-version': '22', cache, 'cache-dependency-path': lockfile });
    }
    expect(step(wf.jobs[`${name}-lint`], 'Lint').run).toBe(lint);
    // No check of the repository root is left over.
    expect(wf.jobs.lint).toBeUndefined();
    expect(wf.jobs.audit).toBeUndefined();
  });

  test('THEN each image is built with its own directory\'s package manager, the same one its checks use', () => {
    // A pnpm directory has no package-lock.json: an npm Dockerfile there would fail at its first COPY.
    expect(files['services/web/Dockerfile']).toContain('COPY package.json pnpm-lock.yaml ./');
    expect(files['services/web/Dockerfile']).toContain('pnpm install --frozen-lockfile');
    expect(files['services/web/Dockerfile']).not.toContain('npm ci');
    expect(files['services/api/Dockerfile']).toContain('COPY package.json package-lock.json ./');
    expect(files['services/api/Dockerfile']).not.toContain('pnpm');
  });

  test('THEN pnpm is set up from the workload\'s own package.json (its packageManager field), npm needs no set-up', () => {
    expect(step(wf.jobs['web-lint'], 'Set up pnpm').with).toEqual({ package_json_file: 'services/web/package.json' });
    expect(step(wf.jobs['api-lint'], 'Set up pnpm')).toBeUndefined();
  });

  test('THEN each workload\'s jobs need changes and run only when it changed; a matrix carries the condition on its steps', () => {
    expect(wf.jobs['web-lint']).toMatchObject({ needs: ['changes'], if: "needs.changes.outputs.changed-web == 'true'" });
    expect(wf.jobs['api-image']).toMatchObject({ needs: ['changes'], if: "needs.changes.outputs.changed-api == 'true'" });
    expect(wf.jobs['api-image'].steps.find((s: any) => s.uses?.startsWith('docker/build-push-action')).with).toMatchObject({ context: 'services/api', file: 'services/api/Dockerfile' });
    const test = wf.jobs['web-test'];
    expect(test.if).toBeUndefined();
    expect(test.needs).toEqual(['changes']);
    for (const s of test.steps) expect(s.if).toBe("needs.changes.outputs.changed-web == 'true'");
  });

  test('THEN the changes job gives one output per workload, and a required check', () => {
    expect(Object.keys(wf.jobs.changes.outputs).sort()).toEqual(['changed-api', 'changed-web', 'code']);
    const ruleset = JSON.parse(files['.github/rulesets/main.json']);
    expect(ruleset.rules.find((r: any) => r.type === 'required_status_checks').parameters.required_status_checks.map((c: any) => c.context)).toContain('changes');
  });

  test('THEN the workflow passes actionlint, GitHub\'s workflow parser and shellcheck', async () => {
    expect(await actionlint(files['.github/workflows/ci.yml'], 'ci.yml')).toEqual([]);
    expect(workflowParser([{ name: 'ci.yml', content: files['.github/workflows/ci.yml'] }])).toEqual([]);
    expect(shellcheckWorkflow(files['.github/workflows/ci.yml'], 'ci.yml')).toEqual([]);
  });

  test('THEN Dependabot has one entry per workload directory, each holding its manifest', () => {
    expect(parse(files['.github/dependabot.yml']).updates.map((u: any) => [u['package-ecosystem'], u.directory])).toEqual([
      ['npm', '/'], ['npm', '/services/web'], ['npm', '/services/api'],
    ]);
  });
});

describe('the ruleset\'s required checks are the names that report, whatever changed', () => {
  const ruleset = JSON.parse(files['.github/rulesets/main.json']);
  const required: string[] = ruleset.rules.find((r: any) => r.type === 'required_status_checks').parameters.required_status_checks.map((c: any) => c.context);

  /**
   * The check names GitHub reports on a pull request: a job skipped by its `if:` reports once, under its name as
   * written (for a matrix, unexpanded: GitHub never expands a matrix it skips); a job that runs reports each of its
   * expanded names. PR-only and branch-only jobs as their condition says.
   */
  function reported(changed: Record<string, boolean>): Set<string> {
    const out = new Set<string>();
    for (const [id, job] of Object.entries<any>(wf.jobs)) {
      const condition: string = job.if ?? '';
      if (condition.includes("github.event_name != 'pull_request'")) continue; // never on a pull request
      const m = /needs\.changes\.outputs\.changed-([a-z0-9-]+) == 'true'/.exec(condition);
      const skipped = m !== null && !changed[m[1]];
      for (const name of skipped ? [job.name ?? id] : checkNames({ id, ...job })) out.add(name);
    }
    return out;
  }

  test.each([
    ['web only', { web: true, api: false }],
    ['api only', { web: false, api: true }],
    ['neither (docs)', { web: false, api: false }],
    ['both', { web: true, api: true }],
  ])('GIVEN a pull request that changes %s THEN every required check reports', (_, changed) => {
    const names = reported(changed);
    expect(required.filter((r) => !names.has(r))).toEqual([]);
    expect(required).toEqual(expect.arrayContaining(['web-test (1/2)', 'web-test (2/2)', 'api-lint', 'web-image']));
  });

  test('GIVEN the checks of an unchanged workload skipped THEN publish still runs (a skipped need does not skip it), unless one failed', () => {
    expect(wf.jobs.publish.needs).toEqual(expect.arrayContaining(['changes', 'web-lint', 'api-test', 'web-image']));
    expect(wf.jobs.publish.if).toBe("!cancelled() && !contains(needs.*.result, 'failure') && !contains(needs.*.result, 'cancelled') && github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
  });
});

describe('the changes script, executed against a git repository', () => {
  const script = wf.jobs.changes.steps.find((s: any) => s.id === 'changes');
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  /** A repository with one commit of the layout; `change` writes (or, with `null`, removes) files in a second commit. */
  function run(change: Record<string, string | null>, base: 'parent' | '' | 'zeros' | 'unknown' = 'parent') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-changes-'));
    try {
      git(dir, 'init', '-q', '-b', 'main');
      for (const [file, content] of Object.entries({ ...LAYOUT, '.projenrc.ts': '// projenrc\n', 'README.md': '# shop\n', 'services/web-legacy/x.js': '1\n' })) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'one');
      const parent = git(dir, 'rev-parse', 'HEAD');
      for (const [file, content] of Object.entries(change)) {
        if (content === null) {
          git(dir, 'mv', ...file.split(' -> '));
        } else {
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, file), content);
        }
      }
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'two');
      const output = path.join(dir, '.output');
      const summary = path.join(dir, '.summary');
      const BASE = base === 'parent' ? parent : base === 'zeros' ? '0'.repeat(40) : base === 'unknown' ? 'deadbeef'.repeat(5) : '';
      const r = spawnSync('bash', ['-c', script.run], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...script.env, BASE, HEAD: git(dir, 'rev-parse', 'HEAD'), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
      });
      if (r.status !== 0) throw new Error(`changes script failed: ${r.stderr}`);
      const outputs = Object.fromEntries(fs.readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));
      return { outputs, summary: fs.readFileSync(summary, 'utf8') };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('GIVEN a commit that touches services/web only THEN web changed and api did not', () => {
    expect(run({ 'services/web/src/index.ts': 'export {};\n' }).outputs).toEqual({ 'code': 'true', 'changed-web': 'true', 'changed-api': 'false' });
  });

  test('GIVEN a commit that touches services/api only THEN api changed and web did not', () => {
    const r = run({ 'services/api/package-lock.json': '{"lockfileVersion":3}\n' });
    expect(r.outputs).toEqual({ 'code': 'true', 'changed-web': 'false', 'changed-api': 'true' });
    expect(r.summary).toContain('| api | true |');
  });

  test('GIVEN a directory that only starts like a workload\'s (services/web-legacy) THEN no workload changed', () => {
    expect(run({ 'services/web-legacy/x.js': '2\n' }).outputs).toEqual({ 'code': 'true', 'changed-web': 'false', 'changed-api': 'false' });
  });

  test.each([
    ['.projenrc.ts', '// changed\n'],
    ['package-lock.json', '{}\n'],
    ['.github/CODEOWNERS', '* @octo\n'],
  ])('GIVEN shared configuration (%s) changed THEN every workload changed', (file, content) => {
    expect(run({ [file]: content }).outputs).toEqual({ 'code': 'true', 'changed-web': 'true', 'changed-api': 'true' });
  });

  test('GIVEN docs only (even inside a workload) THEN nothing changed', () => {
    expect(run({ 'README.md': '# shop!\n', 'services/web/README.md': '# web\n', 'docs/x.md': 'x\n' }).outputs).toEqual({ 'code': 'false', 'changed-web': 'false', 'changed-api': 'false' });
  });

  test('GIVEN a file moved from api to web THEN both changed (renames count for both paths)', () => {
    expect(run({ 'services/api/package-lock.json -> services/web/moved.json': null }).outputs).toEqual({ 'code': 'true', 'changed-web': 'true', 'changed-api': 'true' });
  });

  test.each([['', 'no base (a manual run)'], ['zeros', 'a new branch'], ['unknown', 'a base not in the history']] as const)(
    'GIVEN %s (%s) THEN every workload counts as changed', (base, _why) => {
      expect(run({ 'services/web/a.ts': '1\n' }, base).outputs).toEqual({ 'code': 'true', 'changed-web': 'true', 'changed-api': 'true' });
    });

  test('globToEre: ** spans directories (or none), * and ? stay inside a name, a plain path covers what is under it', () => {
    const m = (glob: string, file: string) => new RegExp(globToEre(glob)).test(file);
    expect([m('**/*.md', 'README.md'), m('**/*.md', 'a/b/c.md'), m('**/*.md', 'a/b.mdx')]).toEqual([true, true, false]);
    expect([m('docs/**', 'docs/a/b.png'), m('docs/**', 'docsx/a')]).toEqual([true, false]);
    expect([m('src/*.ts', 'src/a.ts'), m('src/*.ts', 'src/a/b.ts'), m('a?.ts', 'ab.ts')]).toEqual([true, false, true]);
    expect([m('libs/shared', 'libs/shared/x.ts'), m('libs/shared', 'libs/shared2/x.ts'), m('a.b', 'axb')]).toEqual([true, false, false]);
  });
});

describe('publish and deploy only what changed', () => {
  const needs = (web: boolean, api: boolean) => ({ changes: { 'changed-web': String(web), 'changed-api': String(api) } });

  test('GIVEN only web changed THEN publish builds and pushes web only, and passes the answers on to the deploy jobs', () => {
    const r = runJob(wf, 'publish', {
      sha: SHA,
      needs: needs(true, false),
      rules: [
        { when: '^aws ecr describe-images ', answers: [awsError('ImageNotFoundException', 'DescribeImages', 'The image does not exist')] },
        { when: '^docker buildx build ', answers: [{ stdout: 'pushed' }] },
      ],
    });
    expect(r.status).toBe('success');
    expect(r.calls.filter((c) => c.tool === 'docker').map((c) => c.argv[c.argv.indexOf('--file') + 1])).toEqual(['services/web/Dockerfile']);
    expect(r.step('Is api already in the registry?').outcome).toBe('skipped');
    expect(r.step('Build and push api').outcome).toBe('skipped');
    expect(wf.jobs.publish.outputs).toMatchObject({ 'changed-web': '${{ needs.changes.outputs.changed-web }}', 'changed-api': '${{ needs.changes.outputs.changed-api }}' });
  });

  test('GIVEN only web changed THEN deploy-dev-web deploys the environment stack and web; deploy-dev-api does not start', () => {
    const unprotected = monorepo({ guardrails: { checkProtection: false } });
    const flow = parse(unprotected['.github/workflows/ci.yml']);
    const publish = { 'image-tag': SHA, 'changed-web': 'true', 'changed-api': 'false' };
    expect(jobRuns(flow, 'deploy-dev-web', { publish: 'success' }, { publish })).toBe(true);
    expect(jobRuns(flow, 'deploy-dev-api', { publish: 'success' }, { publish })).toBe(false);
    const r = runJob(flow, 'deploy-dev-web', {
      sha: SHA,
      needs: { publish },
      files: unprotected,
      rules: [
        ...environmentStackRules(),
        { when: '^aws cloudformation deploy ', answers: [{ stdout: 'Successfully created/updated stack' }] },
        { when: '^aws cloudformation describe-stacks --stack-name web-dev .*EcsClusterName', answers: [{ stdout: 'shop-dev' }] },
        { when: '^aws cloudformation describe-stacks --stack-name web-dev .*EcsServiceName', answers: [{ stdout: 'web' }] },
        { when: '^aws ecs describe-services ', answers: [{ stdout: 'COMPLETED' }] },
        { when: '^aws s3api put-object ', answers: [{ stdout: '"9b2cf535f27731c974343645a3985328"' }] },
        { when: '^aws ssm put-parameter ', answers: [{ stdout: '{"Version": 7}' }] },
      ],
    });
    expect(r.status).toBe('success');
    const deployed = r.calls.filter((c) => c.tool === 'aws' && c.argv[0] === 'cloudformation' && c.argv[1] === 'deploy');
    // The environment stack (shared, always, an empty change set when nothing changed in it), then web alone.
    expect(deployed.map((c) => c.argv[c.argv.indexOf('--stack-name') + 1])).toEqual(['shop-dev-environment', 'web-dev']);
    expect(r.step('Record the last good version of web').outcome).toBe('success');
    expect(r.summary).toContain(`| web | web-dev | ${SHA} | rolling | success |`);
    expect(r.summary).not.toContain('| api |');
  });

  test('THEN each workload deploys in its own job, in parallel per environment, and the next environment waits for all of them', () => {
    const deploys = Object.keys(wf.jobs).filter((j) => j.startsWith('deploy-'));
    expect(deploys).toEqual(['deploy-dev-web', 'deploy-dev-api', 'deploy-prod-web', 'deploy-prod-api']);
    expect(wf.jobs['deploy-dev-web'].needs).toEqual(['publish']);
    expect(wf.jobs['deploy-prod-api'].needs).toEqual(['publish', 'deploy-dev-web', 'deploy-dev-api']);
    expect(wf.jobs.publish.outputs['image-tag']).toBe('${{ github.sha }}');
  });

  // The results of publish and dev's jobs, and what prod-web (which changed) does.
  test.each([
    ['web changed, dev-web deployed, dev-api skipped (unchanged)', { 'deploy-dev-web': 'success', 'deploy-dev-api': 'skipped' }, true],
    ['dev-api failed', { 'deploy-dev-web': 'success', 'deploy-dev-api': 'failure' }, false],
    ['dev-web was cancelled', { 'deploy-dev-web': 'cancelled', 'deploy-dev-api': 'skipped' }, false],
    ['nothing in dev ran (publish skipped: a check failed)', { 'deploy-dev-web': 'skipped', 'deploy-dev-api': 'skipped' }, false],
  ] as const)('GIVEN %s THEN deploy-prod-web runs: %s', (_name, dev, runs) => {
    const publishResult = _name.startsWith('nothing') ? 'skipped' : 'success';
    const outputs: Record<string, Record<string, string>> = publishResult === 'skipped' ? { publish: {} } : { publish: { 'image-tag': SHA, 'changed-web': 'true', 'changed-api': 'false' } };
    expect(jobRuns(wf, 'deploy-prod-web', { publish: publishResult, ...dev }, outputs)).toBe(runs);
  });
});

describe('the environment stack, deployed first by each workload\'s job (several jobs, several runs)', () => {
  const unprotected = monorepo({ guardrails: { checkProtection: false } });
  const flow = parse(unprotected['.github/workflows/ci.yml']);
  const NEWER = 'fade0000fade0000fade0000fade0000fade0000';
  const ENV = 'shop-dev-environment';
  const KEY = `last-good/${ENV}.template.json`;
  const web = [
    { when: '^aws cloudformation deploy --stack-name web-dev ', answers: [{ stdout: 'Successfully created/updated stack' }] },
    { when: '^aws cloudformation describe-stacks --stack-name web-dev .*EcsClusterName', answers: [{ stdout: 'shop-dev' }] },
    { when: '^aws cloudformation describe-stacks --stack-name web-dev .*EcsServiceName', answers: [{ stdout: 'web' }] },
    { when: '^aws ecs describe-services ', answers: [{ stdout: 'COMPLETED' }] },
    { when: '^aws s3api put-object --bucket \\S+ --key last-good/web-dev', answers: [{ stdout: '"9b2cf535f27731c974343645a3985328"' }] },
    { when: '^aws ssm put-parameter ', answers: [{ stdout: '{"Version": 7}' }] },
  ];
  const run = (environment: Rule[]) => runJob(flow, 'deploy-dev-web', {
    sha: SHA, needs: { publish: { 'image-tag': SHA, 'changed-web': 'true', 'changed-api': 'true' } }, files: unprotected, rules: [...environment, ...web],
  });
  const envCalls = (r: ReturnType<typeof run>) => r.calls.filter((c) => c.argv.some((a) => a.includes(ENV))).map((c) => `${c.tool} ${c.argv.slice(0, 2).join(' ')}`);

  test('GIVEN a later commit already deployed it (another workload\'s job of a later run) THEN it is left as it is, and the workload deploys', () => {
    const r = run([
      { when: `^aws s3api head-object --bucket \\S+ --key ${KEY} `, answers: [{ stdout: NEWER }] },
      { when: `^gh api repos/example-org/node-api/compare/${NEWER}\\.\\.\\.${SHA} --jq \\.status$`, answers: [{ stdout: 'behind' }] },
    ]);
    expect(r.status).toBe('success');
    expect(envCalls(r)).toEqual(['aws s3api head-object']);
    expect(r.step('Deploy the dev environment').output).toContain(`::notice::${ENV} was last deployed from ${NEWER}, a later commit than ${SHA}: it is left as it is`);
    expect(r.step('Record the last good version of web').outcome).toBe('success');
  });

  test('GIVEN an earlier commit deployed it THEN this commit deploys it and is recorded', () => {
    const r = run([
      { when: `^aws s3api head-object --bucket \\S+ --key ${KEY} `, answers: [{ stdout: NEWER }] },
      { when: '^gh api repos/example-org/node-api/compare/', answers: [{ stdout: 'ahead' }] },
      ...environmentStackRules().slice(1),
    ]);
    expect(r.status).toBe('success');
    expect(envCalls(r)).toEqual(['aws s3api head-object', 'aws cloudformation describe-stacks', 'aws cloudformation deploy', 'aws s3api put-object']);
    const put = r.calls.find((c) => c.argv.includes(KEY) && c.argv[1] === 'put-object')!;
    expect(put.argv[put.argv.indexOf('--metadata') + 1]).toBe(`commit=${SHA}`);
  });

  test('GIVEN another job is updating it THEN the job waits, then deploys (an empty change set once the other is done)', () => {
    const r = run([
      { when: `^aws s3api head-object --bucket \\S+ --key ${KEY} `, answers: [awsError('404', 'HeadObject', 'Not Found')] },
      { when: `^aws cloudformation describe-stacks --stack-name ${ENV} `, answers: [{ stdout: 'UPDATE_IN_PROGRESS' }, { stdout: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }, { stdout: 'UPDATE_COMPLETE' }] },
      ...environmentStackRules().slice(2),
    ]);
    expect(r.status).toBe('success');
    expect(envCalls(r)).toEqual(['aws s3api head-object', 'aws cloudformation describe-stacks', 'aws cloudformation describe-stacks', 'aws cloudformation describe-stacks', 'aws cloudformation deploy', 'aws s3api put-object']);
    expect(r.step('Deploy the dev environment').output).toContain(`${ENV} is UPDATE_IN_PROGRESS (another job is deploying it): waiting`);
  });

  test('GIVEN CloudFormation refuses the deploy because another job\'s update just started THEN it waits and tries again', () => {
    const r = run([
      { when: `^aws s3api head-object --bucket \\S+ --key ${KEY} `, answers: [awsError('404', 'HeadObject', 'Not Found')] },
      { when: `^aws cloudformation describe-stacks --stack-name ${ENV} `, answers: [{ stdout: 'UPDATE_COMPLETE' }, { stdout: 'UPDATE_IN_PROGRESS' }, { stdout: 'UPDATE_COMPLETE' }] },
      { when: `^aws cloudformation deploy --stack-name ${ENV} `, answers: [awsError('ValidationError', 'CreateChangeSet', `Stack:arn:aws:cloudformation:eu-west-1:111111111111:stack/${ENV}/1 is in UPDATE_IN_PROGRESS state and can not be updated.`), { stdout: 'No changes to deploy.' }] },
      ...environmentStackRules().slice(3),
    ]);
    expect(r.status).toBe('success');
    expect(envCalls(r).filter((c) => c === 'aws cloudformation deploy')).toHaveLength(2);
    expect(r.step('Deploy the dev environment').output).toContain('started changing under another job: trying again');
  });

  test('GIVEN a deploy that fails for another reason THEN it is not retried: the job stops before the workload', () => {
    const r = run([
      ...environmentStackRules().slice(0, 2),
      { when: `^aws cloudformation deploy --stack-name ${ENV} `, answers: [{ exit: 255, stderr: 'Waiter ChangeSetCreateComplete failed: Template error' }] },
    ]);
    expect(r.status).toBe('failure');
    expect(envCalls(r).filter((c) => c === 'aws cloudformation deploy')).toHaveLength(1);
    expect(r.step('Deploy web').outcome).toBe('skipped');
  });

  test('GIVEN the recorded commit cannot be read (not a missing object) THEN the job stops, deploying nothing', () => {
    const r = run([{ when: `^aws s3api head-object --bucket \\S+ --key ${KEY} `, answers: [awsError('403', 'HeadObject', 'Forbidden')] }]);
    expect(r.status).toBe('failure');
    expect(r.calls.filter((c) => c.argv[1] === 'deploy')).toEqual([]);
  });
});

describe('other toolchains, read from each directory', () => {
  const poly = monorepo({}, {
    'services/berry/package.json': JSON.stringify({ name: 'berry', packageManager: 'yarn@4.5.0' }),
    'services/berry/yarn.lock': '__metadata:\n  version: 8\n',
    'services/py/requirements.txt': 'flask==3.1.0\n',
    'services/py/requirements-dev.txt': 'pytest==8.3.4\n',
    'services/gosvc/go.mod': 'module example.com/gosvc\n\ngo 1.24\n',
    'services/gosvc/go.sum': '',
  });
  const pw = parse(poly['.github/workflows/ci.yml']);

  test('GIVEN Yarn Berry THEN corepack runs in its directory and the cache keys on its yarn.lock', () => {
    expect(step(pw.jobs['berry-lint'], 'Enable corepack').run).toBe('corepack enable');
    expect(pw.jobs['berry-lint'].defaults.run['working-directory']).toBe('services/berry');
    expect(step(pw.jobs['berry-lint'], 'Install dependencies').run).toBe('yarn install --immutable');
    expect(step(pw.jobs['berry-lint'], 'Set up Node.js').with['cache-dependency-path']).toBe('services/berry/yarn.lock');
  });

  test('GIVEN Python THEN pip caches on its requirement files and the checks run in its directory', () => {
    expect(step(pw.jobs['py-lint'], 'Set up Python').with['cache-dependency-path']).toBe('services/py/requirements.txt\nservices/py/requirements-dev.txt');
    expect(step(pw.jobs['py-lint'], 'Lint').run).toBe('ruff check .');
    expect(pw.jobs['py-build']).toBeUndefined();
  });

  test('GIVEN Go THEN the version comes from its own go.mod and the cache from its go.sum', () => {
    expect(step(pw.jobs['gosvc-lint'], 'Set up Go').with).toEqual({ 'go-version-file': 'services/gosvc/go.mod', 'cache': true, 'cache-dependency-path': 'services/gosvc/go.sum' });
    expect(pw.jobs['gosvc-lint'].defaults.run['working-directory']).toBe('services/gosvc');
  });

  test('THEN Dependabot watches each directory in its ecosystem, and CodeQL every language', () => {
    expect(parse(poly['.github/dependabot.yml']).updates.map((u: any) => [u['package-ecosystem'], u.directory])).toEqual([
      ['npm', '/'], ['npm', '/services/berry'], ['pip', '/services/py'], ['gomod', '/services/gosvc'],
    ]);
    expect(step(pw.jobs.codeql, 'Initialize CodeQL').with.languages).toBe('javascript-typescript,python,go');
  });
});

describe('per-workload settings', () => {
  test('GIVEN a workload\'s own checks THEN they replace the pipeline\'s key by key, for that workload only', () => {
    const wf2 = parse(monorepo({ checks: { typecheck: true }, workloads: { api: { checks: { lint: false, test: 'npm run unit' } } } })['.github/workflows/ci.yml']);
    expect(wf2.jobs['api-lint']).toBeUndefined();
    expect(step(wf2.jobs['api-test'], 'Unit tests').run).toBe('npm run unit');
    expect(wf2.jobs['api-typecheck']).toBeDefined();
    expect(wf2.jobs['web-lint']).toBeDefined();
  });

  test('GIVEN a workload\'s own toolchain THEN it wins over what the directory says, resolved in the directory', () => {
    const wf2 = parse(monorepo({ workloads: { api: { toolchain: Toolchain.node({ packageManager: 'npm', version: '20' }) } } })['.github/workflows/ci.yml']);
    expect(step(wf2.jobs['api-lint'], 'Set up Node.js').with).toEqual({ 'node-version': '20', 'cache': 'npm', 'cache-dependency-path': 'services/api/package-lock.json' });
  });

  test('GIVEN a Dockerfile outside the workload\'s directory THEN a change to it changes the workload', () => {
    const out = monorepo({}, LAYOUT, (p) => {
      new DockerImage(p, 'worker-image', { service: new Service(p, 'worker'), preset: DockerPreset.node(), contextPath: 'services/worker', dockerfilePath: 'docker/worker.Dockerfile' });
    });
    const w = parse(out['.github/workflows/ci.yml']);
    expect(step(w.jobs.changes, 'Detect the changed workloads').env.WORKLOADS.split('\n')).toEqual([
      'web ^services/web(/.*)?$', 'api ^services/api(/.*)?$', 'worker ^services/worker(/.*)?$|^docker/worker\\.Dockerfile(/.*)?$',
    ]);
  });

  test('GIVEN a Python directory without requirements-dev.txt THEN CI installs requirements.txt alone', () => {
    const w = parse(monorepo({}, { 'services/py/requirements.txt': 'flask==3.1.0\n' })['.github/workflows/ci.yml']);
    expect(step(w.jobs['py-lint'], 'Install dependencies').run).toBe('python -m pip install -r requirements.txt');
  });

  test('GIVEN a directory without a manifest THEN it has no Dependabot entry (one could never pass)', () => {
    const out = monorepo({}, { ...LAYOUT, 'services/bare/main.sh': 'echo\n' });
    expect(parse(out['.github/dependabot.yml']).updates.map((u: any) => u.directory)).toEqual(['/', '/services/web', '/services/api']);
  });

  test('GIVEN each workload with its own Database THEN each integration job runs its own PostgreSQL', () => {
    const out = monorepo({ checks: { integration: true } }, LAYOUT, (p) => {
      const api = p.node.findAll().find((c) => c instanceof Service && c.name === 'api') as Service;
      new Database(p, 'db', { service: api, databaseName: 'orders', username: 'orders' });
    });
    const w = parse(out['.github/workflows/ci.yml']);
    expect(w.jobs['api-integration'].services.postgres.env.POSTGRES_DB).toBe('orders');
    expect(w.jobs['web-integration'].services).toBeUndefined();
  });

  test('GIVEN workloads naming no image, or workloads where every image builds from the root THEN synthesis stops and says so', () => {
    const codes = (build: () => unknown) => {
      try {
        build();
      } catch (e) {
        if (e instanceof ShipshapeError) return e.problems.map((p) => `${p.code} ${p.property}`);
        throw e;
      }
      return [];
    };
    expect(codes(() => monorepo({ workloads: { shop: {} } }))).toEqual(['SS-PIPELINE-WORKLOAD workloads.shop']);
    expect(codes(() => synthSnapshot((outdir) => {
      const p = bareProject(outdir);
      new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
      new Pipeline(p, 'ci', { workloads: { api: {} }, sharedPaths: ['libs/**'] });
      return p;
    }))).toEqual(['SS-PIPELINE-WORKLOAD workloads', 'SS-PIPELINE-WORKLOAD sharedPaths']);
  });
});

test('GIVEN one workload at the repository root THEN there is no per-workload change detection (the checks run as before)', () => {
  const out = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Pipeline(p, 'ci');
    return p;
  });
  const w = parse(out['.github/workflows/ci.yml']);
  expect(w.jobs.lint.defaults).toBeUndefined();
  expect(w.jobs.lint.needs).toBeUndefined();
  expect(out['.github/workflows/ci.yml']).not.toContain('changed-');
  expect(step(w.jobs.lint, 'Set up Node.js').with['cache-dependency-path']).toBeUndefined();
});
