'use strict';
// The shop's internal orders API: reachable only inside the environment as http://api:8080. It publishes order
// events to its topic (the ARN in API_TOPIC_ARN) and keeps orders in PostgreSQL (DATABASE_*).
const http = require('node:http');

const port = Number(process.env.PORT || 8080);

http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ orders: [], topic: process.env.API_TOPIC_ARN || null }));
}).listen(port, () => process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'listening', port })}\n`));
