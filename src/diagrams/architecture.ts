/**
 * docs/architecture/<environment>.md: one environment's topology, drawn from the ProjectModel: per service its
 * load balancer (listeners, target groups) when the environment has a domain, the ECS service, the database, the
 * AppConfig feature flags, the Synthetics canary, and its alarms with the escalation route of each severity.
 */
import { Flowchart, mermaidBlock } from './mermaid';
import { PortlessTarget, portlessTargets, stackTargets } from '../cloudformation/templates';
import { TEST_HEADER, TEST_LISTENER_PORT } from '../core/naming';
import { databaseSizeIn } from '../database/settings';
import { TASK_START_FAILURES_ALARM, UNHEALTHY_TARGETS_ALARM, deploymentAlarms } from '../environment/alarms';
import { publicHostName, publicUrl } from '../environment/urls';
import type { EnvironmentModel, ProjectModel, RenderedFile, ServiceModel } from '../model';
import { alarmExistsIn } from '../monitoring/docs/common';
import type { AlarmModel, EscalationModel, MonitoringModel, SeverityLevel, WarningRouteModel } from '../monitoring/model';
import { alarmsIn, isRollbackAlarm, routesIn, silentParts } from '../monitoring/model';

export const SEVERITIES: readonly SeverityLevel[] = ['critical', 'warning', 'info'];

export function architectureFile(env: string): string {
  return `docs/architecture/${env}.md`;
}

/** Does the stack of `env` have a canary for this monitoring? (the Synthetics canary needs a URL) */
export function hasCanary(env: EnvironmentModel, monitoring: MonitoringModel | undefined, service: ServiceModel): boolean {
  return monitoring?.canary !== undefined && publicUrl(service, env) !== undefined;
}

/** Does the service have rules on the environment's load balancer? (public, in an environment with a domain) */
function routed(env: EnvironmentModel, service: ServiceModel): boolean {
  return env.infrastructure.domain !== undefined && service.exposure.kind === 'public';
}

/**
 * The alarms of `monitoring` the stack of `env` creates: the runbooks' rule (`alarmExistsIn`: meant for the
 * environment, the stack has what its metric needs, and for a composite every part), from the model alone.
 */
export function alarmsInStack(monitoring: MonitoringModel, env: EnvironmentModel, model: ProjectModel): AlarmModel[] {
  return alarmsIn(monitoring, env.name).filter((a) => alarmExistsIn(a, env, monitoring, model));
}

/**
 * The built-in deployment alarms of the stack (their name suffixes): with a Monitoring, only the failure path
 * (tasks that never start; behind a load balancer, targets that never get healthy); without one, every built-in
 * deployment alarm of the environment, which notify the stack's own SNS topic.
 */
export function deploymentAlarmsInStack(env: EnvironmentModel, monitored: boolean, service: ServiceModel): string[] {
  const lb = routed(env, service);
  const specs = monitored ? [TASK_START_FAILURES_ALARM, ...(lb ? [UNHEALTHY_TARGETS_ALARM] : [])] : deploymentAlarms(lb);
  return specs.map((a) => a.suffix);
}

/** Where each severity's notifications go in `env`, in words (CRITICAL pages only where the escalation pages). */
export function routeLabel(escalation: EscalationModel, severity: SeverityLevel, env: EnvironmentModel): string {
  const routes = routesIn(escalation, env.name, env.infrastructure.production);
  const warning = (w: WarningRouteModel) => (w.kind === 'slack' ? `Slack channel ${w.channelId} (AWS Chatbot)` : `email to ${w.addresses.join(', ')}`);
  if (severity === 'critical') {
    return routes.pages
      ? `CRITICAL: pages through the pager (SSM parameter ${escalation.critical.pagerEndpointParameter})`
      : `CRITICAL: no page in ${env.name}; ${warning(routes.warning)}`;
  }
  if (severity === 'warning') return `WARNING: ${warning(routes.warning)}`;
  const i = escalation.info;
  return i ? `INFO: a digest email every ${i.everyHours} h to ${i.addresses.join(', ')}` : 'INFO: no route (the dashboard only)';
}

