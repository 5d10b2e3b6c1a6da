/**
 * The Mermaid diagrams (src/diagrams/): docs/pipeline.md and docs/architecture/<env>.md. Their behaviour is read back
 * from the Mermaid text and compared with the files they describe (the workflow's needs, environments.json, the
 * templates), and every diagram is parsed by mermaid's own parser (test/mermaid-parse.mjs).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Project } from 'projen';
import { parse as parseYaml } from 'yaml';
import { fixtures } from './fixtures';
import { mermaidBlocks, parseMermaid } from './mermaid';
import { build, config } from './property-config';
import { createProject } from '../examples/node-api/.projenrc';
import { createProject as createShop } from '../examples/shop/.projenrc';
import {
  AlarmMetric, DeploymentStrategy, DockerImage, DockerPreset, Environment, EscalationPolicy, FeatureFlag, Monitoring, Pipeline, Service, Severity,
  Shipshape,
} from '../src';
import { stackTargets } from '../src/cloudformation/templates';
import { alarmName } from '../src/core/naming';
import { alarmsInStack, deploymentAlarmsInStack } from '../src/diagrams/architecture';
import { Flowchart, text } from '../src/diagrams/mermaid';
import { renderDiagrams } from '../src/diagrams/render';
import type { ProjectModel } from '../src/model';
import { isRollbackAlarm, silentParts } from '../src/monitoring/model';
import { synthSnapshot } from '../src/testing/synth';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'node-api');
const read = (file: string) => fs.readFileSync(path.join(EXAMPLE, file), 'utf8');

/** A diagram as written by src/diagrams/mermaid.ts, read back: nodes (labels decoded), edges, classes, subgraphs. */
interface Chart {
  readonly nodes: Map<string, { readonly lines: string[]; readonly shape: string }>;
  readonly edges: Array<{ readonly from: string; readonly to: string; readonly arrow: string; readonly label?: string }>;
  readonly classes: Map<string, Set<string>>;
  readonly groups: Map<string, { readonly title: string; readonly members: string[] }>;
}

const decode = (s: string) => s.split('<br/>').map((l) => l.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))));

function readChart(diagram: string): Chart {
  const chart: Chart = { nodes: new Map(), edges: [], classes: new Map(), groups: new Map() };
  const open: string[] = [];
  for (const raw of diagram.split('\n').slice(1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^subgraph (\w+)\["(.*)"\]$/))) {
      chart.groups.set(m[1], { title: decode(m[2])[0], members: [] });
      if (open.length > 0) chart.groups.get(open[open.length - 1])!.members.push(m[1]);
      open.push(m[1]);
    } else if (line === 'end') {
      open.pop();
    } else if ((m = line.match(/^(\w+) (-->|==>|-\.->)(?:\|"(.*)"\|)? (\w+)$/))) {
      chart.edges.push({ from: m[1], arrow: m[2], to: m[4], label: m[3] === undefined ? undefined : decode(m[3])[0] });
    } else if ((m = line.match(/^class ([\w,]+) (\w+)$/))) {
      const set = chart.classes.get(m[2]) ?? new Set<string>();
      m[1].split(',').forEach((id) => set.add(id));
      chart.classes.set(m[2], set);
    } else if ((m = line.match(/^(\w+)(\(\(|\[\(|\(\[|\{\{|\[|\()"(.*)"(\)\)|\)\]|\]\)|\}\}|\]|\))$/))) {
      chart.nodes.set(m[1], { lines: decode(m[3]), shape: m[2] });
      if (open.length > 0) chart.groups.get(open[open.length - 1])!.members.push(m[1]);
    } else if (!line.startsWith('classDef ')) {
      throw new Error(`unexpected diagram line: ${line}`);
    }
  }
  return chart;
}

/** The one diagram of a Markdown file. */
function chartOf(markdown: string): Chart {
  const blocks = mermaidBlocks(markdown);
  expect(blocks).toHaveLength(1);
  return readChart(blocks[0]);
}

const nodeByFirstLine = (chart: Chart) => new Map([...chart.nodes].map(([id, n]) => [n.lines[0], id]));

