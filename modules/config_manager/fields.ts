/**
 * The few combinators the configuration schema is written in (int, num, bool, text, oneOf,
 * section). A schema is a plain value: validation, defaults, masking and the UI all read it.
 */
import type { TextFormat } from './formats';

interface FieldBase<T> {
  readonly default: T;
  /** Masked in API answers and exports; never logged. */
  readonly secret?: boolean;
  /** Changed only through a dedicated operation (password change, import), never a plain update. */
  readonly readOnly?: boolean;
  /** Phantom: ties the spec to the TypeScript type it describes. */
  readonly __type?: T;
}

export interface NumberField extends FieldBase<number> {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

export interface BooleanField extends FieldBase<boolean> {
  readonly kind: 'boolean';
}

export interface TextField extends FieldBase<string> {
  readonly kind: 'text';
  readonly minLength: number;
  readonly maxLength: number;
  /** An empty string skips the format check when `optional` is set (e.g. "no broker yet"). */
  readonly format?: TextFormat;
  readonly optional?: boolean;
}

export interface ChoiceField<T extends string | number> extends FieldBase<T> {
  readonly kind: 'choice';
  readonly values: readonly T[];
}

export type LeafField = NumberField | BooleanField | TextField | ChoiceField<string | number>;

export interface SectionField<T> {
  readonly kind: 'section';
  readonly fields: { readonly [K in keyof T]: FieldFor<T[K]> };
  readonly __type?: T;
}

/** Non-distributive on purpose: a union of literals ('victron' | 'pylontech') is one choice field. */
export type FieldFor<T> = [T] extends [boolean]
  ? BooleanField
  : [T] extends [number]
    ? NumberField | ChoiceField<T & number>
    : [T] extends [string]
      ? TextField | ChoiceField<T & string>
      : SectionField<T>;

export type AnyField = LeafField | SectionField<object>;

type Options<F, T> = Omit<F, 'kind' | '__type' | 'default' | 'integer'> & { default: T };

type FieldFlags = Pick<FieldBase<unknown>, 'secret' | 'readOnly'>;

function numberField(integer: boolean, defaultValue: number, min: number, max: number, unit?: string, flags?: FieldFlags): NumberField {
  const field: NumberField = { kind: 'number', integer, default: defaultValue, min, max, ...flags };
  return unit === undefined ? field : { ...field, unit };
}

/** A whole number: default, range, unit ("ms", "mV", ...). */
export function int(defaultValue: number, min: number, max: number, unit?: string, flags?: FieldFlags): NumberField {
  return numberField(true, defaultValue, min, max, unit, flags);
}

/** Any finite number: default, range, unit. */
export function num(defaultValue: number, min: number, max: number, unit?: string, flags?: FieldFlags): NumberField {
  return numberField(false, defaultValue, min, max, unit, flags);
}

export function bool(defaultValue: boolean): BooleanField {
  return { kind: 'boolean', default: defaultValue };
}

export function text(options: Options<TextField, string>): TextField {
  return { kind: 'text', ...options };
}

export function oneOf<T extends string | number>(values: readonly T[], defaultValue: T): ChoiceField<T> {
  return { kind: 'choice', values, default: defaultValue };
}

export function section<T>(fields: { readonly [K in keyof T]: FieldFor<T[K]> }): SectionField<T> {
  return { kind: 'section', fields };
}

/** Visit every leaf with its dotted path ("mqtt.keepalive_s"). */
export function forEachLeaf(root: SectionField<object>, visit: (path: string, field: LeafField) => void, prefix = ''): void {
  const fields = root.fields as Record<string, AnyField>;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (field.kind === 'section') forEachLeaf(field, visit, path);
    else visit(path, field);
  }
}

/** The schema's defaults as a fresh, mutable object. */
export function defaultsOf<T>(root: SectionField<T>): T {
  const out: Record<string, unknown> = {};
  const fields = root.fields as Record<string, AnyField>;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    out[key] = field.kind === 'section' ? defaultsOf(field) : field.default;
  }
  // A literal copy, for the same V8 reason as copyPlain (merge.ts): no hash-table sections.
  return { ...out } as T;
}

/** The field at a dotted path, or undefined. */
export function fieldAt(root: SectionField<object>, path: string): AnyField | undefined {
  let node: AnyField = root;
  for (const key of path.split('.')) {
    if (node.kind !== 'section') return undefined;
    const next: AnyField | undefined = (node.fields as Record<string, AnyField>)[key];
    if (!next || !Object.prototype.hasOwnProperty.call(node.fields, key)) return undefined;
    node = next;
  }
  return node;
}
