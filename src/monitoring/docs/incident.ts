/** docs/incident-response.md and the postmortem issue template. */
import type { ProjectModel } from '../../model';
import { severityLabel } from '../severity';
import { dashboardLink, marker, ordered, routeSentence } from './common';

export function renderIncidentResponse(model: ProjectModel): string {
  const envs = ordered(model);
  const escalation = model.monitoring[0]?.escalation;
  const lines: string[] = [
    marker(model),
    '# Incident response',
    '',
    'An incident is any event where users are, or are about to be, affected. This page says who does what, in order.',
    '',
    '## Severities',
    '',
    '| severity | meaning | how it reaches people | expected response |',
    '|---|---|---|---|',
  ];
  if (escalation) {
    lines.push(
      `| CRITICAL | users are affected now | ${routeSentence(escalation, 'critical', '<service>', false, ordered(model))} | acknowledge within 5 minutes, mitigate first |`,
      `| WARNING | users may be affected soon | ${routeSentence(escalation, 'warning', '<service>')} | look within 15 minutes during working hours |`,
      `| INFO | worth knowing, not urgent | ${routeSentence(escalation, 'info', '<service>')} | review in the digest |`,
    );
  }
  lines.push(
    '',
    '## Roles',
    '',
    '- **Incident commander**: the on-call engineer who acknowledged the page, until they hand over. Decides, delegates, keeps the timeline.',
    '- **Communications**: posts status updates to the team channel and to affected users every 30 minutes.',
    '- **Responders**: investigate and mitigate as the commander asks.',
    '',
    '## Steps',
    '',
    '1. **Acknowledge** the page or message, and say in the team channel that you are on it.',
    '2. **Assess** with the dashboard: is the system healthy, are users affected, what changed?',
    '3. **Mitigate**: if a deployment or flag change preceded the impact, roll it back (see the [rollback playbook](playbooks/rollback.md)). Follow the alarm\'s runbook.',
    '4. **Communicate**: what is affected, since when, what is being done, when the next update comes.',
    '5. **Resolve**: the alarms are back to OK and users are no longer affected. Note the end time.',
    '6. **Learn**: within five working days, write a blameless postmortem (New issue → Postmortem).',
    '',
    '## Dashboards',
    '',
    '| service | ' + envs.map((e) => e.name).join(' | ') + ' |',
    '|---|' + envs.map(() => '---|').join(''),
    ...model.services.map((s) => `| ${s.name} | ${envs.map((e) => dashboardLink(s.name, e)).join(' | ')} |`),
    '',
    '## Alarms and their runbooks',
    '',
    '| service | alarm | severity | runbook |',
    '|---|---|---|---|',
    ...model.monitoring.flatMap((m) => m.alarms.map((a) => `| ${m.service} | ${a.name} | ${severityLabel(a.severity)} | [${a.runbookPath}](${a.runbookPath.replace(/^docs\//, '')}) |`)),
  );
  return `${lines.join('\n')}\n`;
}

export function renderPostmortemTemplate(model: ProjectModel): string {
  const alarms = model.monitoring.flatMap((m) => m.alarms.map((a) => `${m.service}/${a.name}`));
  return [
    '---',
    'name: Postmortem',
    'about: What happened in an incident, why, and what we change. Blameless.',
    "title: 'Postmortem: '",
    'labels: postmortem',
    '---',
    '',
    marker(model),
    '',
    '## Summary',
    '',
    '<!-- Two or three sentences: what broke, for whom, for how long. -->',
    '',
    '## Impact',
    '',
    '- Users affected:',
    '- Duration (first user impact to resolution):',
    '- Environments and services:',
    ...errorBudgetLines(model),
    '',
    '## Response times',
    '',
    '- Time to detect (first user impact → first alarm or page):',
    '- Time to mitigate (first alarm or page → users no longer affected):',
    '- Time to resolve (first user impact → alarms back to OK and the cause fixed):',
    '',
    '## Detection',
    '',
    '- Which alarm fired first, and when? (' + (alarms.length > 0 ? alarms.map((a) => `\`${a}\``).join(', ') : 'no alarms declared') + ')',
    '- Would a different alarm or threshold have caught it earlier?',
    '',
    '## Timeline (UTC)',
    '',
    '| time | event |',
    '|---|---|',
    '| | first user impact |',
    '| | alarm fired (detected) |',
    '| | page acknowledged |',
    '| | mitigated: users no longer affected (rollback, flag off, scale out) |',
    '| | resolved |',
    '',
    '## Root cause',
    '',
    '<!-- Ask "why" until the answer is a process or a system, not a person. -->',
    '',
    '## What went well, what went badly',
    '',
    '## Action items',
    '',
    '| action | owner | issue |',
    '|---|---|---|',
    '| | | |',
    '',
  ].join('\n');
}

/** The error budget the incident consumed: one line per SLI of every service that declares an SLO. */
function errorBudgetLines(model: ProjectModel): string[] {
  const slos = model.monitoring.filter((m) => m.slo !== undefined);
  if (slos.length === 0) {
    return ['- Error budget consumed: no SLO is declared (Monitoring `slo`); estimate the share of requests that failed.'];
  }
  return [
    '- Error budget consumed (the dashboard\'s "Error budget" row, before the incident and after it):',
    ...slos.flatMap((m) => m.slo!.slis.map((sli) => `  - \`${m.service}\` ${sli.kind} (${sli.objective} % over ${m.slo!.windowDays} days): __ % of the budget (remaining before: __ %, after: __ %)`)),
  ];
}
