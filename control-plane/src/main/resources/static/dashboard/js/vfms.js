// vFMs: every vFM the key sees, with its share, queue, rate and latency, sortable and filterable.
import { get } from './api.js';
import { fill, h } from './dom.js';
import * as f from './format.js';

// Each column: what it shows, the value it sorts by, and how that value reads.
const COLUMNS = [
  { key: 'name', label: 'Name', value: (r) => r.view.name },
  { key: 'tenant', label: 'Tenant', value: (r) => r.view.tenant },
  { key: 'backbone', label: 'Backbone', value: (r) => r.view.backbone },
  { key: 'kind', label: 'Kind', value: (r) => r.view.task.kind },
  { key: 'state', label: 'State', value: (r) => r.view.state },
  { key: 'version', label: 'Version', value: (r) => r.view.version, numeric: true },
  { key: 'weight', label: 'Weight', value: (r) => r.view.weight, numeric: true },
  { key: 'share', label: 'Share: achieved / weight', title: 'share of the backbone\u2019s execution time over 30 s, and what the weight entitles it to', value: (r) => r.stats?.achievedShare, numeric: true,
    show: (r) => r.stats ? `${f.percent(r.stats.achievedShare)} / ${f.percent(r.stats.weightShare)}` : '–' },
  { key: 'queued', label: 'Queued', title: 'requests waiting in its queue', value: (r) => r.stats?.queuedRequests, numeric: true },
  { key: 'rps', label: 'Requests', title: 'successful requests per second, last minute', value: (r) => r.stats?.traffic.requestsPerSecond, numeric: true, show: (r) => f.rate(r.stats?.traffic.requestsPerSecond) },
  { key: 'p50', label: 'p50', title: 'median latency, last minute', value: (r) => r.stats?.traffic.p50Ms, numeric: true, show: (r) => f.ms(r.stats?.traffic.p50Ms) },
  { key: 'p99', label: 'p99', title: '99th percentile latency, last minute', value: (r) => r.stats?.traffic.p99Ms, numeric: true, show: (r) => f.ms(r.stats?.traffic.p99Ms) },
  { key: 'rejected', label: 'Rejected', title: '429s (queue full, rate limit), last minute', value: (r) => r.stats?.traffic.rejected, numeric: true },
  { key: 'timeouts', label: 'Timeouts', title: '504s, last minute', value: (r) => r.stats?.traffic.timeouts, numeric: true },
  { key: 'resident', label: 'Resident', title: 'bytes of its own tensors on its worker (the backbone is shared)', value: (r) => r.view.residentBytes, numeric: true, show: (r) => f.bytes(r.view.residentBytes) },
  { key: 'replicas', label: 'Replicas', value: (r) => r.stats?.replicas, numeric: true },
];

const sort = { key: 'name', descending: false };
let filterText = '';

export function mount(container) {
  const filter = h('input', {
    id: 'vfm-filter', type: 'search', placeholder: 'name, tenant, backbone, kind or state',
    'aria-label': 'Filter vFMs', value: filterText,
  });
  const count = h('span', { id: 'vfm-count', class: 'muted', 'aria-live': 'polite' });
  const body = h('div');
  container.append(
    h('h1', {}, 'vFMs'),
    h('div', { class: 'row' }, h('label', { for: 'vfm-filter' }, 'Filter'), filter, count),
    body);
  let rows = [];
  let tbody = null;
  const trs = new Map();

  const headerCell = (c) => h('th', { scope: 'col', title: c.title, 'aria-sort': sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none' },
    h('button', { type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => {
      sort.descending = sort.key === c.key ? !sort.descending : c.numeric === true;
      sort.key = c.key;
      build();
      container.querySelector(`button[data-sort="${c.key}"]`).focus();
    } }, c.label, sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''));

  function visible() {
    const needle = filterText.toLowerCase();
    const shown = rows.filter((r) => !needle || [r.view.name, r.view.tenant, r.view.backbone, r.view.task.kind, r.view.state]
      .some((v) => String(v).toLowerCase().includes(needle)));
    const column = COLUMNS.find((c) => c.key === sort.key);
    shown.sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = column.numeric ? (x ?? -Infinity) - (y ?? -Infinity) : String(x).localeCompare(String(y));
      return (sort.descending ? -order : order) || a.view.name.localeCompare(b.view.name);
    });
    return shown;
  }

  function cells(tr, r) {
    COLUMNS.forEach((c, i) => {
      const text = String(c.show ? c.show(r) : (c.value(r) ?? '–'));
      const td = tr.children[i];
      if (c.key === 'name' || c.key === 'state') {
        const inner = td.firstChild; // the link, or the state's badge
        if (inner.textContent !== text) inner.textContent = text;
        if (c.key === 'state') inner.className = `state state-${text.toLowerCase()}`;
      } else if (td.textContent !== text) {
        td.textContent = text;
      }
    });
  }

  function rowFor(r) {
    let tr = trs.get(r.view.id);
    if (!tr) {
      tr = h('tr', { 'data-vfm': r.view.id }, COLUMNS.map((c) => h('td', { 'data-col': c.key },
        c.key === 'name' ? h('a', { href: `#/vfms/${encodeURIComponent(r.view.id)}` })
          : c.key === 'state' ? h('span', { class: 'state' }) : null)));
      trs.set(r.view.id, tr);
    }
    cells(tr, r);
    return tr;
  }

  // The table is rebuilt when the sort changes; a refresh updates cells in place and moves rows
  // only when the order changed, so keyboard focus and the reader's place survive the polling.
  function build() {
    trs.clear();
    tbody = null;
    render();
  }

  function render() {
    const shown = visible();
    fill(count, `${shown.length} of ${rows.length}`);
    if (!rows.length) {
      tbody = null;
      fill(body, h('p', { class: 'empty', id: 'vfms-empty' },
        'No vFMs yet: create one with POST /vfms, for example ',
        h('code', {}, `curl -H "Authorization: Bearer $KEY" -X POST ${location.origin}/vfms -H 'Content-Type: application/json' -d '{"name":"docs-search","backbone":"all-minilm-l6-v2","task":{"kind":"embedding"}}'`)));
      return;
    }
    if (!tbody) {
      tbody = h('tbody');
      fill(body, h('div', { class: 'scroll' }, h('table', { id: 'vfms', class: 'sortable' },
        h('thead', {}, h('tr', {}, COLUMNS.map(headerCell))), tbody)));
    }
    const wanted = shown.map(rowFor);
    const present = Array.from(tbody.children);
    if (wanted.length !== present.length || wanted.some((tr, i) => tr !== present[i])) {
      fill(tbody, wanted);
    }
    for (const [id, tr] of trs) if (!rows.some((r) => r.view.id === id)) trs.delete(id) && tr.remove();
  }

  filter.addEventListener('input', () => {
    filterText = filter.value;
    render();
  });

  async function refresh() {
    const [list, stats] = await Promise.all([get('/vfms'), get('/stats')]);
    const byId = new Map(stats.vfms.map((s) => [s.vfm, s]));
    rows = list.map((view) => ({ view, stats: byId.get(view.id) }));
    render();
  }

  return { refresh };
}
