// Calls the app as Alibaba Cloud's own Node clients call ApsaraVideo VOD, the clients unchanged: reads a JSON array of
// calls on stdin and prints a JSON array of what each client answered ({Status, Body} or {Status, Error, Body}).
// A call: { client: "pop-core" | "openapi", endpoint, accessKeyId, accessKeySecret, action, params, method,
//           body (openapi: form fields), signatureAlgorithm (openapi: "v2" for V1), clockSkewSeconds, replay }.
// clockSkewSeconds runs the client on a wrong clock; replay sends the exact bytes the client sent once more.
'use strict';
const http = require('http');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const OpenApiUtil = require('@alicloud/openapi-util').default;
const Util = require('@alicloud/tea-util');

// The clients' defaults (3 s, 10 s) are for the cloud; a busy test machine may take longer, and a test waits for the answer.
const Timeout = 120000;

const RealDate = Date;
function useClock(skewSeconds) {
  const skew = (skewSeconds || 0) * 1000;
  global.Date = class extends RealDate {
    constructor(...args) { if (args.length === 0) super(RealDate.now() + skew); else super(...args); }
    static now() { return RealDate.now() + skew; }
  };
}

// Records what goes on the wire, so that a call can be replayed byte for byte.
const realRequest = http.request;
let sent = null;
http.request = function (...args) {
  const request = realRequest.apply(this, args);
  const captured = { options: args.find(a => a && typeof a === 'object' && !(a instanceof URL)) || {}, url: args.find(a => typeof a === 'string' || a instanceof URL), chunks: [] };
  const write = request.write, end = request.end;
  request.write = function (chunk, ...rest) { if (chunk) captured.chunks.push(Buffer.from(chunk)); return write.call(this, chunk, ...rest); };
  request.end = function (chunk, ...rest) { if (chunk && typeof chunk !== 'function') captured.chunks.push(Buffer.from(chunk)); sent = { captured, request }; return end.call(this, chunk, ...rest); };
  return request;
};

function replay() {
  const { captured, request } = sent;
  const headers = request.getHeaders();
  const url = new URL(captured.url || `http://${headers.host}${request.path}`);
  return new Promise((resolve, reject) => {
    const again = realRequest({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers }, response => {
      const parts = [];
      response.on('data', d => parts.push(d));
      response.on('end', () => resolve({ Status: response.statusCode, Body: JSON.parse(Buffer.concat(parts).toString() || 'null') }));
    });
    again.on('error', reject);
    again.end(Buffer.concat(captured.chunks));
  });
}

async function popCore(call) {
  const client = new RPCClient({ endpoint: call.endpoint, accessKeyId: call.accessKeyId, accessKeySecret: call.accessKeySecret, apiVersion: '2017-03-21' });
  try {
    const body = await client.request(call.action, call.params || {}, { method: call.method || 'GET', formatParams: false, timeout: Timeout });
    return { Status: 200, Body: body };
  } catch (e) {
    if (!e.data) throw e;
    return { Status: e.entry.response.statusCode, Error: e.code, Body: e.data };
  }
}

async function openApi(call) {
  const url = new URL(call.endpoint);
  const config = new OpenApi.Config({
    accessKeyId: call.accessKeyId, accessKeySecret: call.accessKeySecret, endpoint: url.host, protocol: url.protocol.replace(':', ''),
    signatureAlgorithm: call.signatureAlgorithm,
  });
  const client = new OpenApi.default(config);
  // As a generated SDK (@alicloud/vod20170321) calls an RPC operation.
  const params = new OpenApi.Params({
    action: call.action, version: '2017-03-21', protocol: 'HTTPS', pathname: '/', method: call.method || 'POST',
    authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const request = new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(call.params || {}), body: call.body ? OpenApiUtil.parseToMap(call.body) : undefined });
  try {
    const answer = await client.callApi(params, request, new Util.RuntimeOptions({ autoretry: false, readTimeout: Timeout, connectTimeout: Timeout }));
    return { Status: answer.statusCode, Body: answer.body };
  } catch (e) {
    if (!e.data) throw e;
    const body = Object.assign({}, e.data);
    delete body.statusCode;
    return { Status: e.data.statusCode, Error: e.code, Body: body };
  }
}

async function main() {
  const calls = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const answers = [];
  for (const call of calls) {
    useClock(call.clockSkewSeconds);
    sent = null;
    const answer = await (call.client === 'openapi' ? openApi(call) : popCore(call));
    useClock(0);
    if (call.replay) answer.Replayed = await replay();
    answers.push(answer);
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
