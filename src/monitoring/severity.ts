import type { SeverityLevel } from './model';

/**
 * How urgently an alarm reaches a person. Every alarm has exactly one.
 *
 * - `CRITICAL` pages the on-call engineer at once and rolls deployments back.
 * - `WARNING` notifies the team's chat channel (or email) within minutes.
 * - `INFO` is batched into a periodic email digest.
 */
export class Severity {
  public static readonly CRITICAL = new Severity('critical');
  public static readonly WARNING = new Severity('warning');
  public static readonly INFO = new Severity('info');

  /** Every severity, most urgent first. */
  public static all(): readonly Severity[] {
    return [Severity.CRITICAL, Severity.WARNING, Severity.INFO];
  }

  private constructor(public readonly level: SeverityLevel) {}

  public toString(): string {
    return this.level.toUpperCase();
  }
}

/** A zod-friendly check with the message every severity error uses. */
export const SEVERITY_EXPECTED = 'one of Severity.CRITICAL, Severity.WARNING, Severity.INFO';

/** The upper-case label used in runbooks and descriptions. */
export function severityLabel(level: SeverityLevel): string {
  return level.toUpperCase();
}
