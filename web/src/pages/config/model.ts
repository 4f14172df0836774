/**
 * The configuration form's data: one editable string/boolean per schema leaf, read from the
 * server's config and turned back into a partial update holding only what the user changed.
 * The schema (types, ranges, units, secrecy) is the core's own, so the form always matches it.
 */
import type { AnyField, LeafField, SectionField } from '../../../../modules/config_manager/fields';
import { labelFor, SECTION_TITLES } from '../../../../modules/config_manager/labels';
import { CONFIG_SCHEMA } from '../../../../modules/config_manager/schema';

export { labelFor };

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export interface FormField {
  path: string;
  key: string;
  field: LeafField;
}

export interface FormSection {
  id: string;
  title: string;
  fields: FormField[];
}


/** Sections and their editable leaves; read-only fields (version, password hash) are left out. */
export function formSections(): FormSection[] {
  const out: FormSection[] = [];
  const sections = CONFIG_SCHEMA.fields as Record<string, AnyField>;
  for (const id of Object.keys(sections)) {
    const section = sections[id];
    if (section.kind !== 'section') continue;
    const fields: FormField[] = [];
    for (const [key, field] of Object.entries((section as SectionField<object>).fields as Record<string, AnyField>)) {
      if (field.kind === 'section' || field.readOnly) continue;
      fields.push({ path: `${id}.${key}`, key, field });
    }
    if (fields.length > 0) out.push({ id, title: SECTION_TITLES[id] ?? id, fields });
  }
  return out;
}


/** The form's values for a config answered by the server. */
export function toFormValues(config: unknown, sections: FormSection[]): FormValues {
  const out: FormValues = {};
  for (const section of sections) {
    const values = (config as Record<string, Record<string, unknown> | undefined> | null)?.[section.id];
    for (const { path, key, field } of section.fields) {
      const value = values?.[key];
      out[path] = field.kind === 'boolean' ? value === true : value === undefined || value === null ? '' : String(value);
    }
  }
  return out;
}

/** What a form value means for the server: numbers as numbers when they parse, otherwise the text as typed (the server then says why). */
function toWire(field: LeafField, value: FormValue): unknown {
  if (field.kind === 'boolean') return value === true;
  const text = String(value);
  const numeric = field.kind === 'number' || (field.kind === 'choice' && typeof field.values[0] === 'number');
  if (numeric && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** A partial update with only the changed leaves ({ mqtt: { keepalive_s: 30 } }), and how many there are. */
export function changesOf(sections: FormSection[], original: FormValues, edited: FormValues): { patch: Record<string, Record<string, unknown>>; count: number } {
  const patch: Record<string, Record<string, unknown>> = {};
  let count = 0;
  for (const section of sections) {
    for (const { path, key, field } of section.fields) {
      if (edited[path] === original[path]) continue;
      (patch[section.id] ??= {})[key] = toWire(field, edited[path]);
      count++;
    }
  }
  return { patch, count };
}
