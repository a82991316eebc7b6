#!/usr/bin/env node
// Generates TypeScript types from proto/ into gateway/grpc/generated (nobody edits that folder by hand),
// or, with `check`, generates into a temporary folder and fails if the checked-in copy differs.
// proto-loader-gen-types writes extension-less relative imports; ESM (NodeNext) needs ".js", added here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'gateway/grpc/generated');

function generate(outDir) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const protos = fs.readdirSync(path.join(root, 'proto/vouch/v1')).filter((f) => f.endsWith('.proto')).sort().map((f) => `vouch/v1/${f}`);
  execFileSync(
    path.join(root, 'node_modules/.bin/proto-loader-gen-types'),
    ['--keepCase', '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments', '--grpcLib=@grpc/grpc-js', `--outDir=${outDir}`, '--includeDirs=.', '--', ...protos],
    { cwd: path.join(root, 'proto'), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const file of walk(outDir)) {
    const src = fs.readFileSync(file, 'utf8').replace(/from '(\.{1,2}\/[^']+)'/g, (_m, p) => `from '${p}.js'`);
    fs.writeFileSync(file, `// Generated from proto/ by scripts/proto.mjs — do not edit.\n${src}`);
  }
  return walk(outDir).map((f) => path.relative(outDir, f)).sort();
}

if (process.argv[2] === 'check') {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-proto-'));
  const files = generate(tmp);
  const stale = files.filter((f) => !fs.existsSync(path.join(target, f)) || fs.readFileSync(path.join(target, f), 'utf8') !== fs.readFileSync(path.join(tmp, f), 'utf8'));
  fs.rmSync(tmp, { recursive: true, force: true });
  if (stale.length) {
    process.stderr.write(`generated gRPC types are out of date (${stale.slice(0, 5).join(', ')}…): run npm run proto:gen\n`);
    process.exit(1);
  }
  process.stdout.write(`generated gRPC types are up to date (${files.length} files)\n`);
} else {
  const files = generate(target);
  process.stdout.write(`generated ${files.length} files into gateway/grpc/generated\n`);
}
