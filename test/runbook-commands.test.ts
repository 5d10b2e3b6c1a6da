/**
 * Every command of the generated runbooks and playbooks, checked as an engineer would paste it at 3 a.m.: each
 * `aws` command is a real AWS CLI command with real options (test/aws-cli-reference.ts, from the CLI reference), has
 * its region, holds no placeholder, and names what exists in that environment's template (stack, cluster, service,
 * log group, alarm, canary). Alarm links point at alarms the environment's template creates, and the dashboard
 * sections the documents name are on the dashboard. Generic: new alarms get runbooks, and they are checked too.
 */
import type { Project } from 'projen';
import { shop } from './monitoring-helpers';
import { Block, awsProblems, namesIn, shBlocks, simpleCommands } from './runbook-checker';
import { bareProject } from './util';
import { createProject } from '../examples/node-api/.projenrc';
import { AlarmMetric, DeploymentStrategy, Duration, Environment, EscalationPolicy, Monitoring, Service, Severity, Shipshape } from '../src';
import { publicUrl } from '../src/environment/urls';
import type { EnvironmentModel, ProjectModel } from '../src/model';
import { target } from '../src/monitoring/docs/common';
import { synthSnapshot } from '../src/testing/synth';

/** Two services; `live` has no domain (no load balancer, no URL), `edge` has one: alpha on the domain itself, beta on beta.<domain>. */
function pair(outdir: string): Project {
  const p = bareProject(outdir, 'pair');
  const alpha = new Service(p, 'alpha');
  const beta = new Service(p, 'beta', { host: 'beta' });
  new Environment(p, 'live', { account: '123456789012', region: 'us-east-1' });
  new Environment(p, 'edge', {
    account: '210987654321',
    region: 'eu-central-1',
    domain: { name: 'edge.example.com', hostedZoneId: 'ZEDGE' },
    strategy: DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(2), bake: Duration.minutes(15) }),
  });
  new EscalationPolicy(p, 'escalation', { critical: { pagerEndpointParameter: '/pager' }, warning: { email: ['t@example.com'] } });
  const m = new Monitoring(p, 'alpha-monitoring', { service: alpha });
  m.addAlarm('queue-depth', {
    severity: Severity.WARNING,
    metric: AlarmMetric.custom({ namespace: 'alpha', metricName: 'QueueDepth' }),
    threshold: 100,
    unit: 'count',
    impact: 'Work is late.',
  });
  new Monitoring(p, 'beta-monitoring', { service: beta, canary: false });
  return p;
}

interface Generated { name: string; model: ProjectModel; files: Record<string, string> }

function generate(name: string, build: (outdir: string) => Project): Generated {
  let project: Project | undefined;
  const files = synthSnapshot((outdir) => (project = build(outdir)));
  return { name, model: Shipshape.of(project!).model(), files };
}

const CONFIGS: Generated[] = [
  generate('flagship', (outdir) => createProject(outdir)),
  generate('shop', (outdir) => shop(outdir)),
  generate('pair', pair),
];

/** The service and environment a block is for: `### <env>` in a runbook of `# Runbook: <service> ...`, `### <service> in <env>`. */
function scopeOf(g: Generated, b: Block): { service: string; env: EnvironmentModel } {
  const [svc, envName] = b.heading.includes(' in ') ? b.heading.split(' in ') : [b.title.split(' ')[2], b.heading];
  const env = g.model.environments.find((e) => e.name === envName);
  if (!env || !g.model.services.some((s) => s.name === svc)) throw new Error(`${b.file}: a block under "${b.heading}" names no service and environment`);
  return { service: svc, env };
}

