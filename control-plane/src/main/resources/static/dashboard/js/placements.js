// Placements: which vFM version lives on which worker, and how many replicas each vFM has.
import { get } from './api.js';
import { fill, h, table } from './dom.js';
import * as f from './format.js';

export function mount(container) {
  const summary = h('p', { id: 'replica-summary', class: 'muted' });
  const body = h('div');
  container.append(h('h1', {}, 'Placements'), summary, body);

  let shown = null; // what the table shows, to leave it (and the keyboard focus in it) alone

  async function refresh() {
    const [placements, vfms] = await Promise.all([get('/placements'), get('/vfms')]);
    const now = JSON.stringify([placements, vfms.map((v) => [v.id, v.name, v.tenant, v.state])]);
    if (now === shown) return;
    shown = now;
    const names = new Map(vfms.map((v) => [v.id, v]));
    const replicas = {};
    for (const p of placements) replicas[p.vfm] = (replicas[p.vfm] || 0) + 1;
    const unplaced = vfms.filter((v) => !replicas[v.id] && v.state !== 'DELETED');
    fill(summary, `${Object.keys(replicas).length} vFMs placed on ${new Set(placements.map((p) => p.worker)).size} workers`
      + (unplaced.length ? `; not placed: ${unplaced.map((v) => `${v.name} (${v.state})`).join(', ')}` : '') + '.');
    const sorted = placements.slice().sort((a, b) => (names.get(a.vfm)?.name || a.vfm).localeCompare(names.get(b.vfm)?.name || b.vfm) || a.worker.localeCompare(b.worker));
    fill(body, table('placements', [
      { label: 'vFM' }, { label: 'Tenant' }, { label: 'Worker' }, { label: 'Version' }, { label: 'Resident' },
      { label: 'Replicas' }, { label: 'Placed' },
    ], sorted, (p) => {
      const v = names.get(p.vfm);
      return h('tr', { 'data-vfm': p.vfm, 'data-worker': p.worker },
        h('td', {}, h('a', { href: `#/vfms/${encodeURIComponent(p.vfm)}` }, v ? v.name : p.vfm)),
        h('td', {}, v ? v.tenant : '–'), h('td', {}, p.address), h('td', {}, p.version),
        h('td', {}, f.bytes(p.residentBytes)), h('td', {}, replicas[p.vfm]), h('td', {}, f.time(p.placedAt)));
    }, 'No vFM is placed yet: a vFM is placed on a worker when it gets its first version.'));
  }

  return { refresh };
}