function strategyLabel(env: EnvironmentModel): string {
  const s = env.strategy;
  const bake = (seconds: number) => `bake ${Math.round(seconds / 60)} min`;
  switch (s.kind) {
    case 'rolling': return 'rolling deployment';
    case 'blue-green': return `blue/green deployment, ${bake(s.bakeSeconds)}`;
    case 'canary': return `canary deployment ${s.percent}%, ${bake(s.bakeSeconds)}`;
    case 'linear': return `linear deployment ${s.stepPercent}% every ${Math.round(s.stepIntervalSeconds / 60)} min, ${bake(s.bakeSeconds)}`;
  }
}

function serviceTopology(chart: Flowchart, model: ProjectModel, service: ServiceModel, env: EnvironmentModel, users: string): void {
  const key = service.name;
  const infra = env.infrastructure;
  // The service and its environment as its stack sees them: its overrides there, its own scaling, rolling when unrouted.
  const target = stackTargets(model).find((t) => t.service.name === service.name && t.environment.name === env.name)!;
  const here = target.service;
  const scaling = target.environment.infrastructure.scaling;
  const monitoring = model.monitoring.find((m) => m.service === service.name);
  const database = model.databases.find((d) => d.service === service.name);
  chart.group(chart.id('stack', key), `service ${service.name}: stack ${target.stackName} (${target.filePath})`, () => {
    const ecs = chart.node(chart.id('ecs', key), [
      `ECS Fargate service ${service.name}${service.internal ? ' (internal: Service Connect only)' : ''}`,
      `${here.cpu} CPU units, ${here.memoryMiB} MiB, port ${service.port}`,
      `${scaling.min} to ${scaling.max} tasks, scaling on ${scaling.metric} ${scaling.target}`,
      strategyLabel(target.environment),
    ], 'box');
    if (infra.domain && routed(env, service)) {
      const host = publicHostName(service, infra.domain.name);
      const path = service.exposure.kind === 'public' && service.exposure.path ? `${service.exposure.path}/*` : '/*';
      const lb = chart.node(chart.id('alb', key), ['Application Load Balancer', `shared: ${host}`], 'box');
      const https = chart.node(chart.id('https', key), ['listener HTTPS :443', `rule ${host}${path} to the target groups`], 'round');
      const http = chart.node(chart.id('http', key), ['listener HTTP :80', 'redirect to HTTPS'], 'round');
      const groups = env.strategy.kind === 'rolling' ? ['blue'] : ['blue', 'green'];
      chart.edge(users, lb, 'solid', host);
      chart.edge(lb, https);
      chart.edge(lb, http);
      chart.edge(http, https, 'dotted', '301');
      // Blue/green, canary and linear: a test listener whose rule (with the test header) reaches the new tasks.
      const test = groups.length > 1
        ? chart.node(chart.id('test', key), [`listener HTTPS :${TEST_LISTENER_PORT}`, `test rule: header ${TEST_HEADER} to the new tasks`], 'round')
        : undefined;
      if (test) chart.edge(lb, test);
      for (const g of groups) {
        const tg = chart.node(chart.id('tg', `${key}/${g}`), [`target group ${g}`, `health check ${service.healthPath}`], 'box');
        chart.edge(https, tg, 'solid', g === 'blue' ? 'weight 100' : 'weight 0, shifted while deploying');
        chart.edge(tg, ecs);
      }
      if (test) chart.edge(test, chart.id('tg', `${key}/green`), 'dotted', 'while deploying');
    }
    if (database) {
      const db = chart.node(chart.id('db', key), [
        `RDS PostgreSQL ${database.postgresVersion}`,
        `database ${database.databaseName}, ${databaseSizeIn(database, env.name).instanceType}`,
        (database.multiAz ?? infra.production) ? 'multi-AZ' : 'single-AZ',
      ], 'cylinder');
      chart.edge(ecs, db, 'solid', 'TLS');
    }
    if (model.flags.length > 0) {
      const flags = chart.node(chart.id('flags', key), [
        'AppConfig feature flags',
        ...model.flags.map((f) => `${f.name}: ${f.values[env.name] === true ? 'on' : 'off'}`),
      ], 'stadium');
      chart.edge(ecs, flags, 'dotted', 'reads');
    }
    const builtin = chart.id('deployalarms', key);
    chart.group(builtin, 'deployment alarms', () => {
      for (const suffix of deploymentAlarmsInStack(env, monitoring !== undefined, service)) chart.node(chart.id('deployalarm', `${key}/${suffix}`), [suffix], 'box');
    });
    chart.edge(builtin, ecs, 'dotted', 'roll back deployments');
    if (monitoring) {
      monitoringTopology(chart, model, monitoring, env, key, ecs, service);
    } else {
      const topic = chart.node(chart.id('topic', key), [`SNS topic ${service.name}-${env.name}-alarms`, 'subscribe to be notified'], 'stadium');
      chart.edge(builtin, topic, 'solid', 'notifies');
    }
  });
}

