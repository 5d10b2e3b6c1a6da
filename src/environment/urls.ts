/**
 * Where a service is reached, derived once from the model: the environment stack (certificate names, DNS
 * records), the service's listener rule, the deploy job's health check, the canary and the runbooks all read it
 * from here.
 */
import type { EnvironmentModel, ServiceModel } from '../model';

/** The services that get a load balancer rule where the environment has a domain. */
export function publicServicesIn<S extends Pick<ServiceModel, 'exposure'>>(services: readonly S[]): S[] {
  return services.filter((s) => s.exposure.kind === 'public');
}

/** The host name of a public service under a domain: `<host>.<domain>`, or the domain itself. */
export function publicHostName(service: Pick<ServiceModel, 'exposure'>, domain: string): string {
  return service.exposure.kind === 'public' && service.exposure.host ? `${service.exposure.host}.${domain}` : domain;
}

/**
 * The service's public base URL in an environment (no trailing '/'; a path-routed service's paths, its health path
 * included, already start with its prefix): `https://<host>.<domain>` for a service with a host; else the
 * environment's `url` (by default `https://<domain>`; without a domain, a load balancer of the user's); none for
 * an internal service.
 */
export function publicUrl(service: Pick<ServiceModel, 'exposure'>, environment: Pick<EnvironmentModel, 'url' | 'infrastructure'>): string | undefined {
  if (service.exposure.kind !== 'public') return undefined;
  const domain = environment.infrastructure.domain;
  // A service on the domain itself answers at the environment's url (by default `https://<domain>`).
  if (domain && service.exposure.host) return `https://${publicHostName(service, domain.name)}`;
  return environment.url;
}

/** Does the service get rules on the environment's shared load balancer? (public, in an environment with a domain) */
export function isRouted(service: Pick<ServiceModel, 'exposure'>, environment: Pick<EnvironmentModel, 'infrastructure'>): boolean {
  return service.exposure.kind === 'public' && environment.infrastructure.domain !== undefined;
}

/**
 * The environment as one service's stack sees it. A service without load balancer rules (internal) deploys with a
 * rolling update whatever the environment's strategy: blue/green, canary and linear shift traffic between two
 * target groups, which it has not. A service with its own `scaling` scales by it. Everything about the service's
 * deploy (the stack, the wait, the docs) reads this.
 */
export function environmentFor(service: Pick<ServiceModel, 'exposure' | 'scaling'>, environment: EnvironmentModel): EnvironmentModel {
  const strategy = isRouted(service, environment) ? environment.strategy : { kind: 'rolling' as const };
  const scaling = service.scaling ?? environment.infrastructure.scaling;
  if (strategy === environment.strategy && scaling === environment.infrastructure.scaling) return environment;
  return { ...environment, strategy, infrastructure: { ...environment.infrastructure, scaling } };
}
