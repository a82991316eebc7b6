import t from 'tap';
import Fastify from 'fastify';
import consolePlugin, { CONSOLE_CSP } from '../../gateway/http/console.js';
import { harness, tempDir } from '../helpers.js';

/** The console as the gateway serves it from dist/console (built by `npm run build`, which `npm test` runs). */
t.test('GET /console/: the built page, its assets, their types, caching and security headers', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const inject = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

  const bare = await inject('/console');
  t.same([bare.statusCode, bare.headers.location], [301, '/console/'], '/console redirects to /console/');

  const page = await inject('/console/');
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(page.headers['content-security-policy'], CONSOLE_CSP);
  t.match(CONSOLE_CSP, /default-src 'self'/);
  t.match(CONSOLE_CSP, /connect-src 'self'/);
  t.notMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/, 'no inline script or style, no eval, no wildcard');
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.equal(page.headers['referrer-policy'], 'no-referrer');
  t.equal(page.headers['x-frame-options'], 'DENY');
  t.equal(page.headers['cache-control'], 'no-cache', 'the page is revalidated on every load');
  t.ok(page.headers.etag);

  const html = page.body;
  t.match(html, /<div id="app"><\/div>/);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  t.ok(scripts.length >= 1, 'a module script');
  for (const [, attrs, body] of scripts) {
    t.match(attrs!, /src="\/console\/assets\/[^"]+\.js"/, 'every script is a file under /console/assets/');
    t.equal(body!.trim(), '', 'no inline script');
  }
  t.notMatch(html, /<style|\sstyle=/, 'no inline style');
  t.notMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from another origin');

  const assets = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]!);
  t.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), 'a script and a stylesheet');
  for (const url of assets) {
    const r = await inject(url);
    t.equal(r.statusCode, 200, url);
    const type = url.endsWith('.js') ? 'text/javascript; charset=utf-8' : url.endsWith('.css') ? 'text/css; charset=utf-8' : 'image/svg+xml';
    t.equal(r.headers['content-type'], type, `${url}: content type`);
    if (url.includes('/assets/')) t.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', `${url}: content-hashed, cached for good`);
    t.equal(r.headers['content-security-policy'], CONSOLE_CSP);
  }

  const again = await inject('/console/', { 'if-none-match': String(page.headers.etag) });
  t.same([again.statusCode, again.body], [304, ''], 'unchanged page: 304 without a body');
  const head = await h.app.inject({ method: 'HEAD', url: '/console/' });
  t.same([head.statusCode, head.body], [200, '']);

  for (const url of ['/console/nope.js', '/console/../package.json', '/console/%2e%2e/package.json', '/console/assets/../../package.json', '/console/.%2F..%2Fpackage.json']) {
    const r = await inject(url);
    t.ok(r.statusCode === 404 || r.statusCode === 400, `${url} → ${r.statusCode}: nothing outside the built files`);
    t.notMatch(r.body, /"name":\s*"vouch"/, `${url}: not the package file`);
  }
  const missing = await inject('/console/nope.js');
  t.same([missing.statusCode, missing.json().error.code], [404, 'NOT_FOUND']);

  const api = await h.call({ method: 'GET', url: '/v1/keys' });
  t.equal(api.status, 200);
  const apiHeaders = (await inject('/v1/keys')).headers;
  t.equal(apiHeaders['cache-control'], 'no-store', 'API answers keep no-store');
  t.notOk(apiHeaders['content-security-policy'], 'the console headers stay on the console');
});

t.test('a gateway whose console was not built says so', async (t) => {
  const app = Fastify();
  await app.register(consolePlugin, { dir: tempDir('vouch-no-console-') });
  t.teardown(() => app.close());
  const r = await app.inject({ method: 'GET', url: '/console/' });
  t.equal(r.statusCode, 404);
  t.match(r.body, /not built/);
});
