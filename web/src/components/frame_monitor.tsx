/**
 * A live frame log for /ws/uart or /ws/can: newest first, bounded, pausable, filterable,
 * each frame as hex bytes plus the gateway's decoded fields. Link counters sit on top.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { openLiveSocket, type SocketState } from '../api/socket';
import { useApi } from '../state/use_api';
import { clockTime } from '../format';
import { Card } from './card';
import { inlineFields, JsonView } from './json_view';

export interface MonitorFrame {
  receivedAt: number;
  direction?: string;
  /** CAN identifier or UART command name. */
  label?: string;
  /** Tooltip for the label (e.g. what a CAN id carries). */
  labelHint?: string;
  hex: string;
  decoded?: Record<string, unknown> | null;
}

export interface FrameMonitorProps {
  title: string;
  socketPath: string;
  statusPath: string;
  /** Turns a socket message into a frame, or null to ignore it. */
  parse: (message: unknown) => MonitorFrame | null;
  testId: string;
}

const KEEP = 200;

/** "aa0914" → "AA 09 14" */
export function spacedHex(hex: string): string {
  return (hex.replace(/[^0-9a-f]/gi, '').match(/../g) ?? []).join(' ').toUpperCase();
}

export function FrameMonitor(props: FrameMonitorProps) {
  const [frames, setFrames] = useState<MonitorFrame[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [state, setState] = useState<SocketState>('connecting');
  const [total, setTotal] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const counters = useApi<unknown>(props.statusPath, { intervalMs: 5000 });

  useEffect(() => {
    const socket = openLiveSocket(props.socketPath, (message) => {
      const frame = props.parse(message);
      if (!frame) return;
      setTotal((t) => t + 1);
      if (!pausedRef.current) setFrames((list) => [frame, ...list].slice(0, KEEP));
    });
    const unsubscribe = socket.state.subscribe(setState);
    return () => {
      unsubscribe();
      socket.stop();
    };
  }, [props.socketPath]);

  const needle = filter.trim().toLowerCase();
  const shown = needle ? frames.filter((f) => `${f.label ?? ''} ${f.direction ?? ''} ${f.hex} ${inlineFields(f.decoded)}`.toLowerCase().includes(needle)) : frames;

  return (
    <div class="page monitor">
      <Card title={`${props.title} link`}>{counters.error ? <p class="muted">{counters.error.message}</p> : <JsonView value={counters.data} />}</Card>
      <Card
        title={`${props.title} frames`}
        testId={props.testId}
        actions={
          <>
            <span class={`badge level-${state === 'open' ? 'up' : state === 'connecting' ? 'warn' : 'down'}`}>
              <span class="dot" aria-hidden="true" />
              <span class="badge-state">{state}</span>
            </span>
            <input type="search" placeholder="Filter (id, hex, field)" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} aria-label="Filter frames" />
            <button type="button" onClick={() => setPaused((p) => !p)}>
              {paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" onClick={() => setFrames([])}>
              Clear
            </button>
          </>
        }
      >
        <p class="muted small">
          {total} frames received, showing {shown.length} (last {KEEP} kept){paused ? ' — paused' : ''}
        </p>
        <div class="table-wrap">
          <table class="frames">
            <thead>
              <tr>
                <th>Time</th>
                <th>Dir</th>
                <th>Id / command</th>
                <th>Bytes</th>
                <th>Decoded</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((f, i) => (
                <tr key={`${f.receivedAt}-${i}`} class={`dir-${f.direction ?? 'rx'}`}>
                  <td class="mono muted">{clockTime(f.receivedAt)}</td>
                  <td class="mono">{f.direction ?? ''}</td>
                  <td class="mono" title={f.labelHint}>
                    {f.label ?? ''}
                  </td>
                  <td class="mono hex">{spacedHex(f.hex)}</td>
                  <td class="decoded">{inlineFields(f.decoded)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