function modelOf(factory: (outdir: string) => Project): ProjectModel {
  return Shipshape.of(factory(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-diagrams-')))).model();
}

describe('docs/pipeline.md of the flagship example', () => {
  const workflow = parseYaml(read('.github/workflows/ci.yml')) as { jobs: Record<string, { needs?: string[]; if?: string; environment?: { name: string } }> };
  const environments = JSON.parse(read('.github/environments.json')) as { environments: Array<{ name: string; reviewers: unknown[] }> };
  const markdown = read('docs/pipeline.md');
  const chart = chartOf(markdown);
  const idOf = nodeByFirstLine(chart);
  const jobOf = new Map([...idOf].map(([job, id]) => [id, job]));

  test('has one node per job of the workflow and one edge per `needs`, nothing else', () => {
    expect([...idOf.keys()].sort()).toEqual(Object.keys(workflow.jobs).sort());
    const needs = Object.entries(workflow.jobs).flatMap(([job, j]) => (j.needs ?? []).map((n) => `${n} -> ${job}`)).sort();
    const edges = chart.edges.map((e) => `${jobOf.get(e.from)} -> ${jobOf.get(e.to)}`).sort();
    expect(edges).toEqual(needs);
  });

  test('marks exactly the deploy jobs whose GitHub environment requires reviewers as waiting for approval', () => {
    const gated = new Set(environments.environments.filter((e) => e.reviewers.length > 0).map((e) => e.name));
    const expected = Object.entries(workflow.jobs).filter(([, j]) => j.environment && gated.has(j.environment.name)).map(([id]) => id).sort();
    expect(expected).toEqual(['deploy-prod']);
    const marked = [...(chart.classes.get('approval') ?? [])].map((id) => jobOf.get(id)).sort();
    expect(marked).toEqual(expected);
    const hexagons = [...chart.nodes].filter(([, n]) => n.shape === '{{').map(([id]) => jobOf.get(id)).sort();
    expect(hexagons).toEqual(expected);
    expect(chart.nodes.get(idOf.get('deploy-prod')!)!.lines).toContain('approval: example-org/releasers');
  });

  test("marks the longest chain of a push, computed here by trying every chain of `needs` with the jobs' expected minutes", () => {
    const model = modelOf(createProject);
    const minutes = new Map(model.pipelines[0].workflow.jobs.map((j) => [j.id, j.expectedMinutes ?? 0]));
    // Pull-request-only jobs do not run on a push.
    const onPush = Object.keys(workflow.jobs).filter((id) => workflow.jobs[id].if !== "github.event_name == 'pull_request'");
    const needsOnPush = (id: string) => (workflow.jobs[id].needs ?? []).filter((n) => onPush.includes(n));
    const longest = (id: string): number => minutes.get(id)! + Math.max(0, ...needsOnPush(id).map(longest));
    const best = Math.max(...onPush.map(longest));

    const critical = [...(chart.classes.get('critical') ?? [])];
    const thick = chart.edges.filter((e) => e.arrow === '==>');
    // The marked jobs form one chain along thick edges, from a job with no marked need to the end.
    expect(thick).toHaveLength(critical.length - 1);
    for (const e of thick) expect(critical).toEqual(expect.arrayContaining([e.from, e.to]));
    const starts = critical.filter((id) => !thick.some((e) => e.to === id));
    expect(starts).toHaveLength(1);
    const chain = [starts[0]];
    while (chain.length < critical.length) chain.push(thick.find((e) => e.from === chain[chain.length - 1])!.to);
    const jobs = chain.map((id) => jobOf.get(id)!);
    expect(jobs.reduce((sum, j) => sum + minutes.get(j)!, 0)).toBe(best);
    expect(jobs).toEqual(['codeql', 'publish', 'deploy-dev', 'deploy-staging', 'deploy-prod']);
    expect(markdown).toContain(`Critical path of a push to \`main\`: ${jobs.map((j) => `${j} (${minutes.get(j)}m)`).join(' → ')} = ${best}m`);
  });

  test('places each job in its stage: checks, publish, deploy', () => {
    const title = (job: string) => [...chart.groups.values()].find((g) => g.members.includes(idOf.get(job)!))?.title;
    expect(title('lint')).toMatch(/^checks and scans/);
    expect(title('publish')).toMatch(/^publish/);
    expect(title('deploy-staging')).toMatch(/^deploy/);
  });
});

test("the README shows the flagship's pipeline diagram as generated", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(mermaidBlocks(readme)).toEqual(mermaidBlocks(read('docs/pipeline.md')));
});

test('the pipeline diagram draws `needs` as the workflow is written, raw overrides included', () => {
  const model = modelOf((outdir) => {
    const p = new Project({ name: 'over', outdir });
    const svc = new Service(p, 'web');
    new Environment(p, 'prod', { account: '123456789012', region: 'us-east-1' });
    new DockerImage(p, 'image', { service: svc, preset: DockerPreset.node() });
    const pipeline = new Pipeline(p, 'ci', { checks: { lint: false } });
    pipeline.addOverride('jobs.publish.needs', ['build']);
    return p;
  });
  const chart = chartOf(renderDiagrams(model).find((f) => f.path === 'docs/pipeline.md')!.content);
  const jobOf = new Map([...chart.nodes].map(([id, n]) => [id, n.lines[0]]));
  expect(chart.edges.filter((e) => jobOf.get(e.to) === 'publish').map((e) => jobOf.get(e.from))).toEqual(['build']);
});

describe('docs/architecture/<env>.md of the flagship example', () => {
  const model = modelOf(createProject);
  const monitoring = model.monitoring[0];
  const envs = model.environments.map((e) => e.name);

  test('one file per environment', () => {
    expect(fs.readdirSync(path.join(EXAMPLE, 'docs', 'architecture')).sort()).toEqual(envs.map((e) => `${e}.md`).sort());
  });

  test.each(envs)('%s: the diagram shows every alarm of the template, each reaching the route of its severity', (env) => {
    const template = { Resources: { ...JSON.parse(read(`infra/${env}.template.json`)).Resources, ...JSON.parse(read(`infra/api-${env}.template.json`)).Resources } } as Template;
    const resources = Object.values(template.Resources);
    // An SLO burn-rate alarm is drawn as the composite that pages; its window and traffic-guard alarms (no actions) are its parts.
    const burnRate = monitoring.alarms.filter((a) => a.condition.kind === 'burn-rate').map((a) => alarmName('api', env, a.name));
    const windowPart = (n: string) => burnRate.some((b) => n.startsWith(`${b}-`)) || n.startsWith(alarmName('api', env, 'slo-traffic-'));
    const inTemplate = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map((r) => r.Properties.AlarmName as string).filter((n) => !windowPart(n)).sort();
    const chart = chartOf(read(`docs/architecture/${env}.md`));
    const environment = model.environments.find((e) => e.name === env)!;
    const drawn = [...chart.nodes].filter(([id]) => id.startsWith('alarm_') || id.startsWith('deployalarm_')).map(([, n]) => alarmName('api', env, n.lines[0])).sort();
    expect(drawn).toEqual(inTemplate);
    const deployment = deploymentAlarmsInStack(environment, true, model.services[0]);
    expect(alarmsInStack(monitoring, environment, model).length + deployment.length).toBe(inTemplate.length);

    // Only production pages; elsewhere CRITICAL alarms notify the WARNING route.
    const routes: Record<string, RegExp> = {
      critical: environment.infrastructure.production
        ? /^CRITICAL: pages through the pager \(SSM parameter \/shipshape\/pager\/pagerduty-url\)$/
        : new RegExp(`^CRITICAL: no page in ${env}; Slack channel C0123ABCD`),
      warning: /^WARNING: Slack channel C0123ABCD/,
      info: /^INFO: a digest email every 24 h to api-team@example\.com$/,
    };
    const silent = silentParts(alarmsInStack(monitoring, environment, model));
    for (const alarm of alarmsInStack(monitoring, environment, model).filter((a) => !silent.has(a.name))) {
      const id = [...chart.nodes].find(([i, n]) => i.startsWith('alarm_') && n.lines[0] === alarm.name)![0];
      const group = [...chart.groups].find(([, g]) => g.members.includes(id))!;
      expect(group[1].title).toBe(`${alarm.severity.toUpperCase()} alarms`);
      expect(chart.classes.get(alarm.severity)).toContain(id);
      const notifies = chart.edges.filter((e) => e.from === group[0] && e.label === 'notifies');
      expect(notifies).toHaveLength(1);
      expect(chart.nodes.get(notifies[0].to)!.lines[0]).toMatch(routes[alarm.severity]);
    }
    const delivered = templateDeliveries(template);
    for (const [id, n] of [...chart.nodes].filter(([i]) => /^(deploy)?alarm_/.test(i))) {
      expect([n.lines[0], diagramDelivery(chart, id)]).toEqual([n.lines[0], delivered.get(alarmName('api', env, n.lines[0]))]);
    }
    expect(new Set([...delivered.values()].flat())).toEqual(new Set([
      ...(environment.infrastructure.production ? ['pager'] : []), 'slack:C0123ABCD', 'digest:email:api-team@example.com',
    ]));
    // CRITICAL alarms roll deployments back (the composite's silent parts too); so do the built-in deployment alarms.
    const rollbacks = chart.edges.filter((e) => e.arrow === '-.->' && /roll/.test(e.label ?? '')).map((e) => chart.groups.get(e.from)!.title).sort();
    const inStack = alarmsInStack(monitoring, environment, model);
    expect(rollbacks).toEqual([
      ...(inStack.some((a) => a.severity === 'critical' && !silent.has(a.name) && isRollbackAlarm(a)) ? ['CRITICAL alarms'] : []),
      ...(inStack.some((a) => silent.has(a.name) && isRollbackAlarm(a)) ? ['CRITICAL parts of composite alarms (no notification)'] : []),
      'deployment alarms',
    ].sort());
  });

  test.each(envs)('%s: load balancer, listeners, target groups, database, flags and canary as in the template', (env) => {
    const template = { Resources: { ...JSON.parse(read(`infra/${env}.template.json`)).Resources, ...JSON.parse(read(`infra/api-${env}.template.json`)).Resources } } as Template;
    const count = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;
    const chart = chartOf(read(`docs/architecture/${env}.md`));
    const labels = [...chart.nodes.values()].map((n) => n.lines[0]);
    const ports = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener').map((r) => r.Properties.Port).sort();
    expect(labels.filter((l) => l.startsWith('listener ')).map((l) => Number(l.split(':')[1])).sort()).toEqual(ports);
    expect(labels.filter((l) => l === 'Application Load Balancer')).toHaveLength(count('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(labels.filter((l) => l.startsWith('target group '))).toHaveLength(count('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(labels.filter((l) => l.startsWith('RDS PostgreSQL '))).toHaveLength(count('AWS::RDS::DBInstance'));
    expect(labels.filter((l) => l === 'AppConfig feature flags')).toHaveLength(count('AWS::AppConfig::Application'));
    expect(labels.filter((l) => l.startsWith('Synthetics canary'))).toHaveLength(count('AWS::Synthetics::Canary'));
    expect(labels.filter((l) => l.startsWith('ECS Fargate service'))).toHaveLength(count('AWS::ECS::Service'));
    // The environments differ: dev has no domain, so no load balancer and no canary.
    if (env === 'dev') expect(ports).toEqual([]);
    else expect(ports).toEqual([443, 80, 8443].sort()); // 8443: the test listener of the canary strategy
  });
});

/** A project whose names are Mermaid keywords: service, environments, flag, alarm and jobs. */
function keywordProject(outdir: string): Project {
  const p = new Project({ name: 'keywords', outdir });
  Shipshape.configure(p, { cloudFormationValidation: false });
  const svc = new Service(p, 'end');
  new Environment(p, 'subgraph', { account: '123456789012', region: 'us-east-1' });
  new Environment(p, 'class', {
    account: '123456789012',
    region: 'us-east-1',
    domain: { name: 'end.example.com', hostedZoneId: 'ZEND' },
    strategy: DeploymentStrategy.canary(),
    approval: { reviewers: ['click', 'org/style'], waitMinutes: 0 },
  });
  new DockerImage(p, 'image', { service: svc, preset: DockerPreset.node() });
  new FeatureFlag(p, 'style', { description: 'a "quoted" | <b>flag</b> `x` #1 %% end', values: { class: true } });
  new EscalationPolicy(p, 'escalation', { critical: { pagerEndpointParameter: '/end/pager' }, warning: { email: ['end@example.com'] } });
  const m = new Monitoring(p, 'monitoring', { service: svc, canary: { journeys: [{ name: 'subgraph', path: '/end' }] } });
  m.addAlarm('click', {
    severity: Severity.INFO,
    metric: AlarmMetric.custom({ namespace: 'end', metricName: 'End', statistic: 'Sum' }),
    threshold: 1,
    unit: 'count',
    impact: 'None.',
  });
  const pipeline = new Pipeline(p, 'ci', { checks: { lint: false } });
  pipeline.addJob('end', { steps: [{ run: 'true' }] });
  pipeline.addJob('graph', { needs: ['end'], steps: [{ run: 'true' }] });
  return p;
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/**
 * Where each alarm of a template notifies a person, by alarm name, read from the template: its alarm actions' topics
 * and their subscribers (`pager` for the HTTPS pager subscription, `email:<address>`, `slack:<channel>`), and, for
 * the INFO alarms the digest function reads, `digest:` and its topic's subscribers.
 */
function templateDeliveries(template: Template): Map<string, string[]> {
  const resources = Object.values(template.Resources);
  const ref = (v: unknown) => (v as { Ref?: string } | undefined)?.Ref;
  const subscribers = (topic: string) => [
    ...resources.filter((r) => r.Type === 'AWS::SNS::Subscription' && ref(r.Properties.TopicArn) === topic)
      .map((r) => (r.Properties.Protocol === 'https' ? 'pager' : `${String(r.Properties.Protocol)}:${String(r.Properties.Endpoint)}`)),
    ...resources.filter((r) => r.Type === 'AWS::Chatbot::SlackChannelConfiguration' && (r.Properties.SnsTopicArns as unknown[]).some((t) => ref(t) === topic))
      .map((r) => `slack:${String(r.Properties.SlackChannelId)}`),
  ];
  const digests = resources.filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables)
    .filter((v): v is Record<string, unknown> => typeof v?.ALARM_NAMES === 'string');
  const out = new Map<string, string[]>();
  for (const r of resources.filter((x) => /^AWS::CloudWatch::(Composite)?Alarm$/.test(x.Type))) {
    const name = r.Properties.AlarmName as string;
    const direct = ((r.Properties.AlarmActions ?? []) as unknown[]).flatMap((a) => subscribers(ref(a)!));
    const digested = digests.filter((d) => (JSON.parse(d.ALARM_NAMES as string) as string[]).includes(name))
      .flatMap((d) => subscribers(ref(d.TOPIC_ARN)!).map((x) => `digest:${x}`));
    out.set(name, [...direct, ...digested].sort());
  }
  return out;
}

/** Where the diagram says an alarm notifies a person: the route its group's `notifies` edge points to, in the same terms. */
function diagramDelivery(chart: Chart, alarmId: string): string[] {
  const group = [...chart.groups].find(([, g]) => g.members.includes(alarmId))![0];
  const routes = chart.edges.filter((e) => e.from === group && e.label === 'notifies').map((e) => chart.nodes.get(e.to)!.lines[0]);
  return routes.flatMap((route) => {
    let m: RegExpMatchArray | null;
    if (/^CRITICAL: pages through the pager/.test(route)) return ['pager'];
    if ((m = route.match(/Slack channel (\S+)/))) return [`slack:${m[1]}`];
    if ((m = route.match(/a digest email every \d+ h to (.+)$/))) return m[1].split(', ').map((a) => `digest:email:${a}`);
    if ((m = route.match(/email to (.+)$/))) return m[1].split(', ').map((a) => `email:${a}`);
    return [];
  }).sort();
}

/** The service whose stack subgraph holds `id`. */
function serviceOf(chart: Chart, id: string): string {
  const parent = new Map([...chart.groups].flatMap(([g, group]) => group.members.map((m) => [m, g] as const)));
  for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
    const m = chart.groups.get(at)!.title.match(/^service (\S+): stack /);
    if (m) return m[1];
  }
  throw new Error(`${id} is in no service's subgraph`);
}

const twoServices = fixtures.find(([name]) => name === 'fixture: two services')!;
const blueGreen = fixtures.find(([name]) => name.startsWith('fixture: existing network'))!;
describe.each([twoServices, blueGreen, ['keywords', keywordProject] as const])('%s: the architecture diagrams and the templates agree', (_, factory) => {
  const files = synthSnapshot(factory);
  const model = modelOf(factory);

  test.each(model.environments.map((e) => e.name))('%s: every alarm of its templates is drawn, in the subgraph of its service', (env) => {
    const chart = chartOf(files[`docs/architecture/${env}.md`]);
    const drawn = [...chart.nodes].filter(([id]) => /^(deploy)?alarm_/.test(id)).map(([id, n]) => alarmName(serviceOf(chart, id), env, n.lines[0])).sort();
    const inTemplates = stackTargets(model).filter((t) => t.environment.name === env).flatMap((t) => {
      const template = JSON.parse(files[t.filePath]) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
      return Object.values(template.Resources).filter((r) => /^AWS::CloudWatch::(Composite)?Alarm$/.test(r.Type)).map((r) => r.Properties.AlarmName as string);
    }).sort();
    expect(drawn).toEqual(inTemplates);
    expect(drawn.length).toBeGreaterThan(0);
  });

  test.each(model.environments.map((e) => e.name))('%s: each alarm reaches, in the diagram, whom its template notifies', (env) => {
    const chart = chartOf(files[`docs/architecture/${env}.md`]);
    const delivered = new Map(stackTargets(model).filter((t) => t.environment.name === env)
      .flatMap((t) => [...templateDeliveries(JSON.parse(files[t.filePath]) as Template)]));
    for (const [id, n] of [...chart.nodes].filter(([i]) => /^(deploy)?alarm_/.test(i))) {
      expect([n.lines[0], diagramDelivery(chart, id)]).toEqual([n.lines[0], delivered.get(alarmName(serviceOf(chart, id), env, n.lines[0]))]);
    }
  });
});

describe('docs/architecture/<env>.md of the application example (examples/shop)', () => {
  const model = modelOf(createShop);
  const charts = new Map(renderDiagrams(model).filter((f) => f.path.startsWith('docs/architecture/')).map((f) => [f.path, chartOf(f.content)]));
  const prod = charts.get('docs/architecture/prod.md')!;
  const byFirstLine = nodeByFirstLine(prod);

  test('each service shows its size, scaling and strategy as its own stack has them (overrides, its own scaling, rolling when internal)', () => {
    const target = (name: string) => stackTargets(model).find((t) => t.service.name === name && t.environment.name === 'prod')!;
    const api = prod.nodes.get(byFirstLine.get('ECS Fargate service api (internal: Service Connect only)')!)!;
    const s = target('api').environment.infrastructure.scaling;
    expect(api.lines.slice(1)).toEqual(['256 CPU units, 512 MiB, port 8080', `${s.min} to ${s.max} tasks, scaling on ${s.metric} ${s.target}`, 'rolling deployment']);
    // web's prod override: 512 CPU units and 1024 MiB there (256 and 512 in staging).
    expect(prod.nodes.get(byFirstLine.get('ECS Fargate service web')!)!.lines[1]).toBe('512 CPU units, 1024 MiB, port 3000');
    const staging = charts.get('docs/architecture/staging.md')!;
    expect(staging.nodes.get(nodeByFirstLine(staging).get('ECS Fargate service web')!)!.lines[1]).toBe('256 CPU units, 512 MiB, port 3000');
  });

  test('the worker: its queue and dead-letter queue, fed by the publishing service\'s topic, in its own stack', () => {
    const queue = byFirstLine.get('SQS queue billing-prod')!;
    const topic = byFirstLine.get('SNS topic api-prod-events')!;
    const worker = byFirstLine.get('ECS Fargate worker billing (no port, no load balancer)')!;
    expect(prod.edges).toEqual(expect.arrayContaining([
      { from: topic, arrow: '-->', to: queue, label: 'subscribed' },
      { from: queue, arrow: '-->', to: worker, label: 'polls' },
      { from: queue, arrow: '-.->', to: byFirstLine.get('dead-letter queue billing-prod-dlq')!, label: 'moves' },
    ]));
    expect([...prod.groups.values()].find((g) => g.members.includes(queue))!.title).toBe('worker billing: stack billing-prod (infra/billing-prod.template.json)');
  });

  test('the job: the scheduler starts the state machine, which runs the task', () => {
    const scheduler = byFirstLine.get('EventBridge Scheduler cron(0 3 * * ? *)')!;
    const machine = byFirstLine.get('Step Functions state machine')!;
    expect(prod.nodes.get(machine)!.lines[1]).toBe('retries 2, timeout 30 min');
    expect(prod.edges).toEqual(expect.arrayContaining([
      { from: scheduler, arrow: '-->', to: machine, label: 'starts' },
      { from: machine, arrow: '-->', to: byFirstLine.get('ECS Fargate task nightly (runs to completion)')!, label: 'runs and waits' },
    ]));
  });

  test('they parse with mermaid', () => {
    const results = parseMermaid([...charts.keys()].map((f) => mermaidBlocks(renderDiagrams(model).find((x) => x.path === f)!.content)[0]));
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });
});

describe('every generated diagram parses with mermaid', () => {
  test('the flagship, the fixtures and a project named with Mermaid keywords', () => {
    const sources: Array<[string, (outdir: string) => Project]> = [['flagship', createProject], ...fixtures, ['keywords', keywordProject]];
    const diagrams = sources.flatMap(([name, factory]) => renderDiagrams(modelOf(factory)).flatMap((f) => mermaidBlocks(f.content).map((d) => ({ name: `${name}: ${f.path}`, d }))));
    // The flagship's committed files are among them (a stale one fails test/validate-outputs.test.ts).
    for (const file of ['docs/pipeline.md', 'docs/architecture/prod.md']) diagrams.push({ name: `committed ${file}`, d: mermaidBlocks(read(file))[0] });
    expect(diagrams.length).toBeGreaterThan(10);
    const results = parseMermaid(diagrams.map((x) => x.d));
    expect(diagrams.filter((_, i) => !results[i].ok).map((x, i) => `${x.name}: ${results[i].error}`)).toEqual([]);
    expect(new Set(results.map((r) => r.diagramType))).toEqual(new Set(['flowchart-v2']));
  });

  test('the property-test configurations', () => {
    const diagrams = fc.sample(config, { numRuns: 40, seed: 1717 })
      .flatMap((c) => renderDiagrams(modelOf(build(c))).flatMap((f) => mermaidBlocks(f.content)));
    const results = parseMermaid(diagrams);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });

  test('any name and label: ids never collide or hit a keyword, labels never break out of their quotes', () => {
    const nasty = ['end', 'subgraph', 'class', 'classDef', 'click', 'style', 'graph', 'flowchart', 'default', 'o', 'x', 'a"b', 'x]y', 'p|q', '%%', '<br/>',
      '`md`', '#35;', 'line\nbreak', 'ünï', '→', '🚀', '', ' ', '--', 'a b', 'a_b', 'a-b', 'A B', '{{x}}', '((y))', '[(z)]', '\\', ';', '&amp;'];
    const chart = new Flowchart();
    chart.group(chart.id('group', 'end'), 'end "quoted" [x] |y|', () => nasty.forEach((n) => chart.node(chart.id('n', n), [`<${n}>`, `label ${n}`], 'hexagon')));
    nasty.forEach((n, i) => chart.edge(chart.id('n', n), chart.id('n', nasty[(i + 1) % nasty.length]), i % 2 ? 'thick' : 'dotted', n));
    chart.classDef('critical', 'stroke:#c62828');
    chart.addClass(chart.id('n', 'end'), 'critical');
    const ids = nasty.map((n) => chart.id('n', n));
    expect(new Set(ids).size).toBe(nasty.length);
    const back = readChart(chart.render());
    expect(nasty.map((n) => back.nodes.get(chart.id('n', n))!.lines[0])).toEqual(nasty.map((n) => `<${n}>`.replace(/\s+/g, ' ')));
    // Written without escaping, the same names break the parser: the check below is not vacuous.
    const [escaped, raw] = parseMermaid([chart.render(), 'flowchart LR\n  end["a"b"] --> x["p|q"]']);
    expect(escaped).toEqual({ ok: true, diagramType: 'flowchart-v2' });
    expect(raw.ok).toBe(false);
  });

  test('text() keeps letters, digits and plain signs, and writes the rest as entity codes', () => {
    expect(text('deploy-prod (about 28 min): a/b')).toBe('deploy-prod (about 28 min): a/b');
    expect(text('10% "x" <y> `z` #1 |')).toBe('10#37; #34;x#34; #60;y#62; #96;z#96; #35;1 #124;');
  });
});