function monitoringTopology(
  chart: Flowchart, model: ProjectModel, monitoring: MonitoringModel, env: EnvironmentModel, key: string, ecs: string, service: ServiceModel,
): void {
  // The canary calls the public URL: the load balancer when the stack has one.
  const entry = routed(env, service) ? chart.id('alb', key) : ecs;
  if (hasCanary(env, monitoring, service)) {
    const canary = chart.node(chart.id('canary', key), [
      `Synthetics canary every ${monitoring.canary!.everyMinutes} min`,
      ...monitoring.canary!.journeys.map((j) => `${j.name}: ${j.method} ${j.path}`),
    ], 'stadium');
    chart.edge(canary, entry, 'dotted', publicUrl(service, env)!);
  }
  const alarms = alarmsInStack(monitoring, env, model);
  // The CRITICAL parts of a CRITICAL composite notify nobody (the composite pages once); they still roll back.
  const silent = silentParts(alarms);
  for (const severity of SEVERITIES) {
    const mine = alarms.filter((a) => a.severity === severity && !silent.has(a.name));
    const route = chart.id('route', `${key}/${severity}`);
    const group = chart.id('alarms', `${key}/${severity}`);
    if (mine.length === 0) continue;
    chart.group(group, `${severity.toUpperCase()} alarms`, () => {
      for (const a of mine) chart.addClass(chart.node(chart.id('alarm', `${key}/${a.name}`), [a.name], 'box'), severity);
    });
    chart.node(route, [routeLabel(monitoring.escalation, severity, env)], 'stadium');
    chart.addClass(route, severity);
    chart.edge(group, route, 'solid', 'notifies');
    if (mine.some(isRollbackAlarm)) chart.edge(group, ecs, 'dotted', 'roll back deployments');
  }
  const parts = alarms.filter((a) => silent.has(a.name));
  if (parts.length > 0) {
    const group = chart.id('alarms', `${key}/critical-parts`);
    chart.group(group, 'CRITICAL parts of composite alarms (no notification)', () => {
      for (const a of parts) chart.addClass(chart.node(chart.id('alarm', `${key}/${a.name}`), [a.name], 'box'), 'critical');
    });
    if (parts.some(isRollbackAlarm)) chart.edge(group, ecs, 'dotted', 'roll back deployments');
  }
}

