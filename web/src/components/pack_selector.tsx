/** Several packs: choose the bank (default) or one pack for the battery cards. Hidden with a single pack. */
import type { PackStatus } from '../api/types';

export function PackSelector(props: { packs: PackStatus[]; selected: number; onSelect: (pack: number) => void }) {
  if (props.packs.length < 2) return null;
  const choices = [{ pack: 0, label: 'Bank', down: false }, ...props.packs.map((p) => ({ pack: p.pack, label: `Pack ${p.pack}`, down: p.data_valid === false }))];
  return (
    <nav class="chips pack-selector" role="tablist" aria-label="Battery shown" data-testid="pack-selector">
      {choices.map((c) => (
        <button
          key={c.pack}
          type="button"
          role="tab"
          aria-selected={c.pack === props.selected}
          class={`chip ${c.pack === props.selected ? 'active' : ''} ${c.down ? 'level-down' : ''}`}
          data-testid={`pack-choice-${c.pack}`}
          title={c.down ? 'No fresh data from this pack' : undefined}
          onClick={() => props.onSelect(c.pack)}
        >
          {c.label}
        </button>
      ))}
    </nav>
  );
}
