'use strict';
// Smoke test after a deploy: the service answers on BASE_URL (set by the pipeline).
const https = require('node:https');
const url = new URL('/healthz', process.env.BASE_URL);
https.get(url, (res) => {
  console.log(`${url} -> ${res.statusCode}`);
  process.exitCode = res.statusCode === 200 ? 0 : 1;
}).on('error', (e) => { console.error(e.message); process.exitCode = 1; });
