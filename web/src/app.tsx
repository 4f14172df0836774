/** The shell: header (summary, theme, sign-out), navigation, and the current page. */
import type { FunctionComponent } from 'preact';
import { useEffect } from 'preact/hooks';
import { auth } from './api/auth';
import { endSession } from './api/client';
import { DefaultPasswordBanner } from './components/default_password_banner';
import { fixed } from './format';
import { AlertsPage } from './pages/alerts';
import { ChartsPage } from './pages/charts';
import { ConfigPage } from './pages/config/page';
import { DashboardPage } from './pages/dashboard';
import { DiagnosticsPage } from './pages/diagnostics';
import { HistoryPage } from './pages/history';
import { CanMonitorPage, UartMonitorPage } from './pages/monitors';
import { OtaPage } from './pages/ota';
import { RegistersPage } from './pages/registers/page';
import { StorageBanner } from './components/storage_banner';
import { activeAlerts } from './state/alerts';
import { battery, isStale, status } from './state/live';
import { currentPage, PAGES, type PageId } from './state/router';
import { SimulatorPage } from './pages/simulator';
import { useStore } from './state/store';
import { cycleTheme, themeChoice } from './state/theme';

const VIEWS: Record<PageId, FunctionComponent> = {
  dashboard: DashboardPage,
  charts: ChartsPage,
  alerts: AlertsPage,
  history: HistoryPage,
  config: ConfigPage,
  registers: RegistersPage,
  uart: UartMonitorPage,
  can: CanMonitorPage,
  diagnostics: DiagnosticsPage,
  ota: OtaPage,
  simulator: SimulatorPage,
};

const THEME_LABEL = { auto: '◐ Auto', light: '☀ Light', dark: '☾ Dark' } as const;

function Header() {
  const live = useStore(battery);
  const theme = useStore(themeChoice);
  const user = useStore(auth);
  const stale = isStale(live);
  return (
    <header class="topbar">
      <a class="brand" href="#/dashboard">
        <img src="favicon.svg" alt="" width={22} height={22} />
        TinyBMS-GW
      </a>
      <div class={`summary ${stale ? 'is-stale' : ''}`} aria-live="polite">
        <span title="State of charge">{fixed(live?.data.state_of_charge_pct, 0, '%')}</span>
        <span title="Power">{fixed(live?.data.power_w, 0, 'W')}</span>
      </div>
      <div class="topbar-actions">
        <button type="button" class="ghost" onClick={cycleTheme} data-testid="theme-toggle" data-theme-choice={theme} title="Theme: follow the system, light or dark" aria-label={`Theme: ${theme}`}>
          {THEME_LABEL[theme]}
        </button>
        {user.header && (
          <button
            type="button"
            class="ghost"
            title={`Signed in as ${user.username}`}
            data-testid="sign-out"
            onClick={() => void endSession()}
          >
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}

function Nav(props: { page: PageId }) {
  const alerts = useStore(activeAlerts);
  const gateway = useStore(status);
  // Offered where the host serves the simulator (/api/status features).
  const simulator = (gateway?.features as { simulator?: boolean } | undefined)?.simulator === true;
  // On a phone the nav is one scrolling row: keep the current page's link in view.
  useEffect(() => document.querySelector('.sidenav a.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' }), [props.page]);
  const unacknowledged = (alerts ?? []).filter((a) => !a.acknowledged).length;
  return (
    <nav class="sidenav" aria-label="Pages">
      {PAGES.filter((p) => p.id !== 'simulator' || simulator).map((p) => (
        <a key={p.id} href={`#/${p.id}`} class={p.id === props.page ? 'active' : ''} aria-current={p.id === props.page ? 'page' : undefined} data-testid={`nav-${p.id}`}>
          {p.title}
          {p.id === 'alerts' && unacknowledged > 0 && (
            <span class="count bad" data-testid="alert-count">
              {unacknowledged}
            </span>
          )}
        </a>
      ))}
    </nav>
  );
}

export function App() {
  const page = useStore(currentPage);
  const View = VIEWS[page];
  const title = PAGES.find((p) => p.id === page)?.title ?? '';
  return (
    <div class="layout">
      <Header />
      <Nav page={page} />
      <main class="content" data-page={page}>
        <StorageBanner />
        <DefaultPasswordBanner />
        <h1 class="page-title">{title}</h1>
        <View />
      </main>
    </div>
  );
}
