/** A button for destructive actions: the first click arms it, the second (within 4 s) acts. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function ConfirmButton(props: { onConfirm: () => void; children: ComponentChildren; disabled?: boolean; class?: string; testId?: string }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      class={`${props.class ?? ''} ${armed ? 'danger armed' : ''}`}
      disabled={props.disabled}
      data-testid={props.testId}
      onClick={() => {
        if (!armed) return setArmed(true);
        setArmed(false);
        props.onConfirm();
      }}
    >
      {armed ? 'Click again to confirm' : props.children}
    </button>
  );
}
