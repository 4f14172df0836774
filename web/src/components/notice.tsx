/** An inline message: an error, a warning or a confirmation. */
import type { ComponentChildren } from 'preact';

export function Notice(props: { kind: 'error' | 'warn' | 'ok' | 'info'; children: ComponentChildren; testId?: string }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      {props.children}
    </div>
  );
}
