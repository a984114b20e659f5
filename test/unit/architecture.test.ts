/**
 * The layers' import rules, checked on the source: main, preload and shared never reach into the
 * renderer; the renderer never reaches Node, Electron or main; the engine uses only TensorFlow.js
 * and shared code; shared code runs anywhere (zod only); the preload uses only Electron and shared code; and
 * no source files import each other in a cycle. Every import counts, `import type` included: a
 * type-only import still ties one layer's code to another's.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYERS = ['src-main', 'src-preload', 'src-shared', 'src-engine', 'src-renderer'] as const;
type Layer = (typeof LAYERS)[number];

/** Fewer files than this in a folder means the scan is broken, not that the folder is clean. */
const MIN_FILES: Record<Layer, number> = {
  'src-main': 40,
  // The sandboxed preload is one bundled file by design.
  'src-preload': 1,
  'src-shared': 10,
  'src-engine': 15,
  'src-renderer': 40,
};

/** One import of a source file; `target` is the repo file a relative one resolves to (null when none does). */
interface Import {
  file: string;
  line: number;
  spec: string;
  kind: string;
  target: string | null;
}

const toRepoPath = (abs: string): string => relative(ROOT, abs).split(sep).join('/');

/** The `<script>` blocks of a .vue file, each with the line it starts on. */
function vueScripts(text: string): Array<{ code: string; line: number }> {
  const out: Array<{ code: string; line: number }> = [];
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = (m.index ?? 0) + m[0].indexOf('>') + 1;
    out.push({ code: m[1] ?? '', line: text.slice(0, start).split('\n').length - 1 });
  }
  return out;
}

/**
 * Every module specifier of a piece of TypeScript, read with the compiler's parser so comments,
 * strings and multi-line imports cannot fool it: import/export ... from, side-effect imports,
 * `import type`, dynamic import(), `import('x').T` types, require() and `new URL('./x', import.meta.url)`
 * (how a Web Worker's entry is named).
 */
