/**
 * Light/dark theme: follows prefers-color-scheme until the user picks one, which is remembered.
 * The theme in effect is a data-theme attribute on <html>; the CSS does the rest.
 */
import { createStore } from './store';

export type ThemeChoice = 'auto' | 'light' | 'dark';
const STORAGE_KEY = 'tinybms-gw.theme';
const ORDER: ThemeChoice[] = ['auto', 'light', 'dark'];

function saved(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (value === 'light' || value === 'dark') return value;
  } catch {
    // No storage: follow the system.
  }
  return 'auto';
}

export const themeChoice = createStore<ThemeChoice>(saved());

const systemDark = (): boolean => matchMedia('(prefers-color-scheme: dark)').matches;

/** The theme in effect now. */
export function effectiveTheme(choice = themeChoice.get()): 'light' | 'dark' {
  return choice === 'auto' ? (systemDark() ? 'dark' : 'light') : choice;
}

/** Bumped when the effective theme changes, so canvas charts can repaint their colours. */
export const themeVersion = createStore(0);

function apply(choice: ThemeChoice): void {
  const theme = effectiveTheme(choice);
  const root = document.documentElement;
  if (root.getAttribute('data-theme') === theme) return;
  root.setAttribute('data-theme', theme);
  themeVersion.update((v) => v + 1);
}

export function initTheme(): void {
  apply(themeChoice.get());
  themeChoice.subscribe(apply);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(themeChoice.get()));
}

export function cycleTheme(): void {
  const next = ORDER[(ORDER.indexOf(themeChoice.get()) + 1) % ORDER.length];
  themeChoice.set(next);
  try {
    if (next === 'auto') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered; still applied.
  }
}

/** A CSS custom property's value (for canvas drawing, which cannot use var()). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
