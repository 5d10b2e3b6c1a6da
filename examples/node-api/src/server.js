'use strict';
// A tiny HTTP service: the flagship example that shipshape packages, tests and deploys.
const http = require('node:http');

const port = Number(process.env.PORT || 8080);

function log(level, msg, extra = {}) {
  // Structured JSON logs: the error-level metric filter in the templates reads `$.level`.
  process.stdout.write(`${JSON.stringify({ level, msg, ...extra })}\n`);
}

/**
 * A custom metric as CloudWatch embedded metric format: one JSON log line that CloudWatch Logs turns into a metric
 * (namespace node-api, no dimensions), read by the `orders-backlog` and `signup-anomaly` alarms of .projenrc.ts. No
 * PutMetricData call and no AWS SDK: the awslogs driver ships the line like any other.
 */
function metric(name, value, unit = 'Count', now = Date.now()) {
  const line = {
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: 'node-api', Dimensions: [[]], Metrics: [{ Name: name, Unit: unit }] }] },
    level: 'info',
    msg: 'metric',
    [name]: value,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line;
}

/** Orders waiting to be confirmed (this example has no queue: always 0). */
function ordersBacklog() {
  return 0;
}

function handler(req, res) {
  if (req.method === 'POST' && req.url === '/signup') {
    metric('Signups', 1);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'created' }));
    return;
  }
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok' }));
    return;
  }
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: 'node-api', message: 'hello' }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not found' }));
}

function start(listenPort = port) {
  const server = http.createServer(handler);
  server.listen(listenPort, () => log('info', 'listening', { port: listenPort }));
  // The backlog gauge, once a minute (the alarm reads its Maximum over 5 minutes).
  const gauge = setInterval(() => metric('OrdersBacklog', ordersBacklog()), 60_000);
  gauge.unref();
  server.on('close', () => clearInterval(gauge));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

module.exports = { handler, metric, start };

if (require.main === module) start();
