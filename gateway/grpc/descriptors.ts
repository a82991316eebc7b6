import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * FileDescriptorProtos for server reflection, built from the .proto files themselves with their
 * comments (SourceCodeInfo), one per file under its own name and with its imports.
 *
 * @grpc/proto-loader's descriptors, which @grpc/reflection serves by default, have neither: protobufjs
 * drops comments when it builds them and merges every file of a package into one. Tools that describe a
 * service from reflection (grpcurl describe, grpcui, Postman) then show bare names. Here protobufjs parses
 * each file keeping comments (`alternateCommentMode`: `//` comments too, as protoc does), builds the
 * descriptor of each top-level definition, and the SourceCodeInfo is added from a walk over the file's
 * tokens (declaration lines) and protobufjs's comments, with the paths descriptor.proto defines.
 */
const require = createRequire(import.meta.url);
// The descriptor extension (protobufjs/ext/descriptor) adds toDescriptor() to protobufjs's reflection
// classes and exports descriptor.proto's own types.
const descriptor = require('protobufjs/ext/descriptor') as protobuf.Namespace & Record<string, protobuf.Type>;
const FileDescriptorProto = descriptor.FileDescriptorProto as unknown as protobuf.Type;

/** A .proto file: its import path (the descriptor's name) and where it is on disk. */
export interface ProtoSource {
  name: string;
  file: string;
}

