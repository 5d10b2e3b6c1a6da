/**
 * The inline code of the Synthetics canary: an HTTP step per journey (the health path first), each failing unless
 * the status is the expected one. A journey sends its method, headers and body. With a test listener (blue/green,
 * canary and linear strategies), every journey runs a second time through it, with the test header: during a
 * deployment ECS points that listener at the new tasks, so the canary checks the new version on every run instead
 * of the share of production traffic it has. The URLs and journeys come from environment variables, so the code is
 * the same in every template.
 *
 * `@aws/synthetics-puppeteer` is the Synthetics library's name from syn-nodejs-puppeteer-13.1 on (AWS, "Runtime
 * versions using Node.js and Puppeteer": "Synthetics → @aws/synthetics-puppeteer").
 */
export const CANARY_CODE = [
  "const synthetics = require('@aws/synthetics-puppeteer');",
  '',
  'const journeys = JSON.parse(process.env.JOURNEYS);',
  'const targets = [{ base: new URL(process.env.BASE_URL), suffix: \'\', headers: {} }];',
  'if (process.env.TEST_URL) {',
  "  targets.push({ base: new URL(process.env.TEST_URL), suffix: ' new-version', headers: { [process.env.TEST_HEADER]: process.env.TEST_HEADER_VALUE } });",
  '}',
  '',
  'exports.handler = async () => {',
  '  synthetics.getConfiguration().setConfig({',
  '    includeRequestHeaders: true, includeResponseHeaders: true, includeRequestBody: false, includeResponseBody: false,',
  "    restrictedHeaders: ['authorization', 'cookie', 'set-cookie'],",
  '  });',
  '  for (const target of targets) {',
  '    for (const journey of journeys) {',
  // Appended, not resolved: a path such as '//x' would otherwise name another host.
  "      const url = new URL(target.base.href.replace(/\\/$/, '') + journey.path);",
  '      const request = {',
  '        hostname: url.hostname, method: journey.method, path: url.pathname + url.search, protocol: url.protocol, port: url.port || 443,',
  "        headers: { ...journey.headers, ...target.headers, 'User-Agent': synthetics.getCanaryUserAgentString() },",
  '        body: journey.body,',
  '      };',
  '      await synthetics.executeHttpStep(journey.name + target.suffix, request, (res) => new Promise((resolve, reject) => {',
  "        res.on('data', () => undefined);",
  "        res.on('end', () => (res.statusCode === journey.expectStatus ? resolve() : reject(new Error(`${journey.method} ${url.href}: expected ${journey.expectStatus}, got ${res.statusCode}`))));",
  '      }));',
  '    }',
  '  }',
  '};',
  '',
].join('\n');
