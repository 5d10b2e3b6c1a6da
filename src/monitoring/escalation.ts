import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { EscalationModel, WarningRouteModel } from './model';
import { ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import { Problem, problem } from '../core/errors';
import { NAME_PATTERN, NAME_RULE } from '../core/names';
import { Environment } from '../environment/environment';

/** Where CRITICAL alarms page. */
export interface CriticalRoute {
  /**
   * Name of an SSM parameter (type String) that holds the pager's HTTPS integration URL, for example
   * a PagerDuty or Opsgenie CloudWatch integration. The template reads it at deploy time through a
   * CloudFormation parameter of type `AWS::SSM::Parameter::Value<String>`: the URL never appears in
   * the template or the repository.
   */
  readonly pagerEndpointParameter: string;
}

/** A Slack channel reached through AWS Chatbot (the workspace must be authorized in the Chatbot console once). */
export interface SlackRoute {
  /** The Slack workspace id, for example `T0123ABCD`. */
  readonly workspaceId: string;
  /** The Slack channel id, for example `C0123ABCD`. */
  readonly channelId: string;
}

/** Where WARNING alarms notify: exactly one of `slack` or `email`. */
export interface WarningRoute {
  readonly slack?: SlackRoute;
  /** Email addresses subscribed to the WARNING topic (each confirms the subscription once). */
  readonly email?: readonly string[];
}

/** Where INFO alarms go: a periodic email digest. */
export interface InfoRoute {
  /** Email addresses that receive the digest. */
  readonly email: readonly string[];
  /**
   * How often the digest is sent; a digest lists every INFO alarm state change since the previous one.
   * @default Duration.hours(24)
   */
  readonly every?: Duration;
}

/** The routes of one environment, where they differ from the policy's defaults. */
export interface EnvironmentRoutes {
  /**
   * Whether CRITICAL alarms page the on-call engineer in this environment. When false, they notify the WARNING
   * route instead (and still roll deployments back), and the environment's account needs no pager parameter.
   * @default - true for production environments only
   */
  readonly page?: boolean;
  /** @default - the policy's warning route */
  readonly warning?: WarningRoute;
}

/** Props of an {@link EscalationPolicy}. */
export interface EscalationPolicyProps {
  /** Where CRITICAL alarms page (in production environments, or where `environments` says so). */
  readonly critical: CriticalRoute;
  readonly warning: WarningRoute;
  /**
   * @default - no digest: INFO alarms are only shown on the dashboard
   */
  readonly info?: InfoRoute;
  /**
   * Routes per environment name. By default only production environments page; the others send CRITICAL alarms
   * to the WARNING route.
   * @default {}
   */
  readonly environments?: Readonly<Record<string, EnvironmentRoutes>>;
}

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'an email address' });
const ssmName = z.string({ message: "the name of an SSM parameter, for example '/pager/url'" })
  .regex(/^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/, { message: "the name of an SSM parameter, for example '/pager/url'" });

const warningSchema = z.strictObject({
  slack: z.strictObject({
    workspaceId: z.string().regex(/^[A-Z0-9]{9,15}$/, { message: 'a Slack workspace id such as T0123ABCD' }),
    channelId: z.string().regex(/^[A-Z0-9]{9,15}$/, { message: 'a Slack channel id such as C0123ABCD' }),
  }).optional(),
  email: z.array(email).min(1).optional(),
}, { message: 'a warning route: { slack: {...} } or { email: [...] }' })
  .refine((w) => (w.slack === undefined) !== (w.email === undefined), { message: 'exactly one of slack or email' });

const schema = z.strictObject({
  critical: z.strictObject({ pagerEndpointParameter: ssmName }, { message: "a pager route: { pagerEndpointParameter: '/pager/url' }" }),
  warning: warningSchema,
  info: z.strictObject({
    email: z.array(email).min(1),
    every: z.custom<Duration>(Duration.isDuration, { message: 'a Duration' })
      .refine((d) => d.toSeconds() >= 3600 && d.toSeconds() <= 7 * 86400 && d.toSeconds() % 3600 === 0, { message: 'whole hours from 1h to 7d' })
      .default(() => Duration.hours(24)),
  }).optional(),
  environments: z.record(
    z.string().regex(NAME_PATTERN, { message: NAME_RULE }),
    z.strictObject({ page: z.boolean({ message: 'true or false' }).optional(), warning: warningSchema.optional() },
      { message: 'environment routes: { page?: boolean, warning?: { slack } | { email } }' }),
  ).default({}),
}) satisfies z.ZodType<unknown, EscalationPolicyProps>;

/**
 * The project's escalation routes, configured once: CRITICAL pages, WARNING goes to chat or
 * email, INFO becomes a digest. Every service's alarms use these routes.
 */
export class EscalationPolicy extends ShipshapeConstruct {
  /** @internal */
  public readonly _model: EscalationModel;

  constructor(scope: IConstruct, id: string, props: EscalationPolicyProps) {
    super(scope, id);
    const p = this.parse(schema, props, 'SS-ESCALATION');
    const environments = Object.entries(p.environments);
    this._model = {
      path: this.constructPath,
      critical: { pagerEndpointParameter: p.critical.pagerEndpointParameter },
      warning: warningModel(p.warning),
      ...(p.info ? { info: { kind: 'email-digest', addresses: p.info.email, everyHours: p.info.every.toSeconds() / 3600 } } : {}),
      ...(environments.length > 0 ? {
        environments: Object.fromEntries(environments.map(([name, r]) => [name, {
          ...(r.page !== undefined ? { page: r.page } : {}),
          ...(r.warning ? { warning: warningModel(r.warning) } : {}),
        }])),
      } : {}),
    };
  }

  /** @internal */
  public _validate(): Problem[] {
    const all = this.shipshape.membersOf(EscalationPolicy);
    if (all[0] !== this) {
      return [problem('SS-ESCALATION-DUPLICATE', this.constructPath, '(construct)', this.node.id,
        `the only EscalationPolicy of the project (already declared at ${all[0].constructPath})`,
        'Escalation routes are configured once per project; every service uses them.')];
    }
    const envs = this.shipshape.membersOf(Environment).map((e) => e.name);
    return Object.keys(this._model.environments ?? {}).filter((n) => !envs.includes(n)).map((n) =>
      problem('SS-ESCALATION-ENVIRONMENT', this.constructPath, `environments.${n}`, n, `the name of a declared environment (${envs.join(', ')})`));
  }
}

function warningModel(w: z.output<typeof warningSchema>): WarningRouteModel {
  return w.slack ? { kind: 'slack', workspaceId: w.slack.workspaceId, channelId: w.slack.channelId } : { kind: 'email', addresses: w.email! };
}
