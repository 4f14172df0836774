/** One configuration input, typed from its schema field, with the server's errors under it. */
import type { LeafField } from '../../../../modules/config_manager/fields';
import { SECRET_MASK } from '../../../../modules/config_manager/schema';
import { labelFor, type FormField, type FormValue } from './model';

export interface ConfigFieldProps {
  spec: FormField;
  value: FormValue;
  changed: boolean;
  errors: string[] | undefined;
  onChange: (path: string, value: FormValue) => void;
}

function rangeHint(field: LeafField): string {
  if (field.kind === 'number') return `${field.min} – ${field.max}${field.unit ? ` ${field.unit}` : ''}`;
  if (field.kind === 'text' && field.maxLength) return `${field.optional ? 'optional, ' : ''}max ${field.maxLength} characters`;
  return '';
}

function Input({ spec, value, onChange, invalid }: Omit<ConfigFieldProps, 'errors' | 'changed'> & { invalid: boolean }) {
  const { field, path } = spec;
  const common = { id: `cfg-${path}`, name: path, 'data-testid': `cfg-${path}`, 'aria-invalid': invalid, 'aria-describedby': `hint-${path} err-${path}` };
  if (field.kind === 'boolean') {
    return <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(path, e.currentTarget.checked)} />;
  }
  if (field.kind === 'choice') {
    return (
      <select {...common} value={String(value)} onChange={(e) => onChange(path, e.currentTarget.value)}>
        {field.values.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    );
  }
  const text = String(value);
  if (field.kind === 'text' && field.format === 'pem') {
    return <textarea {...common} rows={3} spellcheck={false} value={text} placeholder="-----BEGIN CERTIFICATE-----" onInput={(e) => onChange(path, e.currentTarget.value)} />;
  }
  if (field.kind === 'number') {
    // type=text + inputmode: the browser must not swallow a bad entry; the gateway explains it.
    return <input type="text" inputMode={field.integer ? 'numeric' : 'decimal'} {...common} value={text} onInput={(e) => onChange(path, e.currentTarget.value)} />;
  }
  if (field.secret) {
    return (
      <input
        type="password"
        autocomplete="new-password"
        {...common}
        value={text}
        onFocus={(e) => e.currentTarget.value === SECRET_MASK && e.currentTarget.select()}
        onInput={(e) => onChange(path, e.currentTarget.value)}
      />
    );
  }
  return <input type="text" autocomplete="off" {...common} value={text} onInput={(e) => onChange(path, e.currentTarget.value)} />;
}

export function ConfigField(props: ConfigFieldProps) {
  const { spec, errors, changed } = props;
  const invalid = !!errors && errors.length > 0;
  const hint = rangeHint(spec.field);
  return (
    <div class={`field ${invalid ? 'has-error' : ''} ${changed ? 'is-changed' : ''} ${spec.field.kind === 'boolean' ? 'field-check' : ''}`} data-field={spec.path}>
      <label class="field-label" for={`cfg-${spec.path}`}>
        {labelFor(spec.key)}
        {spec.field.kind === 'number' && spec.field.unit && <span class="unit"> ({spec.field.unit})</span>}
      </label>
      <Input spec={spec} value={props.value} onChange={props.onChange} invalid={invalid} />
      {hint && (
        <div class="field-hint" id={`hint-${spec.path}`}>
          {hint}
          {spec.field.secret ? ' · secret, shown masked' : ''}
        </div>
      )}
      <div class="field-error" id={`err-${spec.path}`} data-testid={`err-${spec.path}`} role={invalid ? 'alert' : undefined}>
        {errors?.map((message, i) => <div key={i}>{message}</div>)}
      </div>
    </div>
  );
}
