/** A titled panel, the building block of every page. */
import type { ComponentChildren } from 'preact';

export function Card(props: { title?: string; class?: string; actions?: ComponentChildren; children: ComponentChildren; testId?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testId}>
      {(props.title || props.actions) && (
        <header class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}
