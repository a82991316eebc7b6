import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { VouchError } from '../errors.js';

/**
 * The web console's static files, built by Vite from `console/` into `dist/console/` during `npm ci`
 * (the build script). The gateway needs no front-end package at run time: it reads the built files once
 * at start-up and serves them from memory under /console/ — only those files, so no request path ever
 * reaches the file system.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The console calls the same API on the same origin and nothing else: no inline script or style, no
 * other origin for anything (CSP Level 3). Chart.js draws on canvases and sets element styles through
 * the CSSOM, which `style-src 'self'` allows.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names bundled assets by their content hash: they never change under one name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself is checked on every load (its ETag answers 304 when unchanged). */
const REVALIDATE = 'no-cache';

/** The file asked for under /console/ (the wildcard): only a key into the files read at start-up. */
const ConsolePath = Type.Object({ '*': Type.String() });

export interface ConsoleFile {
  body: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

/** The built console's files by path under /console/ ('' is index.html); empty when it was not built. */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      const type = CONTENT_TYPES[path.extname(entry.name)];
      if (!entry.isFile() || !type) continue;
      const body = fs.readFileSync(path.join(dir, rel));
      const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      files.set(rel, { body, type, etag, cacheControl: rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE });
    }
  };
  if (fs.existsSync(dir)) walk('');
  const index = files.get('index.html');
  if (index) files.set('', index);
  return files;
}

/** Serves the console under /console/ with its security headers. */
const consolePlugin: FastifyPluginAsyncTypebox<{ dir?: string }> = async (app, opts) => {
  const files = loadConsoleFiles(opts.dir ?? fileURLToPath(new URL('../../console/', import.meta.url)));
  const chosen = new WeakMap<FastifyRequest, string>();

  // The application's hook marks every answer no-store (answers carry personal data); this one runs after
  // it, in this context only, and gives the console's files their own cache policy and headers.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('content-security-policy', CONSOLE_CSP);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    const cc = chosen.get(request);
    if (cc) void reply.header('cache-control', cc);
  });

  const send = (request: FastifyRequest, reply: FastifyReply, rel: string) => {
    const file = files.get(rel);
    if (!file) {
      throw new VouchError('NOT_FOUND', files.size ? 'No such console file.' : 'The console was not built (npm run build builds it).');
    }
    chosen.set(request, file.cacheControl);
    void reply.header('etag', file.etag).type(file.type);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };

  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301));
  app.get('/console/', { schema: { hide: true } }, async (request, reply) => send(request, reply, ''));
  app.get('/console/*', { schema: { hide: true, params: ConsolePath } }, async (request, reply) => send(request, reply, request.params['*']));
};
export default consolePlugin;
