/** Entry point: theme first (before the first paint of the app), then live data, then render. */
import 'uplot/dist/uPlot.min.css';
import './styles/app.css';
import { render } from 'preact';
import { App } from './app';
import { startAlerts } from './state/alerts';
import { startLiveData } from './state/live';
import { initRouter } from './state/router';
import { initTheme } from './state/theme';

initTheme();
initRouter();
startLiveData();
startAlerts();
render(<App />, document.getElementById('app')!);
