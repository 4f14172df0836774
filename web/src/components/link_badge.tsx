/** A link's state as a coloured dot and a word (Wi-Fi, MQTT, CAN, UART). */
import { linkLevel } from '../api/normalize';
import type { LinkStatus } from '../api/types';

export function LinkBadge(props: { name: string; link: LinkStatus | undefined }) {
  const { level, label } = linkLevel(props.link);
  return (
    <span class={`badge level-${level}`} data-testid={`link-${props.name.toLowerCase()}`} data-level={level}>
      <span class="dot" aria-hidden="true" />
      <span class="badge-name">{props.name}</span>
      <span class="badge-state">{label}</span>
    </span>
  );
}
