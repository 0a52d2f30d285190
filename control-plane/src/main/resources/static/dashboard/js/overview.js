// Overview: the backbones, the workers that hold them, and the platform's traffic at a glance.
import { get } from './api.js';
import { fill, h, table } from './dom.js';
import * as f from './format.js';

export function mount(container, params, context) {
  const totals = h('dl', { id: 'totals', class: 'tiles' });
  const states = h('p', { id: 'vfm-states', class: 'muted' });
  const backbones = h('div');
  const workers = h('div');
  container.append(
    h('h1', {}, 'Overview'),
    h('section', { 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, 'Traffic, last minute'), totals, states),
    h('section', { 'aria-labelledby': 'backbones-title' }, h('h2', { id: 'backbones-title' }, 'Backbones'), backbones),
    h('section', { 'aria-labelledby': 'workers-title' }, h('h2', { id: 'workers-title' }, 'Workers'), workers));

  async function refresh() {
    const [stats, list, bbs, ws] = await Promise.all([
      get('/stats'),
      get('/vfms'),
      get('/backbones'),
      context.admin ? get('/workers') : Promise.resolve(null),
    ]);
    const t = stats.totals;
    const tile = (key, label, value) => h('div', { class: 'tile' }, h('dt', {}, label), h('dd', { 'data-total': key }, value));
    fill(totals,
      tile('requestsPerSecond', 'Requests', f.rate(t.requestsPerSecond)),
      tile('p50Ms', 'p50 latency', f.ms(t.p50Ms)),
      tile('p99Ms', 'p99 latency', f.ms(t.p99Ms)),
      tile('errors', 'Errors (5xx)', f.count(t.errors)),
      tile('rejected', 'Rejected (429)', f.count(t.rejected)),
      tile('timeouts', 'Timeouts (504)', f.count(t.timeouts)));
    const byState = {};
    for (const v of stats.vfms) byState[v.state] = (byState[v.state] || 0) + 1;
    fill(states, stats.vfms.length
      ? `${stats.vfms.length} vFMs: ${Object.entries(byState).map(([s, n]) => `${n} ${s}`).join(', ')}.`
      : h('span', { class: 'empty' }, 'No vFMs yet: create one with POST /vfms (see the README walk-through), then open vFMs.'));

    const holders = {};
    for (const w of ws || []) for (const b of w.backbones) (holders[b] = holders[b] || []).push(w.address);
    fill(backbones, table('backbones', [
      { label: 'Name' }, { label: 'Family' }, { label: 'Modality' }, { label: 'Size', title: 'bytes of weights as loaded' },
      { label: 'Layers' }, { label: 'Hidden' }, { label: 'Max input', title: 'positions one input may use' },
      { label: 'Workers', title: 'workers holding it' }, { label: 'vFMs' },
    ], bbs, (b) => h('tr', { 'data-backbone': b.name },
      h('td', {}, b.name), h('td', {}, b.family), h('td', {}, b.modality), h('td', {}, f.bytes(b.parameterBytes)),
      h('td', {}, b.layers), h('td', {}, b.hiddenSize), h('td', {}, `${b.maxInputTokens} positions`),
      h('td', {}, ws ? (holders[b.name] || []).join(', ') || 'none' : 'admin only'),
      h('td', {}, list.filter((v) => v.backbone === b.name).length)),
    'No backbones loaded: start a worker (the standalone server loads all-minilm-l6-v2).'));

    if (!ws) {
      fill(workers, h('p', { class: 'muted' }, 'Workers are shown to admin keys only.'));
      return;
    }
    const now = Date.now();
    fill(workers, table('workers', [
      { label: 'Worker' }, { label: 'State' }, { label: 'Memory used / budget' }, { label: 'Backbones' },
      { label: 'vFMs' }, { label: 'Last heartbeat' },
    ], ws, (w) => h('tr', { 'data-worker': w.id },
      h('td', {}, w.address), h('td', {}, h('span', { class: `state state-${w.state.toLowerCase()}` }, w.state)),
      h('td', {}, h('meter', { min: 0, max: w.memoryBudgetBytes, value: w.usedBytes, 'aria-label': 'memory used' }),
        ` ${f.bytes(w.usedBytes)} / ${f.bytes(w.memoryBudgetBytes)}`),
      h('td', {}, w.backbones.join(', ')), h('td', {}, w.placements), h('td', {}, f.ago(w.lastHeartbeat, now))),
    'No workers registered: start one with the inference-worker jar (README, Running distributed).'));
  }

  return { refresh };
}

