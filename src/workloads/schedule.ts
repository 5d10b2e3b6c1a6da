/**
 * The recurring schedule expressions EventBridge Scheduler accepts ("Schedule types on EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 * - `rate(value unit)`: a positive whole value; unit `minute`, `hour` or `day` for 1, `minutes`, `hours`, `days` above;
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields; one of day-of-month and day-of-week must
 *   be `?`; `L` and `W` in day-of-month, `L` and `#` in day-of-week; months and weekdays may be named (`JAN`, `MON`;
 *   weekdays count 1-7 from Sunday).
 * One-time `at(...)` schedules are not recurring, so a ScheduledJob refuses them. Checked like src/github/cron.ts
 * checks GitHub's cron (and with its part checker): one sentence per mistake, so a user sees every one at once.
 */
import { CronField, cronFieldProblems, cronPartProblem } from '../github/cron';

/** A field of EventBridge's cron, and what it accepts besides values, ranges, steps and `*`. */
interface Field extends CronField {
  readonly special?: RegExp;
}

const FIELDS: readonly Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  // `?`, `L` (last day), `15W` (nearest weekday), `LW`.
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // `?`, `L` or `5L` (last Friday), `3#2` (second Tuesday).
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], special: /^(\?|L|[1-7]L|[1-7]#[1-5])$/ },
  { name: 'year', min: 1970, max: 2199 },
];

/** A part of a field: its special forms here, the rest as a POSIX cron part (src/github/cron.ts). */
function partProblem(part: string, f: Field): string | undefined {
  if (!f.special?.test(part.toUpperCase())) return cronPartProblem(part, f);
  const day = /^(\d{1,2})W$/.exec(part.toUpperCase());
  return day && (Number(day[1]) < 1 || Number(day[1]) > 31) ? `${f.name} '${part}': ${day[1]} is outside 1-31` : undefined;
}

function cronProblems(body: string): string[] {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return [`six fields in cron(minutes hours day-of-month month day-of-week year), got ${fields.length}`];
  const out = cronFieldProblems(fields, FIELDS, (part, f) => partProblem(part, f as Field));
  const [, , dom, , dow] = fields;
  if ((dom === '?') === (dow === '?')) out.push(`exactly one of day-of-month ('${dom}') and day-of-week ('${dow}') must be '?'`);
  return out;
}

function rateProblems(body: string): string[] {
  const m = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(body);
  if (!m) return [`rate(<value> <unit>), such as rate(6 hours), got rate(${body})`];
  const n = Number(m[1]);
  if (n < 1) return [`a rate value of at least 1, got ${m[1]}`];
  const singular = ['minute', 'hour', 'day'];
  const unit = m[2];
  const base = unit.replace(/s$/, '');
  if (!singular.includes(base)) return [`a rate unit of minute(s), hour(s) or day(s), got '${unit}'`];
  if (n === 1 && unit !== base) return [`'${base}' (singular) with the value 1, got '${unit}'`];
  if (n > 1 && unit === base) return [`'${base}s' (plural) with the value ${n}, got '${unit}'`];
  return [];
}

/** What is wrong with a recurring EventBridge Scheduler expression; empty when Scheduler accepts it. */
export function scheduleProblems(expression: string): string[] {
  const m = /^(cron|rate|at)\((.*)\)$/.exec(expression);
  if (!m) return ["a recurring EventBridge Scheduler expression: 'cron(minutes hours day-of-month month day-of-week year)' or 'rate(value unit)'"];
  if (m[1] === 'at') return ['a recurring schedule (cron or rate): at(...) runs once'];
  return m[1] === 'cron' ? cronProblems(m[2]) : rateProblems(m[2]);
}

