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
