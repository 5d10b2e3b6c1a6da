import { Project } from 'projen';
import { Service } from 'shipshape';
declare const project: Project;
declare const api: Service;
declare const image: DockerImage;
import { DockerImage, DockerPreset, Duration, ScheduledJob } from 'shipshape';

const report = new ScheduledJob(project, 'report', {
  schedule: 'cron(0 3 * * ? *)', // EventBridge Scheduler syntax: cron(minutes hours day-of-month month day-of-week year), or rate(6 hours)
  timezone: 'Europe/Paris',      // default 'UTC'; Scheduler follows daylight saving time
  command: ['node', 'dist/report.js'], // replaces the image's CMD
  retries: 2,                    // default 2
  timeout: Duration.minutes(30), // one run, retries included; default 1 hour
  env: { LOG_LEVEL: { value: 'info' }, API_TOKEN: { secret: 'report/api-token' } },
});
new DockerImage(project, 'report-image', { service: report, preset: DockerPreset.node() });

export {};
