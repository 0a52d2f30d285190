// The dashboard shell: log in, route #/view fragments to views, refresh the shown view live.
import { ApiError, call, get, onUnauthenticated, session } from './api.js';
import { fill } from './dom.js';
import { showProblem } from './problem.js';
import * as overview from './overview.js';
import * as vfms from './vfms.js';
import * as vfm from './vfm.js';
import * as placements from './placements.js';

/** How often the shown view asks the server again, in milliseconds (?refresh=ms overrides). */
const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh')) || 2000;

const $ = (id) => document.getElementById(id);
const context = { admin: false };
let current = null; // { view, handle, timer }
let refreshes = 0;

function route() {
  const [name, id] = (location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  if (name === 'vfms' && id) return { view: vfm, params: { id: decoded(id) }, nav: 'vfms' };
  if (name === 'vfms') return { view: vfms, params: {}, nav: 'vfms' };
  if (name === 'placements') return { view: placements, params: {}, nav: 'placements' };
  return { view: overview, params: {}, nav: 'overview' };
}

/** An id from the address; a broken escape is passed on as typed (the server says 404). */
function decoded(id) {
  try {
    return decodeURIComponent(id);
  } catch (e) {
    return id;
  }
}

function stop() {
  if (!current) return;
  clearTimeout(current.timer);
  current.stopped = true;
  if (current.handle && current.handle.unmount) current.handle.unmount();
  current = null;
}

async function show() {
  stop();
  if (!session.key()) return showLogin();
  const { view, params, nav } = route();
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const container = fill($('view'));
  const mine = { view, stopped: false };
  current = mine;
  mine.handle = view.mount(container, params, context);
  const tick = async () => {
    if (mine.stopped) return;
    try {
      await mine.handle.refresh();
      if (mine.stopped) return; // the view changed while this refresh was on its way
      refreshes++;
      const live = $('live');
      live.hidden = false;
      live.dataset.refreshes = String(refreshes);
      live.textContent = `live · updated ${new Date().toLocaleTimeString('en-GB', { hour12: false })}`;
      live.classList.remove('stale');
    } catch (e) {
      if (mine.stopped) return;
      $('live').textContent = `not updated: ${e.message}`;
      $('live').classList.add('stale');
    }
    if (!mine.stopped) mine.timer = setTimeout(tick, REFRESH_MS);
  };
  await tick();
}

function showLogin(message) {
  stop();
  $('view').hidden = true;
  $('nav').hidden = true;
  $('logout').hidden = true;
  $('live').hidden = true;
  $('login-view').hidden = false;
  if (message) showProblem($('login-error'), message);
  $('key').focus();
}

async function showApp() {
  $('login-view').hidden = true;
  $('login-error').hidden = true;
  $('view').hidden = false;
  $('nav').hidden = false;
  $('logout').hidden = false;
  // Workers and placements are the admin's; a tenant-admin's key is refused there (403).
  try {
    await get('/workers');
    context.admin = true;
  } catch (e) {
    // Only a 403 says the key is not the admin's; another failure is shown by the views.
    context.admin = !(e instanceof ApiError && e.status === 403);
  }
  document.querySelector('#nav a[data-view="placements"]').hidden = !context.admin;
  await show();
}

async function logIn(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  try {
    // /stats answers every key that may use the dashboard (admin, tenant-admin).
    await call('GET', '/stats', undefined, key);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      e.problem.detail = `${e.problem.detail || ''} The dashboard needs an admin or tenant-admin key.`.trim();
    }
    showProblem($('login-error'), e, 'Log in');
    return;
  }
  session.set(key);
  $('key').value = '';
  await showApp();
  $('main').focus();
}

function logOut() {
  session.clear();
  context.admin = false;
  showLogin();
}

onUnauthenticated((error) => {
  session.clear();
  showLogin(error);
});

$('login').addEventListener('submit', logIn);
$('logout').addEventListener('click', logOut);
window.addEventListener('hashchange', () => session.key() && show());

if (session.key()) showApp();
else showLogin();
