/**
 * The alarms every ScheduledJob gets in every environment: name suffix, severity, period and what they watch. The
 * stack (src/cloudformation/scheduled-job.ts) and the runbooks (src/monitoring/docs/job-runbook.ts) read this one table.
 */
export const JOB_ALARMS = {
  failedRuns: {
    suffix: 'failed-runs',
    severity: 'warning',
    periodSeconds: 300,
    summary: 'runs of the job that failed (the task exited non-zero or could not start, after every retry) or timed out',
    impact: 'The work the job does did not happen this time: reports, clean-ups or syncs are late until it runs again.',
    condition: 'failed plus timed-out executions of the state machine (AWS/States `ExecutionsFailed` + `ExecutionsTimedOut`, Sum) `>= 1` in one 5-minute period',
    steps: [
      'List the failed and timed-out executions (commands below): the newest is the run that raised the alarm.',
      'Read its error: `Job.NonZeroExit` is the container exiting with a code other than 0 (read its logs); `States.Timeout` on the execution is the timeout; `AmazonECS.Unknown` or `States.TaskFailed` with no exit code is a task that could not start (image pull, capacity, secrets: the stopped task\'s `stoppedReason` says which).',
      'Read the container\'s logs of that run (the log group below; the stream is `<job>/<container>/<task id>`).',
      'Fix the cause, deploy, then run the job once by hand (below) and watch it succeed, rather than waiting for the next scheduled time.',
    ],
  },
  missedRuns: {
    suffix: 'missed-runs',
    severity: 'warning',
    periodSeconds: 300,
    summary: 'scheduled runs EventBridge Scheduler could not start (target errors) or gave up on (dropped invocations)',
    impact: 'The job did not run at its scheduled time; nothing retries it until the next scheduled time.',
    condition: 'EventBridge Scheduler target errors plus dropped invocations of the job\'s schedule group (AWS/Scheduler `TargetErrorCount` + `InvocationDroppedCount`, Sum) `>= 1` in one 5-minute period',
    steps: [
      'Read the schedule (commands below): its state must be ENABLED, its target the job\'s state machine, its role the stack\'s scheduler role.',
      'A target error is Scheduler failing to call StartExecution: the role was changed or deleted, the state machine is missing (a stack deleted by hand), or Step Functions throttled. Scheduler retries for up to an hour, then drops the run.',
      'Check that executions started at the scheduled time (list-executions below); if none did, run the job once by hand (below) once the cause is fixed.',
    ],
  },
} as const;

/** One of the alarms of {@link JOB_ALARMS}. */
export type JobAlarm = (typeof JOB_ALARMS)[keyof typeof JOB_ALARMS];
