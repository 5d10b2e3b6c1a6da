import { Template } from 'aws-cdk-lib/assertions';
import type { Project } from 'projen';
import { bareProject } from './util';
import { DeploymentStrategy, Duration, Environment, EscalationPolicy, Monitoring, Service } from '../src';
import type { EscalationPolicyProps, MonitoringProps } from '../src';
import { synthSnapshot } from '../src/testing/synth';

export const ESCALATION: EscalationPolicyProps = {
  critical: { pagerEndpointParameter: '/pager/url' },
  warning: { email: ['team@example.com'] },
  info: { email: ['digest@example.com'] },
};

export interface ShopOptions {
  readonly escalation?: EscalationPolicyProps | false;
  readonly monitoring?: Partial<MonitoringProps>;
  readonly strategy?: DeploymentStrategy;
  readonly url?: string | false;
  readonly extra?: (monitoring: Monitoring, project: Project) => void;
}

/** A one-service project with a prod environment, an escalation policy and a Monitoring. */
export function shop(outdir: string, o: ShopOptions = {}): Project {
  const project = bareProject(outdir, 'shop');
  const api = new Service(project, 'api');
  new Environment(project, 'prod', {
    account: '123456789012',
    region: 'eu-west-1',
    // A domain gives the environment its load balancer and its URL (canary strategies need both).
    ...(o.url === false ? {} : { domain: { name: new URL(o.url ?? 'https://api.example.com').host, hostedZoneId: 'ZSHOPZONE' } }),
    strategy: o.strategy ?? (o.url === false ? DeploymentStrategy.rolling() : DeploymentStrategy.canary({ bake: Duration.minutes(15) })),
  });
  if (o.escalation !== false) new EscalationPolicy(project, 'escalation', o.escalation ?? ESCALATION);
  const monitoring = new Monitoring(project, 'monitoring', { service: api, ...o.monitoring });
  o.extra?.(monitoring, project);
  return project;
}

/** The generated files and the prod template of a shop project. */
export function synthShop(o: ShopOptions = {}): { files: Record<string, string>; template: Template; json: Record<string, any> } {
  const files = synthSnapshot((outdir) => shop(outdir, o));
  const json = JSON.parse(files['infra/api-prod.template.json']);
  return { files, template: Template.fromJSON(json), json };
}

/** The resource of `type` whose property `key` equals `value`. */
export function findResource(json: Record<string, any>, type: string, key: string, value: unknown): [string, any] {
  const found = Object.entries(json.Resources as Record<string, any>).find(([, r]) => r.Type === type && r.Properties?.[key] === value);
  if (!found) throw new Error(`no ${type} with ${key}=${JSON.stringify(value)}`);
  return found;
}

/** The names of the alarms the monitoring construct created (the stack's own older alarm is left out). */
export function monitoringAlarmNames(template: Template): string[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('Monitoring')).map(([, r]) => r.Properties.AlarmName);
}
