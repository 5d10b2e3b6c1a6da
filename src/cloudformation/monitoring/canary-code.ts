/**
 * The inline code of the Synthetics canary: an HTTP step per journey (the health path first),
 * each failing unless the status is the expected one. The URL and journeys come from environment
 * variables, so the code is the same in every template.
 */
export const CANARY_CODE = [
  "const synthetics = require('Synthetics');",
  '',
  'const base = new URL(process.env.BASE_URL);',
  'const journeys = JSON.parse(process.env.JOURNEYS);',
  '',
  'exports.handler = async () => {',
  '  synthetics.getConfiguration().setConfig({',
  '    includeRequestHeaders: true, includeResponseHeaders: true, includeRequestBody: false, includeResponseBody: false,',
  "    restrictedHeaders: ['authorization', 'cookie', 'set-cookie'],",
  '  });',
  '  for (const journey of journeys) {',
  '    const url = new URL(journey.path, base);',
  '    const request = {',
  '      hostname: url.hostname, method: journey.method, path: url.pathname + url.search, protocol: url.protocol, port: url.port || 443,',
  "      headers: { 'User-Agent': synthetics.getCanaryUserAgentString() },",
  '    };',
  '    await synthetics.executeHttpStep(journey.name, request, (res) => new Promise((resolve, reject) => {',
  '      res.on(\'data\', () => undefined);',
  "      res.on('end', () => (res.statusCode === journey.expectStatus ? resolve() : reject(new Error(`${journey.method} ${url.pathname}: expected ${journey.expectStatus}, got ${res.statusCode}`))));",
  '    }));',
  '  }',
  '};',
  '',
].join('\n');
