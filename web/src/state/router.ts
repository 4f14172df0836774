/** Hash routing (#/alerts): works from any path the gateway serves index.html on, no server routes needed. */
import { createStore } from './store';

export const PAGES = [
  { id: 'dashboard', title: 'Dashboard' },
  { id: 'charts', title: 'Live charts' },
  { id: 'alerts', title: 'Alerts' },
  { id: 'history', title: 'History' },
  { id: 'config', title: 'Configuration' },
  { id: 'registers', title: 'BMS settings' },
  { id: 'uart', title: 'UART monitor' },
  { id: 'can', title: 'CAN monitor' },
  { id: 'diagnostics', title: 'Diagnostics' },
  { id: 'simulator', title: 'Simulator' },
  { id: 'ota', title: 'Firmware update' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

function fromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (PAGES.find((p) => p.id === id)?.id ?? 'dashboard') as PageId;
}

export const currentPage = createStore<PageId>(fromHash());


export function initRouter(): void {
  addEventListener('hashchange', () => currentPage.set(fromHash()));
}
