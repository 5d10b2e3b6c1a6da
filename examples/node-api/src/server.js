'use strict';
// A tiny HTTP service: the flagship example that shipshape packages, tests and deploys.
const http = require('node:http');

const port = Number(process.env.PORT || 8080);

function log(level, msg, extra = {}) {
  // Structured JSON logs: the error-level metric filter in the templates reads `$.level`.
  process.stdout.write(`${JSON.stringify({ level, msg, ...extra })}\n`);
}

function handler(req, res) {
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
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

module.exports = { handler, start };

if (require.main === module) start();