/** Where a declaration sits in its file (0-based lines and columns, as SourceCodeInfo.Location.span). */
interface Span {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

type Scope = { kind: 'file' | 'message' | 'enum' | 'service' | 'oneof' | 'other'; key: string; decl?: Span };

/**
 * The declarations of a file by dotted key: `Message`, `Message.field`, `Message.Nested`,
 * `Enum.VALUE`, `Service`, `Service.Method`. Read from protobufjs's tokenizer, which skips comments.
 */
export function declarations(text: string): Map<string, Span> {
  const lines = text.split('\n');
  const startOf = (line: number): number => Math.max(0, lines[line]?.search(/\S/) ?? 0);
  const endOf = (line: number, ch: string): number => (lines[line]?.lastIndexOf(ch) ?? -1) + 1;
  const found = new Map<string, Span>();
  const tn = protobuf.tokenize(text, true) as unknown as { next(): string | null; peek(): string | null; line: number };
  const scopes: Scope[] = [{ kind: 'file', key: '' }];
  const inner = (name: string): string => (scopes[scopes.length - 1]!.key ? `${scopes[scopes.length - 1]!.key}.${name}` : name);
  let open: Span | undefined; // a statement (field, value, rpc) waiting for its ';'
  let prev = '';
  let brackets = 0;
  for (let tok = tn.next(); tok !== null; prev = tok, tok = tn.next()) {
    const line = tn.line - 1;
    const scope = scopes[scopes.length - 1]!;
    if (tok === '[') brackets++;
    else if (tok === ']') brackets--;
    else if ((tok === 'message' || tok === 'enum' || tok === 'service' || tok === 'oneof' || tok === 'extend') && brackets === 0 && tn.peek() !== '=') {
      // A declaration (`message Name {`), not a field that happens to be called so (`string message = 2;`).
      const name = tn.next()!;
      const span = { line, col: startOf(line), endLine: line, endCol: 0 };
      if (tok === 'oneof' || tok === 'extend') scopes.push({ kind: tok === 'oneof' ? 'oneof' : 'other', key: tok === 'oneof' ? scope.key : '' });
      else {
        const key = inner(name);
        scopes.push({ kind: tok, key, decl: span });
        found.set(key, span);
      }
      tn.next(); // '{'
    } else if (tok === 'rpc' && scope.kind === 'service') {
      open = { line, col: startOf(line), endLine: line, endCol: 0 };
      found.set(inner(tn.next()!), open);
    } else if (tok === '{') {
      scopes.push({ kind: 'other', key: scope.key });
    } else if (tok === '}') {
      const closed = scopes.pop()!;
      if (open && closed.kind === 'other') {
        open.endLine = line;
        open.endCol = endOf(line, '}');
        open = undefined;
      }
      if (closed.decl) {
        closed.decl.endLine = line;
        closed.decl.endCol = endOf(line, '}');
      }
    } else if (tok === '=' && brackets === 0 && (scope.kind === 'message' || scope.kind === 'oneof' || scope.kind === 'enum')) {
      open = { line, col: startOf(line), endLine: line, endCol: 0 };
      found.set(inner(prev), open);
    } else if (tok === ';' && open) {
      open.endLine = line;
      open.endCol = endOf(line, ';');
      open = undefined;
    }
  }
  return found;
}

interface Location {
  path: number[];
  span: number[];
  leadingComments?: string;
}

/** protoc's form of a comment: each line with its leading space, ending in a newline. */
const commentText = (c: string | null | undefined): string | undefined => (c ? c.split('\n').map((l) => ` ${l}`.replace(/^ $/, '')).join('\n') + '\n' : undefined);

const spanOf = (s: Span): number[] => (s.endLine === s.line ? [s.line, s.col, s.endCol] : [s.line, s.col, s.endLine, s.endCol]);

/** Descriptor objects as protobufjs builds them (the members this file touches). */
interface FieldDesc { name: string; type?: number; typeName?: string; label?: number; options?: { packed?: boolean } | null }
interface MessageDesc { name: string; field: FieldDesc[]; nestedType: MessageDesc[]; enumType: EnumDesc[] }
interface EnumDesc { name: string; value: { name: string }[] }
interface ServiceDesc { name: string; method: { name: string }[] }

/**
 * Fully qualified type names (".vouch.v1.Receipt", as protoc writes them) instead of protobufjs's
 * relative ones, and no `packed = false` on fields protoc would leave alone: protobufjs writes it on
 * every proto3 field that is not packed, singular ones included.
 */
function normaliseFields(m: MessageDesc, type: protobuf.Type): void {
  for (const f of m.field) {
    const source = type.fields[f.name];
    if (source instanceof protobuf.MapField) {
      // protoc names a map's entry type <FieldName>Entry, nested in the message.
      const entry = m.nestedType.find((n) => n.name === f.typeName);
      const entryName = `${f.name.replace(/(?:^|_)([a-z])/g, (_m, c: string) => c.toUpperCase())}Entry`;
      if (entry) {
        entry.name = entryName;
        const value = entry.field.find((x) => x.name === 'value');
        if (value && source.resolvedType) value.typeName = source.resolvedType.fullName;
      }
      f.typeName = `${type.fullName}.${entryName}`;
    } else if (source?.resolvedType && (f.type === 11 || f.type === 14)) f.typeName = source.resolvedType.fullName;
    if (f.options && f.options.packed === false && source?.options?.packed === undefined) {
      delete f.options.packed;
      if (!Object.keys(f.options).length) f.options = null;
    }
  }
  for (const n of m.nestedType) {
    const nested = type.nested?.[n.name];
    if (nested instanceof protobuf.Type) normaliseFields(n, nested);
  }
}

function messageLocations(m: MessageDesc, type: protobuf.Type, at: number[], key: string, spans: Map<string, Span>, out: Location[]): void {
  const add = (p: number[], k: string, comment: string | null | undefined) => {
    const span = spans.get(k);
    if (!span) return; // synthetic (map entries): nothing declared in the file
    const leading = commentText(comment);
    out.push({ path: p, span: spanOf(span), ...(leading ? { leadingComments: leading } : {}) });
  };
  add(at, key, type.comment);
  m.field.forEach((f, i) => add([...at, 2, i], `${key}.${f.name}`, type.fields[f.name]?.comment));
  m.nestedType.forEach((n, i) => {
    const nested = type.nested?.[n.name];
    if (nested instanceof protobuf.Type) messageLocations(n, nested, [...at, 3, i], `${key}.${n.name}`, spans, out);
  });
  m.enumType.forEach((e, i) => {
    const nested = type.nested?.[e.name];
    if (nested instanceof protobuf.Enum) enumLocations(e, nested, [...at, 4, i], `${key}.${e.name}`, spans, out);
  });
}

function enumLocations(e: EnumDesc, en: protobuf.Enum, at: number[], key: string, spans: Map<string, Span>, out: Location[]): void {
  const span = spans.get(key);
  if (span) out.push({ path: at, span: spanOf(span), ...(en.comment ? { leadingComments: commentText(en.comment)! } : {}) });
  e.value.forEach((v, i) => {
    const s = spans.get(`${key}.${v.name}`);
    const c = commentText(en.comments[v.name]);
    if (s) out.push({ path: [...at, 2, i], span: spanOf(s), ...(c ? { leadingComments: c } : {}) });
  });
}

/** The `import "…";` lines of a file, in order. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)].map((m) => m[1]!);
}

/**
 * One serialized FileDescriptorProto per source file, with SourceCodeInfo. `includeDirs` resolves the
 * imports (the files given must include everything they import).
 */
export function describeFiles(sources: readonly ProtoSource[]): Buffer[] {
  const byName = new Map(sources.map((s) => [s.name, s.file]));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => byName.get(target) ?? target;
  root.loadSync(sources.map((s) => s.name), { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return sources.map(({ name, file }) => {
    const text = fs.readFileSync(file, 'utf8');
    const spans = declarations(text);
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1] ?? '';
    const ns = pkg ? root.lookup(pkg) : root;
    if (!(ns instanceof protobuf.Namespace)) throw new Error(`${name}: package ${pkg} not found`);
    const own = ns.nestedArray.filter((o) => o.filename === file || path.resolve(o.filename ?? '') === path.resolve(file));
    const messages = own.filter((o): o is protobuf.Type => o instanceof protobuf.Type);
    const enums = own.filter((o): o is protobuf.Enum => o instanceof protobuf.Enum);
    const services = own.filter((o): o is protobuf.Service => o instanceof protobuf.Service);
    type Describable = { toDescriptor(edition?: string): unknown };
    const messageDescs = messages.map((m) => (m as unknown as Describable).toDescriptor('proto3') as MessageDesc);
    messageDescs.forEach((d, i) => normaliseFields(d, messages[i]!));
    const enumDescs = enums.map((e) => (e as unknown as Describable).toDescriptor() as EnumDesc);
    const serviceDescs = services.map((s) => (s as unknown as Describable).toDescriptor() as ServiceDesc);

    const locations: Location[] = [];
    messageDescs.forEach((d, i) => messageLocations(d, messages[i]!, [4, i], d.name, spans, locations));
    enumDescs.forEach((d, i) => enumLocations(d, enums[i]!, [5, i], d.name, spans, locations));
    serviceDescs.forEach((d, i) => {
      const s = services[i]!;
      const span = spans.get(d.name);
      if (span) locations.push({ path: [6, i], span: spanOf(span), ...(s.comment ? { leadingComments: commentText(s.comment)! } : {}) });
      d.method.forEach((m, j) => {
        const ms = spans.get(`${d.name}.${m.name}`);
        const c = commentText(s.methods[m.name]?.comment);
        if (ms) locations.push({ path: [6, i, 2, j], span: spanOf(ms), ...(c ? { leadingComments: c } : {}) });
      });
    });
    const options = fileOptions(ns);
    const proto = FileDescriptorProto.fromObject({
      name,
      package: pkg,
      dependency: importsOf(text),
      messageType: messageDescs,
      enumType: enumDescs,
      service: serviceDescs,
      syntax: 'proto3',
      ...(options ? { options } : {}),
      sourceCodeInfo: { location: locations },
    });
    return Buffer.from(FileDescriptorProto.encode(proto).finish());
  });
}

/** File options (go_package, java_package …) that protobufjs keeps on the package's namespace. */
function fileOptions(ns: protobuf.Namespace): Record<string, unknown> | undefined {
  if (!ns.options) return undefined;
  const camel = Object.fromEntries(Object.entries(ns.options).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
  return Object.keys(camel).length ? camel : undefined;
}

/** Where the standard services' .proto files are in node_modules. */
export function standardProtos(): ProtoSource[] {
  const health = (require('grpc-health-check') as { protoPath: string }).protoPath;
  const reflection = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
  return [
    { name: 'grpc/health/v1/health.proto', file: health },
    { name: 'grpc/reflection/v1/reflection.proto', file: reflection },
  ];
}
