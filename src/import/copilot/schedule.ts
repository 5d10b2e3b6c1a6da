/**
 * Copilot's `on.schedule` → an EventBridge Scheduler expression, the same schedule Copilot would have deployed:
 * `@hourly/@daily/@midnight/@weekly/@monthly/@yearly/@annually` → the cron Copilot used; `@every <Go duration>` →
 * `rate(...)` (whole minutes, at least one); a 5-field POSIX cron → the 6-field AWS cron (one of day-of-month and
 * day-of-week `?`, day-of-week numbers 0-7 from Sunday → 1-7, a year field `*`); `cron(...)` and `rate(...)` as they
 * are. What cannot be translated exactly is an error message, never another schedule.
 */
import { goDurationSeconds } from './manifest';
import { scheduleProblems } from '../../workloads/schedule';

const PRESETS: Record<string, string> = {
  '@hourly': 'cron(0 * * * ? *)',
  '@daily': 'cron(0 0 * * ? *)',
  '@midnight': 'cron(0 0 * * ? *)',
  '@weekly': 'cron(0 0 ? * 1 *)',
  '@monthly': 'cron(0 0 1 * ? *)',
  '@yearly': 'cron(0 0 1 1 ? *)',
  '@annually': 'cron(0 0 1 1 ? *)',
};

/** The translated expression, or why there is none (`disabled` for Copilot's `none`). */
export type ScheduleTranslation = { readonly expression: string } | { readonly error: string } | { readonly disabled: true };

export function translateSchedule(schedule: string): ScheduleTranslation {
  const s = schedule.trim();
  if (s === 'none') return { disabled: true };
  if (/^(cron|rate)\(.*\)$/.test(s)) return checked(s);
  if (PRESETS[s]) return { expression: PRESETS[s] };
  if (s.startsWith('@every ')) return everyToRate(s.slice('@every '.length).trim());
  if (s.startsWith('@')) return { error: `a preset Copilot knows (${Object.keys(PRESETS).join(', ')}) or '@every <duration>'` };
  return posixToAws(s);
}

function checked(expression: string): ScheduleTranslation {
  const problems = scheduleProblems(expression);
  return problems.length === 0 ? { expression } : { error: problems.join('; ') };
}

function everyToRate(text: string): ScheduleTranslation {
  const seconds = goDurationSeconds(text);
  if (seconds === undefined) return { error: `'@every <duration>' with a duration such as '30m' or '1h30m', got '@every ${text}'` };
  if (seconds < 60 || seconds % 60 !== 0) return { error: `a whole number of minutes, at least one, after '@every' (got '${text}')` };
  const minutes = seconds / 60;
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return { expression: `rate(${value} ${unit}${value === 1 ? '' : 's'})` };
}

/** A day-of-week part of POSIX cron (0-7, 0 and 7 Sunday) in AWS's numbering (1-7 from Sunday). */
function dowPart(part: string): string | undefined {
  const [base, step] = part.split('/');
  const num = (n: string) => (/^\d$/.test(n) && Number(n) <= 7 ? String((Number(n) % 7) + 1) : /^[A-Za-z]{3}$/.test(n) ? n.toUpperCase() : undefined);
  let out: string | undefined;
  if (base === '*') {out = '*';} else if (base.includes('-')) {
    const [a, b] = base.split('-');
    // 'x-7' ends on Sunday, which is 1 in AWS: the range would run backwards.
    if (b === '7' && a !== '0') return step === undefined ? `${num(a)}-7,1` : undefined;
    const [x, y] = [num(a), b === '7' ? '7' : num(b)];
    out = x && y ? `${x}-${y}` : undefined;
  } else {out = num(base);}
  if (out === undefined) return undefined;
  if (step !== undefined) return /^\d+$/.test(step) && !out.includes(',') ? `${out}/${step}` : undefined;
  return out;
}

function posixToAws(s: string): ScheduleTranslation {
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return { error: `five cron fields (minute hour day-of-month month day-of-week), '@every <duration>', a preset, cron(...) or rate(...); got ${fields.length} field(s)` };
  let [min, hour, dom, month, dow] = fields;
  const restricted = (f: string) => !/^[*?]$/.test(f);
  if (restricted(dom) && restricted(dow)) {
    return { error: `at most one of day-of-month ('${dom}') and day-of-week ('${dow}'): EventBridge cannot combine them (POSIX cron runs on either)` };
  }
  if (restricted(dow)) {dom = '?';} else {
    dow = '?';
    if (dom === '?') dom = '*';
  }
  if (dow !== '?') {
    const parts = dow.split(',').map(dowPart);
    if (parts.some((p) => p === undefined)) return { error: `a day-of-week EventBridge can express (0-7 or SUN-SAT, ranges, steps), got '${dow}'` };
    dow = parts.join(',');
  }
  return checked(`cron(${[min, hour, dom, month, dow, '*'].join(' ')})`);
}
