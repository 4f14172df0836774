/**
 * Preload safety of the core (docs/moddable.md, spec moddable.md §11): every module under
 * modules/ is preloaded by the XS linker on the device, so its body runs at build time and what
 * it creates lives in flash. Two classes of finding:
 *  - state (must be none): a top-level `let`/`var` or TypeScript `enum`, or a module-level
 *    container (Map, Set, array, ArrayBuffer, typed array, DataView) that code running after
 *    load writes to. That is mutable state in flash: it breaks or silently costs RAM per write.
 *  - unfrozen (reported, counted): a module-level object that is not frozen all the way down
 *    (XS's linker warns about each one; each costs an alias pointer in RAM on the device).
 * Static: parses each module with the TypeScript compiler API.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface PreloadViolation {
  file: string;
  line: number;
  problem: string;
  kind: 'state' | 'unfrozen';
}

const CONTAINERS = /^(Map|Set|WeakMap|WeakSet|Array|ArrayBuffer|DataView|(Ui|I)nt(8|16|32)Array|Uint8ClampedArray|Float(32|64)Array|Big(Ui|I)nt64Array)$/;
const WRITERS = /^(set|add|delete|clear|push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin|set(Ui|I)nt(8|16|32)|setFloat(32|64)|setBig(Ui|I)nt64)$/;

/** Names of module-level containers written by code that runs after load (inside a function). */
function containersWrittenLater(source: ts.SourceFile, containers: Set<string>): Set<string> {
  const written = new Set<string>();
  const visit = (node: ts.Node, inFunction: boolean): void => {
    const inside = inFunction || ts.isFunctionLike(node);
    if (inside) {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)) {
        const target = node.expression.expression.text;
        if (containers.has(target) && WRITERS.test(node.expression.name.text)) written.add(target);
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(node.left) && ts.isIdentifier(node.left.expression)) {
        if (containers.has(node.left.expression.text)) written.add(node.left.expression.text);
      }
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(source, false);
  return written;
}

export function coreModuleFiles(root = 'modules'): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) files.push(...coreModuleFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current) || ts.isNonNullExpression(current))
    current = current.expression;
  return current;
}

function isFreezeCall(node: ts.Expression): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.getText() === 'Object.freeze';
}

/** Why `node` is not immutable, or undefined when it is. `frozen`: the value is the argument of Object.freeze. */
function mutability(node: ts.Expression, frozen = false): string | undefined {
  const e = unwrap(node);
  if (ts.isStringLiteral(e) || ts.isNumericLiteral(e) || ts.isBigIntLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return undefined;
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return undefined;
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e)) return undefined;
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return undefined;
  if (ts.isTemplateExpression(e)) return e.templateSpans.map((span) => mutability(span.expression)).find(Boolean);
  if (ts.isPrefixUnaryExpression(e)) return mutability(e.operand);
  if (ts.isBinaryExpression(e)) return mutability(e.left) ?? mutability(e.right);
  if (ts.isConditionalExpression(e)) return mutability(e.whenTrue) ?? mutability(e.whenFalse);
  if (isFreezeCall(e)) return e.arguments.length === 1 ? mutability(e.arguments[0], true) : 'Object.freeze without one argument';
  if (ts.isObjectLiteralExpression(e)) {
    if (!frozen) return 'object literal not frozen';
    for (const property of e.properties) {
      if (ts.isPropertyAssignment(property)) {
        const problem = mutability(property.initializer);
        if (problem) return `${property.name.getText()}: ${problem}`;
      } else if (ts.isSpreadAssignment(property)) {
        const problem = mutability(property.expression);
        if (problem) return problem;
      } else if (!ts.isShorthandPropertyAssignment(property) && !ts.isMethodDeclaration(property)) return 'accessor in a module-level object';
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(e)) {
    if (!frozen) return 'array literal not frozen';
    for (const element of e.elements) {
      const problem = ts.isSpreadElement(element) ? mutability(element.expression) : mutability(element);
      if (problem) return problem;
    }
    return undefined;
  }
  if (ts.isRegularExpressionLiteral(e)) return 'RegExp at module level (its lastIndex is state)';
  if (ts.isNewExpression(e)) return `new ${e.expression.getText()} at module level`;
  // Math/Date.UTC/Number/String helpers give primitives.
  if (ts.isCallExpression(e) && /^(Math\.\w+|Date\.UTC|Number|String|Symbol)$/.test(e.expression.getText())) return undefined;
  if (ts.isCallExpression(e)) {
    // Pure builders of frozen values (checked where they are defined): Object.freeze(...) of their result.
    if (frozen) return undefined;
    return `${e.expression.getText()}(…) at module level: its result is not known to be frozen`;
  }
  return `${ts.SyntaxKind[e.kind]} at module level`;
}

export function preloadViolations(files = coreModuleFiles()): PreloadViolation[] {
  const violations: PreloadViolation[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const report = (node: ts.Node, problem: string, kind: PreloadViolation['kind'] = 'unfrozen') =>
      violations.push({ file: relative(process.cwd(), file), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, problem, kind });
    const containers = new Map<string, ts.Node>();
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement))
        continue;
      if (ts.isModuleDeclaration(statement) && (statement.flags & ts.NodeFlags.Namespace) === 0) continue;
      if (ts.isEnumDeclaration(statement)) {
        if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ConstKeyword)) report(statement, `enum ${statement.name.text} (compiles to a mutable var)`, 'state');
        continue;
      }
      if (ts.isClassDeclaration(statement)) {
        for (const member of statement.members) {
          if (ts.isPropertyDeclaration(member) && member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
            const readonly = member.modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
            const problem = !readonly ? 'static field not readonly' : member.initializer ? mutability(member.initializer) : undefined;
            if (problem) report(member, `${statement.name?.text}.${member.name.getText()}: ${problem}`);
          }
          if (ts.isClassStaticBlockDeclaration(member)) report(member, `${statement.name?.text}: static block runs at preload`);
        }
        continue;
      }
      if (ts.isVariableStatement(statement)) {
        const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
        for (const declaration of statement.declarationList.declarations) {
          const name = declaration.name.getText();
          if (!isConst) report(declaration, `${name}: module-level let/var is mutable state`, 'state');
          else if (!declaration.initializer) report(declaration, `${name}: const without initializer`);
          else {
            const value = unwrap(declaration.initializer);
            if (ts.isNewExpression(value) && CONTAINERS.test(value.expression.getText())) {
              containers.set(name, declaration);
              continue;
            }
            const problem = mutability(declaration.initializer);
            if (problem) report(declaration, `${name}: ${problem}`);
          }
        }
        continue;
      }
      // Other top-level statements (a loop filling a table) run once, at build time: fine.
    }
    const written = containersWrittenLater(source, new Set(containers.keys()));
    for (const [name, node] of containers) {
      if (written.has(name)) report(node, `${name}: module-level container written after load (state in flash)`, 'state');
    }
  }
  return violations;
}
