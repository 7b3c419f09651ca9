// What the catalogue needs that the running hub cannot read: the comments of the .proto files
// (the embedded descriptors carry no source info) and the doc comments and parameter names of
// contracts/subjects.ts. Read at generation time into contracts/catalog.comments.json.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBinary } from '@bufbuild/protobuf';
import {
  type DescriptorProto,
  type EnumDescriptorProto,
  FileDescriptorSetSchema,
  type SourceCodeInfo_Location,
} from '@bufbuild/protobuf/wkt';
import ts from 'typescript';
import { buildCatalog, type CatalogComments } from '../contracts/catalog.ts';
import { createNames } from '../contracts/subjects.ts';
import { RETENTION_MS } from '../writers/log/open.ts';
import { catalogMarkdown } from './catalog-markdown.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const COMMENTS_FILE = join(ROOT, 'contracts/catalog.comments.json');
export const EVENTS_DOC = join(ROOT, 'docs/events.md');

/** Field numbers of the descriptor messages, as source locations' paths name them. */
const PATH = { message: 4, enum: 5, field: 2, nested: 3, nestedEnum: 4, oneof: 8, value: 2 } as const;

/** The comment of every message, field, oneof, enum and value, by its full name. */
export function protoComments(): Record<string, string> {
  // buf compiles the schemas with their source info (comments and positions); the imports
  // (google/protobuf) are left out.
  const bytes = execFileSync(
    join(ROOT, 'node_modules/.bin/buf'),
    ['build', '--exclude-imports', '--as-file-descriptor-set', '-o', '-#format=binpb'],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const out: Record<string, string> = {};
  for (const file of fromBinary(FileDescriptorSetSchema, bytes).file) {
    const at = new Map<string, SourceCodeInfo_Location>();
    for (const loc of file.sourceCodeInfo?.location ?? []) at.set(loc.path.join('.'), loc);
    const note = (name: string, path: number[]) => {
      const loc = at.get(path.join('.'));
      const text = tidy([loc?.leadingComments ?? '', loc?.trailingComments ?? ''].join('\n\n'));
      if (text) out[name] = text;
    };
    const enumOf = (e: EnumDescriptorProto, scope: string, path: number[]) => {
      const name = `${scope}.${e.name}`;
      note(name, path);
      for (const [i, v] of e.value.entries()) note(`${name}.${v.name}`, [...path, PATH.value, i]);
    };
    const messageOf = (m: DescriptorProto, scope: string, path: number[]) => {
      const name = `${scope}.${m.name}`;
      note(name, path);
      for (const [i, f] of m.field.entries()) note(`${name}.${f.name}`, [...path, PATH.field, i]);
      for (const [i, o] of m.oneofDecl.entries()) note(`${name}.${o.name}`, [...path, PATH.oneof, i]);
      for (const [i, n] of m.nestedType.entries()) messageOf(n, name, [...path, PATH.nested, i]);
      for (const [i, e] of m.enumType.entries()) enumOf(e, name, [...path, PATH.nestedEnum, i]);
    };
    for (const [i, m] of file.messageType.entries()) messageOf(m, file.package, [PATH.message, i]);
    for (const [i, e] of file.enumType.entries()) enumOf(e, file.package, [PATH.enum, i]);
  }
  return sorted(out);
}

/** A comment as one line per paragraph: the source's line breaks are only wrapping. */
export function tidy(comment: string): string {
  return comment
    .split('\n')
    .map((line) => line.replace(/^ /, '').trimEnd())
    .join('\n')
    .split(/\n{2,}/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' '),
    )
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The subject functions of each domain in `Names` (contracts/subjects.ts), keyed
 * `<domain>.<function>`: their parameters, in snake_case like the proto fields they hold, and
 * their doc comment.
 */
export function subjectDocs(): CatalogComments['subjects'] {
  const path = join(ROOT, 'contracts/subjects.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = source.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'Names',
  );
  if (!names || !ts.isTypeLiteralNode(names.type)) throw new Error('contracts/subjects.ts has no type Names');
  const out: CatalogComments['subjects'] = {};
  const walk = (members: ts.NodeArray<ts.TypeElement>, scope: string) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const key = scope ? `${scope}.${member.name.getText(source)}` : member.name.getText(source);
      if (ts.isTypeLiteralNode(member.type)) walk(member.type.members, key);
      // The top-level functions (stream, kvBucket…) make no event subject.
      else if (scope && ts.isFunctionTypeNode(member.type))
        out[key] = {
          params: member.type.parameters.map((p) => snake(p.name.getText(source).replace(/^\.\.\./, ''))),
          doc: tidy(
            ts
              .getJSDocCommentsAndTags(member)
              .map((d) => (ts.isJSDoc(d) ? (ts.getTextOfJSDocComment(d.comment) ?? '') : ''))
              .join('\n\n'),
          ),
        };
    }
  };
  walk(names.type.members, '');
  return sorted(out);
}

/** Both generated files' contents as they should read now. */
export function generateCatalog(): { comments: CatalogComments; markdown: string } {
  const comments: CatalogComments = { proto: protoComments(), subjects: subjectDocs() };
  const catalog = buildCatalog({ names: createNames(), retentionMs: RETENTION_MS, comments });
  return { comments, markdown: catalogMarkdown(catalog) };
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
