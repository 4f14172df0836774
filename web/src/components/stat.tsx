/** One labelled value (pack voltage, CVL …). */
export function Stat(props: { label: string; value: string; hint?: string; tone?: 'good' | 'warn' | 'bad'; testId?: string }) {
  return (
    <div class={`stat ${props.tone ? `tone-${props.tone}` : ''}`} title={props.hint}>
      <div class="stat-label">{props.label}</div>
      <div class="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
    </div>
  );
}