/** Every problem of the documents of one generated project. */
function documentProblems(g: Generated): { problems: string[]; commands: number } {
  const problems: string[] = [];
  let commands = 0;
  const docs = Object.entries(g.files).filter(([f]) => f.startsWith('docs/') && f.endsWith('.md'));
  for (const [file, text] of docs) {
    // Commands are in blocks, whole: none in the prose, and no placeholder anywhere in a block.
    for (const m of text.matchAll(/`(aws [^`]*)`/g)) problems.push(`${file}: a command in the prose: ${m[1]}`);
    for (const b of shBlocks(file, text)) {
      const { service, env } = scopeOf(g, b);
      const t = target(g.model, service, env.name);
      // What the service runs on: its own stack and its environment's (the cluster is shared).
      const shared = JSON.parse(g.files[`infra/${env.name}.template.json`]);
      const own = JSON.parse(g.files[t.filePath]);
      const template = { Resources: { ...shared.Resources, ...own.Resources } };
      const url = publicUrl(g.model.services.find((s) => s.name === service)!, env);
      for (const line of b.lines) {
        if (/<[a-z][a-z -]*>/.test(line)) problems.push(`${file} (${b.heading}): a placeholder in ${line.trim()}`);
        for (const words of simpleCommands(line)) {
          if (words[0] === 'aws') {
            commands++;
            problems.push(...awsProblems(words, t.stackName, env, template).map((p) => `${file} (${b.heading}): ${p}`));
          }
          if (words[0] === 'curl' && !(url && words[words.length - 1].startsWith(url))) problems.push(`${file} (${b.heading}): curl of ${words[words.length - 1]}, not ${url}`);
        }
      }
    }
    // Alarm links point at alarms that exist; dashboard sections named in quotes exist on the dashboard.
    const templates = Object.entries(g.files).filter(([f]) => f.startsWith('infra/') && f.endsWith('.template.json')).map(([, c]) => JSON.parse(c));
    const alarms = templates.flatMap((tpl) => [...namesIn(tpl, 'AWS::CloudWatch::Alarm', 'AlarmName'), ...namesIn(tpl, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName')]);
    for (const m of text.matchAll(/#alarmsV2:alarm\/([^)\s]+)\)/g)) if (!alarms.includes(m[1])) problems.push(`${file}: a link to alarm ${m[1]}, which no template creates`);
    const dashboards = templates.flatMap((tpl) => Object.values(tpl.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard').map((r) => JSON.stringify(r.Properties.DashboardBody)));
    for (const m of text.matchAll(/"([A-Z][^"]*\?)"/g)) if (!dashboards.some((d) => d.includes(m[1]))) problems.push(`${file}: dashboard section "${m[1]}" is on no dashboard`);
  }
  return { problems, commands };
}

describe.each(CONFIGS.map((g) => [g.name, g] as const))('%s: the runbooks and playbooks', (_name, g) => {
  test('THEN every command runs as written: real AWS CLI commands and options, the region, no placeholder, names from that environment\'s template', () => {
    const { problems, commands } = documentProblems(g);
    expect(problems).toEqual([]);
    expect(commands).toBeGreaterThan(20);
  });
});

describe('the checker itself', () => {
  const g = CONFIGS[0];
  const withDoc = (text: string): Generated => ({ ...g, files: { ...g.files, 'docs/runbooks/x.md': text } });
  const block = (...lines: string[]) => ['# Runbook: api x', '', '### prod', '', '```sh', ...lines, '```', ''].join('\n');
  const problemsOf = (text: string) => documentProblems(withDoc(text)).problems.filter((p) => p.startsWith('docs/runbooks/x.md'));

  test('a placeholder, a wrong name, a wrong region, an unknown option or command each fail', () => {
    expect(problemsOf(block('aws logs tail <log group> --region eu-west-1 --since 30m'))).toEqual(expect.arrayContaining([expect.stringContaining('a placeholder')]));
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster api-dev --services api'))).toEqual([expect.stringContaining('--cluster api-dev is no cluster of api-prod')]);
    expect(problemsOf(block('aws ecs describe-services --region us-east-1 --cluster node-api-prod --services api'))).toEqual([expect.stringContaining('--region us-east-1, expected eu-west-1')]);
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster node-api-prod --service-names api'))).toEqual([expect.stringContaining('no option --service-names')]);
    expect(problemsOf(block('x="$(aws ecs rollback-service --region eu-west-1)"'))).toEqual([expect.stringContaining('not a checked AWS CLI command: aws ecs rollback-service')]);
    expect(problemsOf(block('aws cloudwatch describe-alarm-history --region eu-west-1 --alarm-name api-prod-nothing'))).toEqual([expect.stringContaining('--alarm-name api-prod-nothing is no alarm')]);
    expect(problemsOf('# Runbook: api x\n\nRun `aws ecs list-tasks --cluster <cluster>`.\n')).toEqual([expect.stringContaining('a command in the prose')]);
    expect(problemsOf(block('aws backup list-restore-testing-plans --region eu-west-1 --query "RestoreTestingPlans[?RestoreTestingPlanName==\'api_dev_restore_test\'].RestoreTestingPlanArn"')))
      .toEqual([expect.stringContaining('restore testing plan api_dev_restore_test is no plan of api-prod')]);
    expect(problemsOf(block('aws backup list-restore-jobs --region eu-west-1 --by-status DONE'))).toEqual([expect.stringContaining('--by-status DONE is not one of')]);
    expect(problemsOf(block('aws ecs describe-services --region eu-west-1 --cluster node-api-prod --services api'))).toEqual([]);
  });

  test('a link to an alarm the environment does not create, and a dashboard section that does not exist, fail', () => {
    expect(problemsOf('[x](https://x#alarmsV2:alarm/api-dev-nothing)\n')).toEqual([expect.stringContaining('which no template creates')]);
    expect(problemsOf('Under "Is it on fire?", look.\n')).toEqual([expect.stringContaining('dashboard section "Is it on fire?"')]);
  });
});

test('a composite alarm only pages: its runbook does not claim it rolls back; its parts roll back without notifying. An environment without its parts has no row', () => {
  const f = CONFIGS[0].files;
  expect(f['docs/runbooks/users-hurting.md']).not.toContain('rolls back a deployment');
  // The parts roll back and notify nobody themselves: the composite notifies once per incident.
  expect(f['docs/runbooks/http-5xx-rate.md']).toContain('| Route | Notifies nobody itself: the composite alarm `users-hurting` notifies for it (one page or message per incident). Rolls back a deployment in progress. |');
  // dev has no load balancer and no URL: neither the 5xx alarm nor the composite over it exists there.
  expect(f['docs/runbooks/users-hurting.md']).not.toContain('api-dev-users-hurting');
  expect(f['docs/runbooks/users-hurting.md']).toContain('[`api-prod-users-hurting`]');
  expect(f['docs/playbooks/deploy.md']).not.toMatch(/\| api \| dev \|[^\n]*api-dev-http-5xx-rate/);
});
