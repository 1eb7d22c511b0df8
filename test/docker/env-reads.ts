import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The environment variables the code of apps/ and libs/ reads, found in its syntax trees (not by
 * grep, so comments and strings that merely mention a name do not count):
 * - `process.env.NAME`, `env.NAME`, `config.env.NAME`, `env['NAME']`, `const { NAME } = process.env`;
 * - a read whose name is a parameter of the enclosing function (`process.env[name]` in
 *   requiredEnv, `env[name]` in a local `read(name, …)`): the literal arguments of that
 *   function's calls, wherever they are;
 * - a read whose name is a constructor parameter kept on the instance (`process.env[this.switchName]`
 *   in PeriodicSweeper): the literal arguments of `super(…)` in the classes extending it.
 * Any other computed read is returned in `unresolved`, for the spec to resolve or to fail on.
 */
export interface EnvScan {
  /** Variable → files (relative to the root) that read it. */
  names: Map<string, Set<string>>;
  /** Computed reads the rules above cannot name: `file: expression`. */
  unresolved: string[];
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Source files of the apps and libs: no specs, no test helpers (`testing/`), not the browser console. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (['node_modules', 'dist', 'testing', 'test', 'tests', '__tests__'].includes(entry.name)) continue;
        if (relative(root, path).split(sep).join('/') === 'apps/console') continue;
        walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(root, 'apps'));
  walk(join(root, 'libs'));
  return out.sort();
}

/** `process.env`, `x.env`, or a variable or parameter named `env`. */
function isEnvObject(node: ts.Expression): boolean {
  const inner = ts.isParenthesizedExpression(node) ? node.expression : node;
  if (ts.isIdentifier(inner)) return inner.text === 'env';
  if (ts.isPropertyAccessExpression(inner)) return inner.name.text === 'env';
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return isEnvObject(inner.left) && isEnvObject(inner.right);
  return false;
}

const literalText = (node: ts.Node | undefined): string | undefined => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined);

interface Site {
  file: string;
  node: ts.ElementAccessExpression;
}

export function scanEnvReads(root: string, files = sourceFiles(root)): EnvScan {
  const names = new Map<string, Set<string>>();
  const add = (name: string, file: string) => {
    if (!ENV_NAME.test(name)) return;
    if (!names.has(name)) names.set(name, new Set());
    names.get(name)!.add(file);
  };
  const computed: Site[] = [];
  /** Function name → literal arguments by position, over all calls in all files. */
  const callArgs = new Map<string, Array<{ file: string; args: Array<string | undefined> }>>();
  /** Class name → its base class's name, and the literal arguments of its `super(…)` calls. */
  const classes = new Map<string, { base?: string; superArgs: Array<{ file: string; args: Array<string | undefined> }> }>();
  const sources: Array<{ file: string; source: ts.SourceFile }> = [];

  for (const path of files) {
    const file = relative(root, path).split(sep).join('/');
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    sources.push({ file, source });
    const visit = (node: ts.Node, currentClass?: string): void => {
      if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression)) add(node.name.text, file);
      if (ts.isElementAccessExpression(node) && isEnvObject(node.expression)) {
        const name = literalText(node.argumentExpression);
        if (name !== undefined) add(name, file);
        else computed.push({ file, node });
      }
      if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isEnvObject(node.initializer)) {
        for (const element of node.name.elements) {
          const key = element.propertyName ?? element.name;
          if (ts.isIdentifier(key) || ts.isStringLiteral(key)) add(key.text, file);
        }
      }
      if (ts.isClassDeclaration(node) && node.name) {
        const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
        classes.set(node.name.text, { base: base && ts.isIdentifier(base) ? base.text : undefined, superArgs: classes.get(node.name.text)?.superArgs ?? [] });
        currentClass = node.name.text;
      }
      if (ts.isCallExpression(node)) {
        const args = node.arguments.map((a) => literalText(a));
        if (node.expression.kind === ts.SyntaxKind.SuperKeyword && currentClass) classes.get(currentClass)!.superArgs.push({ file, args });
        // Plain calls under `f:name`, method calls under `m:name`, so a function named like some method is not confused with it.
        const callee = ts.isIdentifier(node.expression) ? `f:${node.expression.text}` : ts.isPropertyAccessExpression(node.expression) ? `m:${node.expression.name.text}` : undefined;
        if (callee) callArgs.set(callee, [...(callArgs.get(callee) ?? []), { file, args }]);
      }
      ts.forEachChild(node, (child) => visit(child, currentClass));
    };
    visit(source);
  }

  const unresolved: string[] = [];
  for (const { file, node } of computed) {
    const argument = node.argumentExpression;
    const where = `${file}: ${node.getText()}`;
    const fromCalls = (calls: Array<{ file: string; args: Array<string | undefined> }>, index: number) => {
      let found = 0;
      for (const call of calls) {
        const value = call.args[index];
        if (value !== undefined && ENV_NAME.test(value)) (add(value, call.file), found++);
      }
      return found;
    };
    // A parameter of the enclosing function: the literal arguments of its calls.
    if (ts.isIdentifier(argument)) {
      const fn = enclosingFunction(node);
      const index = fn?.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === argument.text) ?? -1;
      const fnName = fn && functionName(fn);
      const key = fn && fnName && `${ts.isMethodDeclaration(fn) ? 'm' : 'f'}:${fnName}`;
      if (key && index >= 0 && fromCalls(callArgs.get(key) ?? [], index) > 0) continue;
    }
    // `this.<constructor parameter property>`: the literal arguments of super(…) in subclasses.
    if (ts.isPropertyAccessExpression(argument) && argument.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(node);
      const ctor = cls?.members.find(ts.isConstructorDeclaration);
      const index = ctor?.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === argument.name.text) ?? -1;
      if (cls?.name && index >= 0) {
        const subclasses = [...classes.values()].filter((c) => c.base === cls.name!.text);
        if (subclasses.reduce((n, c) => n + fromCalls(c.superArgs, index), 0) > 0) continue;
      }
    }
    unresolved.push(where);
  }
  return { names, unresolved };
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) return n;
  return undefined;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if (fn.parent && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
}

function enclosingClass(node: ts.Node): ts.ClassDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isClassDeclaration(n)) return n;
  return undefined;
}
