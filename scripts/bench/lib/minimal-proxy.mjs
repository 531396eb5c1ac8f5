// The smallest useful "gateway": node:http server + undici Pool to the upstream, JSON parsed and
// re-serialised both ways (the least any gateway does). Used by proxy-floor.mjs as the floor for
// "added latency" on this machine. Env: UPSTREAM_URL, PORT. Prints {"url": …} when listening.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_URL, {
  connections: null,
  pipelining: 1,
  keepAliveTimeout: 60_000,
});
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const up = await upstream.request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, stream: false }),
      });
      const answer = JSON.parse(await up.body.text());
      const text = JSON.stringify({ ...answer, model: body.model });
      res.writeHead(up.statusCode, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
const stop = () => server.close(() => upstream.close().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
