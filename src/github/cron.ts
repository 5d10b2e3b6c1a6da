/**
 * The POSIX cron syntax GitHub Actions accepts in `on.schedule[].cron`: five fields, each a `*`, a value, a
 * range `a-b`, any of these with a step `/n`, or a comma-separated list of them. Months and weekdays may be
 * named (`JAN`, `MON`).
 */

/** One field of a cron expression: its range and, for months and weekdays, the names it accepts. */
export interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of the month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of the week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function value(text: string, f: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? f.min + i : undefined;
}

/** What is wrong with one comma-separated part of a field (a value, a range, a step or `*`); undefined when nothing. */
export function cronPartProblem(part: string, f: CronField): string | undefined {
  const [range, step, extra] = part.split('/');
  const where = `${f.name} '${part}'`;
  if (extra !== undefined || range === '') return `${where} is not a value, a range or a step`;
  if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return `${where}: the step must be a whole number of at least 1`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${where} is not a value, a range or a step`;
  const values = bounds.map((b) => value(b, f));
  for (let i = 0; i < bounds.length; i++) {
    const v = values[i];
    if (v === undefined) return `${where}: '${bounds[i]}' is not a number${f.names ? ' or a name' : ''}`;
    if (v < f.min || v > f.max) return `${where}: ${bounds[i]} is outside ${f.min}-${f.max}`;
  }
  if (values.length === 2 && values[0]! > values[1]!) return `${where}: the range runs backwards`;
  return undefined;
}

/** What is wrong with a cron expression, one sentence per field; empty when GitHub accepts it. */
export function cronProblems(expression: string): string[] {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return [`five fields (minute hour day-of-month month day-of-week), got ${fields.length}`];
  return cronFieldProblems(fields, FIELDS);
}

/** The problems of every comma-separated part of every field, checked by `check` (by default {@link cronPartProblem}). */
export function cronFieldProblems(
  fields: readonly string[], spec: readonly CronField[], check: (part: string, f: CronField) => string | undefined = cronPartProblem,
): string[] {
  const out: string[] = [];
  fields.forEach((text, i) => {
    for (const part of text.split(',')) {
      const p = check(part, spec[i]);
      if (p) out.push(p);
    }
  });
  return out;
}
