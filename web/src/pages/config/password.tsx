/**
 * Web password change (POST /api/security/password). On success the stored credentials are
 * replaced, so the session goes on without a new sign-in.
 */
import { useState } from 'preact/hooks';
import { auth, basicHeader, signIn } from '../../api/auth';
import { apiSend, forgetCsrfToken } from '../../api/client';
import { ApiError } from '../../api/errors';
import { Card } from '../../components/card';
import { Notice } from '../../components/notice';
import { useStore } from '../../state/store';

export function PasswordChange() {
  const user = useStore(auth);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    if (next !== repeat) return setErrors({ repeat: 'the two new passwords differ' });
    setErrors({});
    try {
      await apiSend('POST', '/api/security/password', { current_password: current, new_password: next });
      forgetCsrfToken();
      signIn(user.username ?? 'admin', basicHeader(user.username ?? 'admin', next));
      setCurrent('');
      setNext('');
      setRepeat('');
      setOutcome({ kind: 'ok', text: 'Password changed' });
    } catch (e) {
      if (e instanceof ApiError) setErrors(Object.fromEntries(Object.entries(e.byField()).map(([field, messages]) => [field, messages.join('; ')])));
      setOutcome({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };

  const field = (name: string, label: string, value: string, set: (v: string) => void, autocomplete: string) => (
    <label class={`field ${errors[name] ? 'has-error' : ''}`}>
      <span class="field-label">{label}</span>
      <input type="password" autocomplete={autocomplete} value={value} onInput={(e) => set(e.currentTarget.value)} required />
      <div class="field-error">{errors[name]}</div>
    </label>
  );

  return (
    <Card title="Web password">
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <form class="form-grid" onSubmit={submit}>
        {field('current_password', 'Current password', current, setCurrent, 'current-password')}
        {field('new_password', 'New password', next, setNext, 'new-password')}
        {field('repeat', 'New password again', repeat, setRepeat, 'new-password')}
        <div class="field">
          <span class="field-label">&nbsp;</span>
          <button type="submit" class="primary">
            Change password
          </button>
        </div>
      </form>
    </Card>
  );
}