/** A worker's or a scheduled job's stack in `env`: what runs it, its queue or its schedule, and what feeds the queue. */
function portlessTopology(chart: Flowchart, target: PortlessTarget): void {
  const { workload, environment: env } = target;
  const m = workload.model;
  const key = m.name;
  chart.group(chart.id('stack', key), `${workload.kind} ${m.name}: stack ${target.stackName} (${target.filePath})`, () => {
    if (workload.kind === 'worker') {
      const w = workload.model;
      const ecs = chart.node(chart.id('ecs', key), [
        `ECS Fargate worker ${w.name} (no port, no load balancer)`,
        `${w.cpu} CPU units, ${w.memoryMiB} MiB, health command ${w.healthCommand.join(' ')}`,
        `${w.scaling.min} to ${w.scaling.max} tasks, ${w.scaling.messagesPerTask} visible messages per task`,
      ], 'box');
      const queue = chart.node(chart.id('queue', key), [`SQS queue ${w.name}-${env.name}`, `visibility ${w.queue.visibilityTimeoutSeconds} s`], 'stadium');
      const dlq = chart.node(chart.id('dlq', key), [`dead-letter queue ${w.name}-${env.name}-dlq`, `after ${w.queue.maxReceiveCount} receives`], 'stadium');
      chart.edge(queue, ecs, 'solid', 'polls');
      chart.edge(queue, dlq, 'dotted', 'moves');
      for (const publisher of w.subscribe) {
        chart.edge(chart.id('events', publisher), queue, 'solid', 'subscribed');
      }
    } else {
      const j = workload.model;
      const scheduler = chart.node(chart.id('schedule', key), [`EventBridge Scheduler ${j.schedule}`, `time zone ${j.timezone}`], 'stadium');
      const machine = chart.node(chart.id('statemachine', key), [
        'Step Functions state machine', `retries ${j.retries}, timeout ${Math.round(j.timeoutSeconds / 60)} min`,
      ], 'box');
      const task = chart.node(chart.id('ecs', key), [`ECS Fargate task ${j.name} (runs to completion)`, `${j.cpu} CPU units, ${j.memoryMiB} MiB`], 'box');
      chart.edge(scheduler, machine, 'solid', 'starts');
      chart.edge(machine, task, 'solid', 'runs and waits');
    }
  });
}

export function architectureChart(model: ProjectModel, env: EnvironmentModel): Flowchart {
  const chart = new Flowchart('LR');
  // Users reach the service through the load balancer, which exists with a domain only.
  const users = chart.id('users', 'users');
  if (model.services.some((s) => routed(env, s))) chart.node(users, ['users'], 'circle');
  chart.group(chart.id('env', env.name), `${env.name}: account ${env.account}, ${env.region}`, () => {
    for (const service of model.services) serviceTopology(chart, model, service, env, users);
    // A publishing service's events topic, which its subscribers' queues read.
    for (const service of model.services.filter((s) => s.publishes)) {
      const topic = chart.node(chart.id('events', service.name), [`SNS topic ${service.name}-${env.name}-events`], 'stadium');
      chart.edge(chart.id('ecs', service.name), topic, 'dotted', 'publishes');
    }
    for (const t of portlessTargets(model).filter((x) => x.environment.name === env.name)) portlessTopology(chart, t);
  });
  chart.classDef('critical', 'fill:#fde2e1,stroke:#c62828');
  chart.classDef('warning', 'fill:#fff4ce,stroke:#b7791f');
  chart.classDef('info', 'fill:#e3f2fd,stroke:#1565c0');
  return chart;
}

/** One file per environment, in deploy order. */
export function renderArchitectureDiagrams(model: ProjectModel): RenderedFile[] {
  if (model.services.length + model.workers.length + model.jobs.length === 0) return [];
  return [...model.environments].sort((a, b) => a.order - b.order).map((env) => {
    const lines = [
      `<!-- ${model.header.join(' ')} -->`,
      `# Architecture: ${env.name}`,
      '',
      `What the stacks of \`${env.name}\` create (account ${env.account}, ${env.region}${env.infrastructure.production ? ', production' : ''}), drawn from the same model the templates are built from. Alarms point to where their severity notifies; CRITICAL metric alarms and the built-in deployment alarms also roll a deployment back.`,
      '',
      mermaidBlock(architectureChart(model, env)),
      '',
    ];
    return { path: architectureFile(env.name), source: env.path, content: `${lines.join('\n').trimEnd()}\n` };
  });
}