function specifiersOf(code: string, fileName: string): Array<{ spec: string; kind: string; line: number }> {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Array<{ spec: string; kind: string; line: number }> = [];
  const add = (node: ts.Node, lit: ts.Node | undefined, kind: string): void => {
    if (lit && ts.isStringLiteralLike(lit)) out.push({ spec: lit.text, kind, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.moduleSpecifier, !node.importClause ? 'side-effect import' : node.importClause.isTypeOnly ? 'import type' : 'import');
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly ? 'export type' : 'export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'import = require');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'import()');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node, node.arguments[0], 'require()');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'import() type');
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [first, second] = node.arguments ?? [];
      if (first && second && second.getText(source) === 'import.meta.url') add(node, first, 'new URL');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The repo file a relative specifier names, trying the extensions the bundler does. */
function resolveRelative(fromAbs: string, spec: string): string | null {
  const base = join(dirname(fromAbs), spec.replace(/[?#].*$/, ''));
  for (const suffix of ['', '.ts', '.vue', '/index.ts']) {
    const candidate = base + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) return toRepoPath(candidate);
  }
  return null;
}

const isRelative = (spec: string): boolean => spec.startsWith('./') || spec.startsWith('../');
const isBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') || builtinModules.includes(spec) || builtinModules.includes(spec.split('/')[0] ?? '');
/** 'vue' for 'vue', '@tensorflow/tfjs-core' for '@tensorflow/tfjs-core/dist/x'. */
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
/** The layer a repo path lies in, or null (package.json, tests…). */
const layerOf = (path: string | null): Layer | null => LAYERS.find((l) => path?.startsWith(`${l}/`)) ?? null;

/** Reads every .ts and .vue file below the layers' folders and lists their imports. */
function scan(): { files: Map<string, Layer>; imports: Import[] } {
  const files = new Map<string, Layer>();
  const imports: Import[] = [];
  for (const layer of LAYERS) {
    const dir = join(ROOT, layer);
    for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!rel.endsWith('.ts') && !rel.endsWith('.vue')) continue;
      const abs = join(dir, rel);
      if (!statSync(abs).isFile()) continue;
      const file = toRepoPath(abs);
      files.set(file, layer);
      const text = readFileSync(abs, 'utf8');
      const blocks = file.endsWith('.vue') ? vueScripts(text) : [{ code: text, line: 0 }];
      for (const block of blocks) {
        for (const s of specifiersOf(block.code, abs)) {
          const target = isRelative(s.spec) ? resolveRelative(abs, s.spec) : null;
          imports.push({ file, line: block.line + s.line, spec: s.spec, kind: s.kind, target });
        }
      }
    }
  }
  return { files, imports };
}

/**
 * The strongly connected components of a directed graph that hold a cycle (two or more nodes, or
 * one with an edge to itself), by Tarjan's algorithm; each sorted, and the list sorted.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

const { files, imports } = scan();
const importsOf = (...layers: Layer[]): Import[] => imports.filter((i) => layers.includes(files.get(i.file)!));
const show = (i: Import): string => `${i.file}:${i.line} -> '${i.spec}'${i.target ? ` (${i.target})` : ''}`;
/** Fails listing every offending import, so the message says what to fix. */
function expectNone(bad: Import[], rule: string): void {
  const lines = bad.map(show);
  expect(lines, `${rule}; offending imports:\n  ${lines.join('\n  ')}\n`).toEqual([]);
}

describe('the scan', () => {
  it('finds a plausible number of source files in every folder', () => {
    for (const layer of LAYERS) {
      const count = [...files.values()].filter((l) => l === layer).length;
      expect(count, `files found in ${layer}`).toBeGreaterThanOrEqual(MIN_FILES[layer]);
    }
    expect(files.has('src-preload/index.ts')).toBe(true);
  });

  it('reads the imports of .vue files and of .ts files', () => {
    const vueFiles = [...files.keys()].filter((f) => f.endsWith('.vue'));
    expect(vueFiles.length).toBeGreaterThan(20);
    const vueWithImports = new Set(imports.filter((i) => i.file.endsWith('.vue')).map((i) => i.file));
    expect(vueWithImports.size).toBeGreaterThan(vueFiles.length / 2);
    expect(imports.length).toBeGreaterThan(files.size);
  });

  it('resolves every relative import to a file, so no edge of the import graph goes missing', () => {
    expectNone(imports.filter((i) => isRelative(i.spec) && i.target === null), 'These relative imports name no file');
  });
});

describe('layer rules', () => {
  it('src-main, src-shared, src-engine and src-preload never import src-renderer', () => {
    expectNone(
      importsOf('src-main', 'src-shared', 'src-engine', 'src-preload').filter((i) => layerOf(i.target) === 'src-renderer'),
      'Only the renderer may import src-renderer',
    );
  });

  it('src-renderer never imports Node built-ins, electron or src-main', () => {
    expectNone(
      importsOf('src-renderer').filter((i) => isBuiltin(i.spec) || packageOf(i.spec) === 'electron' || layerOf(i.target) === 'src-main'),
      'The renderer runs in a sandboxed page: it reaches main only through the preload bridge',
    );
  });

  // The engine must also not touch DOM globals; its own tsconfig (tsconfig.engine.json, without the
  // DOM lib or Node's types) already refuses them at type-check time, so that is not checked here.
  it('src-engine imports only @tensorflow/* and files of src-engine and src-shared', () => {
    expectNone(
      importsOf('src-engine').filter((i) =>
        isRelative(i.spec) ? !['src-engine', 'src-shared'].includes(layerOf(i.target) ?? '') : !packageOf(i.spec).startsWith('@tensorflow/'),
      ),
      'The engine runs both in a Web Worker and in Node: TensorFlow.js and shared code only',
    );
  });

  it('src-shared imports only zod and its own files (no @tensorflow/*, Node built-ins, electron, vue, nor another layer)', () => {
    expectNone(
      importsOf('src-shared').filter((i) => (isRelative(i.spec) ? layerOf(i.target) !== 'src-shared' : packageOf(i.spec) !== 'zod')),
      'Shared code runs in every process: zod and other shared files only',
    );
  });

  // The DOM and Node's globals are kept out of src-engine and src-shared by their compiler
  // settings (tsconfig.engine.json: the ES library only, no @types); these hold those settings
  // and refuse a file that would bring either back in by a triple-slash directive.
  it('src-engine and src-shared compile without the DOM or Node types, and no file of theirs references them', () => {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.engine.json'), ts.sys.readFile).config as {
      compilerOptions: { lib?: string[]; types?: string[] };
      include: string[];
    };
    expect(config.compilerOptions.types).toEqual([]);
    expect((config.compilerOptions.lib ?? []).filter((l) => /^(dom|webworker)/i.test(l))).toEqual([]);
    expect(config.include).toEqual(expect.arrayContaining(['src-engine/**/*.ts', 'src-shared/**/*.ts']));
    const typecheck = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.typecheck;
    expect(typecheck).toContain('-p tsconfig.engine.json');
    const directives: string[] = [];
    for (const [file, layer] of files) {
      if (layer !== 'src-engine' && layer !== 'src-shared') continue;
      readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, n) => {
        if (/^\s*\/\/\/\s*<reference\s+(lib|types)=/.test(line)) directives.push(`${file}:${n + 1} ${line.trim()}`);
      });
    }
    expect(directives, `These bring the DOM or Node types into code that runs in both:\n  ${directives.join('\n  ')}`).toEqual([]);
  });

  it('src-preload imports only electron and src-shared', () => {
    expectNone(
      importsOf('src-preload').filter((i) =>
        isRelative(i.spec) ? !['src-preload', 'src-shared'].includes(layerOf(i.target) ?? '') : i.spec !== 'electron',
      ),
      'A sandboxed preload can require only electron; everything else it needs is bundled from src-shared',
    );
  });
});

describe('import cycles', () => {
  it('the cycle finder reports exactly the files on a cycle', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
      ['f', ['g']],
      ['g', []],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(findCycles(new Map([['x', ['y']], ['y', []]]))).toEqual([]);
  });

  it('no source files import each other in a cycle', () => {
    const graph = new Map<string, string[]>([...files.keys()].map((f) => [f, []]));
    for (const i of imports) if (i.target && files.has(i.target)) graph.get(i.file)!.push(i.target);
    const cycles = findCycles(graph).map((component) => {
      const inside = new Set(component);
      const edges = imports.filter((i) => inside.has(i.file) && i.target !== null && inside.has(i.target));
      return `${component.join(' <-> ')}\n    ${edges.map(show).join('\n    ')}`;
    });
    expect(cycles, `Import cycles (break each by moving the shared piece to its own module):\n  ${cycles.join('\n  ')}\n`).toEqual([]);
  });
});
