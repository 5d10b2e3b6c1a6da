import { ShipshapeError, problem } from './errors';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A length of time, kept in whole seconds. Written by users as
 * `Duration.minutes(5)` or parsed from `'5m'`, `'30s'`, `'1h'`.
 */
export class Duration {
  public static seconds(n: number): Duration { return Duration.of(n, 'seconds', 1); }
  public static minutes(n: number): Duration { return Duration.of(n, 'minutes', 60); }
  public static hours(n: number): Duration { return Duration.of(n, 'hours', 3600); }
  public static days(n: number): Duration { return Duration.of(n, 'days', 86400); }

  /** Parse `'90s'`, `'5m'`, `'1h'`, `'2d'`. A bare number has no unit and is rejected. */
  public static parse(text: string, path = 'Duration.parse', property = 'text'): Duration {
    const m = typeof text === 'string' ? /^(\d+)(s|m|h|d)$/.exec(text) : null;
    if (!m) throw new ShipshapeError([problem('SS-DURATION', path, property, text, "a whole number with a unit: 's', 'm', 'h' or 'd' (for example '30s')")]);
    return new Duration(Number(m[1]) * UNITS[m[2]]);
  }

  /** Type guard usable from zod schemas. */
  public static isDuration(v: unknown): v is Duration {
    return v instanceof Duration;
  }

  /** Every error names the factory that was called and the number given to it, as the user wrote them. */
  private static of(n: number, unit: string, factor: number): Duration {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || !Number.isInteger(n * factor)) {
      throw new ShipshapeError([problem('SS-DURATION', `Duration.${unit}`, unit, n, `a non-negative number of ${unit} that is a whole number of seconds`)]);
    }
    return new Duration(n * factor);
  }

  private constructor(public readonly totalSeconds: number) {}

  public toSeconds(): number { return this.totalSeconds; }
  public toMinutes(): number { return this.totalSeconds / 60; }

  /** The shortest exact form: `'90s'`, `'5m'`, `'1h'`. */
  public toString(): string {
    const s = this.totalSeconds;
    if (s > 0 && s % 3600 === 0) return `${s / 3600}h`;
    if (s > 0 && s % 60 === 0) return `${s / 60}m`;
    return `${s}s`;
  }

  public toJSON(): string { return this.toString(); }
}
