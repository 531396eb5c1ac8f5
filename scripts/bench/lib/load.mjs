// Load generation with undici: one keep-alive Pool per target (pipelining 1), closed loop.
import { Client, Pool } from 'undici';

/**
 * A target is what one request path needs: a pool, the path, headers and a pre-serialised body
 * (the JSON body is built once so both paths pay the same, zero, client-side serialisation cost).
 */
export function makeTarget({ name, origin, path, headers, body, streamBody, connections }) {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  return {
    name,
    pool,
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    streamBody: streamBody ? JSON.stringify(streamBody) : undefined,
    close: () => pool.close(),
  };
}

/** One non-streaming request; resolves with { ms, status, headers }. The body is read fully. */
export async function oneRequest(target) {
  const t0 = performance.now();
  const res = await target.pool.request({
    method: 'POST',
    path: target.path,
    headers: target.headers,
    body: target.body,
  });
  const text = await res.body.text();
  const ms = performance.now() - t0;
  return { ms, status: res.statusCode, headers: res.headers, text };
}

/** True when an SSE `data:` payload is a chunk whose first choice carries a role or content delta. */
function isFirstContentChunk(payload) {
  if (payload === '[DONE]') return false;
  let chunk;
  try {
    chunk = JSON.parse(payload);
  } catch {
    return false;
  }
  const delta = chunk?.choices?.[0]?.delta;
  return Boolean(
    delta && (delta.role !== undefined || (typeof delta.content === 'string' && delta.content.length > 0)),
  );
}

/**
 * One streaming request; `ttftMs` is when the first `data:` line with a role/content delta was
 * complete in the client, `ms` when the stream ended. Lines are scanned only until that chunk.
 */
export async function oneStream(target) {
  const t0 = performance.now();
  const res = await target.pool.request({
    method: 'POST',
    path: target.path,
    headers: { ...target.headers, accept: 'text/event-stream' },
    body: target.streamBody,
  });
  let ttftMs;
  let pending = '';
  let tail = '';
  for await (const bytes of res.body) {
    const text = bytes.toString('utf8');
    if (ttftMs === undefined) {
      pending += text;
      let nl;
      while (ttftMs === undefined && (nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line.startsWith('data:') && isFirstContentChunk(line.slice(5).trim()))
          ttftMs = performance.now() - t0;
      }
      if (ttftMs !== undefined) tail = pending.slice(-64);
    } else {
      tail = (tail + text).slice(-64);
    }
  }
  const sawDone = tail.includes('data: [DONE]');
  const ms = performance.now() - t0;
  return { ms, ttftMs, status: res.statusCode, complete: sawDone };
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the previous ended
 * (or `pauseMs` after it), until `count` requests were sent or `maxSeconds` passed. Returns per-request latencies (ms),
 * errors and the wall time from first send to last completion.
 */
export async function closedLoop(target, { concurrency, count, maxSeconds, stream = false, pauseMs = 0 }) {
  const latencies = new Float64Array(count);
  const ttfts = stream ? new Float64Array(count) : undefined;
  let done = 0;
  let issued = 0;
  let errors = 0;
  let firstError;
  const deadline = performance.now() + maxSeconds * 1000;
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      issued += 1;
      try {
        if (stream) {
          const r = await oneStream(target);
          if (r.status !== 200 || r.ttftMs === undefined || !r.complete)
            throw new Error(`HTTP ${r.status}, complete=${r.complete}`);
          ttfts[done] = r.ttftMs;
          latencies[done] = r.ms;
        } else {
          const r = await oneRequest(target);
          if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 200)}`);
          latencies[done] = r.ms;
        }
        done += 1;
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      } catch (e) {
        errors += 1;
        firstError ??= e;
        if (errors > Math.max(10, count / 100))
          throw new Error(`${target.name}: too many errors, first: ${firstError.message}`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  return {
    latencies: latencies.subarray(0, done),
    ttfts: ttfts?.subarray(0, done),
    done,
    errors,
    firstError: firstError?.message,
    wallMs,
    timedOut: issued < count,
  };
}

/** Prometheus text → { name: value } for the unlabelled series we need, plus labelled sums. */
export async function scrapeMetrics(client) {
  const res = await client.request({ method: 'GET', path: '/metrics' });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
  const out = { chatRequests: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const space = line.lastIndexOf(' ');
    const key = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    if (key === 'switchyard_process_cpu_seconds_total') out.cpuSeconds = value;
    else if (key === 'switchyard_event_commit_duration_seconds_sum') out.commitSum = value;
    else if (key === 'switchyard_event_commit_duration_seconds_count') out.commitCount = value;
    else if (key.startsWith('llm_requests_total{')) out.chatRequests += value;
  }
  return out;
}

export function metricsClient(origin) {
  return new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
}
