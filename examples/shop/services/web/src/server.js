'use strict';
// The shop's web front end: public on www.<domain>; it calls the internal API at API_URL (Service Connect in AWS,
// the compose network locally: both http://api:8080).
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const api = process.env.API_URL || 'http://api:8080';

http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<h1>Shop</h1><p>Orders are served by ${api}</p>`);
}).listen(port, () => process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'listening', port })}\n`));
