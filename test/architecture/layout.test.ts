// The layout rules of docs/architecture.md, checked on the source tree itself: a newcomer can trust the
// picture because a change that breaks it fails here.
//   - at most six files directly in gateway/services/ (capabilities live in folders);
//   - SQL text only under gateway/storage/;
//   - gateway/domain/ imports no framework, no storage, no I/O;
//   - no source file over 400 lines, no function over 80 lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import t from 'tap';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const SOURCE_DIRS = ['gateway', 'adapters', 'keys', 'console/src', 'bench', 'scripts'];
const GENERATED = `gateway${sep}grpc${sep}generated${sep}`;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = SOURCE_DIRS.flatMap((d) => walk(join(root, d)))
  .map((p) => relative(root, p))
  .filter((p) => !p.startsWith(GENERATED));

t.test('at most six files directly in gateway/services/', async (t) => {
  const direct = readdirSync(join(root, 'gateway', 'services')).filter((n) =>
    statSync(join(root, 'gateway', 'services', n)).isFile(),
  );
  t.ok(direct.length <= 6, `${direct.length} files: ${direct.join(', ')}`);
});

// Statement starts as they appear in our SQL strings (upper case, followed by the shape of a statement).
const SQL = /\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\b|PRAGMA\s+\w)/;

t.test('SQL text only under gateway/storage/', async (t) => {
  const offenders = files
    .filter((f) => !f.startsWith(`gateway${sep}storage${sep}`))
    .filter((f) => SQL.test(readFileSync(join(root, f), 'utf8')));
  t.same(offenders, [], 'files outside storage/ holding SQL');
});

t.test('gateway/domain/ imports no framework, storage or I/O', async (t) => {
  const allowed = /^(node:crypto|\.{1,2}\/)/;
  const offenders: string[] = [];
  for (const f of files.filter((f) => f.startsWith(`gateway${sep}domain${sep}`))) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!allowed.test(spec)) offenders.push(`${f}: ${spec}`);
      else if (spec.startsWith('.') && !join(f, '..', spec).startsWith(`gateway${sep}domain`)) offenders.push(`${f}: ${spec}`);
    }
  }
  t.same(offenders, [], 'imports leaving the domain');
});

t.test('no source file over 400 lines', async (t) => {
  const long = files
    .map((f) => ({ f, n: lineCount(readFileSync(join(root, f), 'utf8')) }))
    .filter((x) => x.n > 400)
    .map((x) => `${x.f}: ${x.n}`);
  t.same(long, []);
});

t.test('no function over 80 lines', async (t) => {
  const long: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    const src = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true, f.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
        const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > 80) {
          const name = (node as ts.FunctionLikeDeclaration).name?.getText(src) ?? '(anonymous)';
          long.push(`${f}:${start + 1} ${name} ${end - start + 1} lines`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  t.same(long, []);
});

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
