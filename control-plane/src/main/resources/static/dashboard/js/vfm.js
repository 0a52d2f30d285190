// One vFM: its task, versions, audit trail, live charts, and the actions that steer it.
import { call, del, get, patch, post, seg } from './api.js';
import { lineChart } from './charts.js';
import { fill, h, table } from './dom.js';
import * as f from './format.js';
import { showOk, showProblem } from './problem.js';

// Which lifecycle action each state allows (the server decides; this only greys out buttons).
const ALLOWED = {
  pause: ['ACTIVE'],
  resume: ['PAUSED'],
  deploy: ['FAILED', 'CREATED'],
};

export function mount(container, params) {
  const id = params.id;
  const base = `/vfms/${seg(id)}`;
  const title = h('h1', { id: 'vfm-name' }, 'vFM');
  const state = h('span', { id: 'vfm-state', class: 'state' });
  const facts = h('dl', { id: 'vfm-facts', class: 'facts wide' });
  const status = h('div', { id: 'problem', role: 'alert', hidden: true });
  const live = h('dl', { id: 'vfm-live', class: 'tiles' });
  const composition = h('p', { id: 'batch-composition', class: 'muted' });
  const versions = h('div');
  const training = h('div');
  const events = h('div');
  const files = { chosen: [] };

  const button = (action, label, handler, cls) => h('button', { type: 'button', id: `action-${action}`, class: cls, onclick: handler }, label);
  const act = (action) => async () => {
    await run(`${action[0].toUpperCase()}${action.slice(1)}`, () => post(`${base}/${action}`), (v) => `${v.name} is ${v.state}`);
  };
  const buttons = {
    pause: button('pause', 'Pause', act('pause')),
    resume: button('resume', 'Resume', act('resume')),
    deploy: button('deploy', 'Deploy', act('deploy')),
  };
  const actions = h('div', { class: 'row actions' },
    buttons.pause, buttons.resume, buttons.deploy,
    button('delete', 'Delete…', confirmDelete, 'danger'));

  const weight = h('input', { id: 'weight', type: 'number', step: 'any', 'aria-describedby': 'weight-help' });
  const weightForm = h('form', { id: 'weight-form', class: 'row', onsubmit: (e) => {
    e.preventDefault();
    run('Change weight', () => patch(base, { weight: Number(weight.value) }), (v) => `weight is ${v.weight}`);
  } }, h('label', { for: 'weight' }, 'Weight'), weight,
  h('button', { type: 'submit' }, 'Set weight'),
  h('span', { id: 'weight-help', class: 'muted' }, 'fair-share weight, in (0, 1000]'));

  const maxInputs = h('input', { id: 'max-inputs', type: 'number', step: '1', 'aria-describedby': 'quota-help' });
  const quotaForm = h('form', { id: 'quota-form', class: 'row', onsubmit: (e) => {
    e.preventDefault();
    const value = maxInputs.value.trim();
    run('Change quota', () => patch(base, { quota: { maxInputsPerRequest: value === '' ? null : Number(value) } }),
      (v) => `max inputs per request: ${v.quota?.maxInputsPerRequest ?? 'the worker default'}`);
  } }, h('label', { for: 'max-inputs' }, 'Max inputs per request'), maxInputs,
  h('button', { type: 'submit' }, 'Set quota'),
  h('span', { id: 'quota-help', class: 'muted' }, 'empty: the worker\u2019s default'));

  // Upload: drop the files PEFT's save_pretrained wrote (or the folder), or choose them.
  const picker = h('input', { id: 'upload-files', type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1' });
  const chosen = h('ul', { id: 'upload-chosen', class: 'files' });
  const upload = h('button', { type: 'button', id: 'upload-submit', disabled: true, onclick: () => {
    const form = new FormData();
    for (const file of files.chosen) form.append('files', file, file.name);
    run('Upload', () => call('POST', `${base}/versions`, form), (v) => `version ${v.version} uploaded`)
      .then((ok) => ok && choose([]));
  } }, 'Upload as a new version');
  const drop = h('div', {
    id: 'upload-drop', class: 'drop', role: 'button', tabindex: '0',
    'aria-describedby': 'upload-help',
    onclick: () => picker.click(),
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); picker.click(); } },
    ondragover: (e) => { e.preventDefault(); drop.classList.add('over'); },
    ondragleave: () => drop.classList.remove('over'),
    ondrop: async (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      choose(await droppedFiles(e.dataTransfer));
    },
  }, 'Drop the PEFT folder or its files here, or press Enter to choose them');
  picker.addEventListener('change', () => {
    choose(Array.from(picker.files));
    picker.value = ''; // the next choice replaces this one instead of adding to it
  });
  function choose(list) {
    files.chosen = list;
    fill(chosen, list.map((file) => h('li', {}, `${file.name} (${f.bytes(file.size)})`)));
    upload.disabled = list.length === 0;
  }

  const charts = h('div', { class: 'charts' });
  const latencyBox = h('div', { id: 'chart-latency', class: 'chart' });
  const throughputBox = h('div', { id: 'chart-throughput', class: 'chart' });
  const batchBox = h('div', { id: 'chart-batch', class: 'chart' });
  charts.append(latencyBox, throughputBox, batchBox);

  container.append(
    h('p', {}, h('a', { href: '#/vfms' }, '← all vFMs')),
    h('div', { class: 'row' }, title, state),
    facts,
    status,
    h('section', { 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), actions, weightForm, quotaForm,
      h('h3', {}, 'Upload a version'),
      h('p', { id: 'upload-help', class: 'muted' }, 'adapter_config.json and adapter_model.safetensors (LoRA, prompt tuning) and the head files the task needs; see the README, Versions.'),
      drop, picker, chosen, upload),
    h('section', { 'aria-labelledby': 'live-title' }, h('h2', { id: 'live-title' }, 'Last minute'), live, composition),
    h('section', { 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Last 5 minutes'), charts),
    h('section', { 'aria-labelledby': 'versions-title' }, h('h2', { id: 'versions-title' }, 'Versions'), versions),
    h('section', { 'aria-labelledby': 'training-title' }, h('h2', { id: 'training-title' }, 'Training jobs'), training),
    h('section', { 'aria-labelledby': 'events-title' }, h('h2', { id: 'events-title' }, 'Audit trail'), events));

  const latency = lineChart(latencyBox, 'Latency', [{ label: 'p50', unit: 'ms' }, { label: 'p99', unit: 'ms' }]);
  const throughput = lineChart(throughputBox, 'Throughput', [{ label: 'served', unit: 'req/s' }, { label: 'rejected', unit: 'req/s' }, { label: 'failed', unit: 'req/s' }]);
  const batch = lineChart(batchBox, 'Batch composition', [{ label: 'mean vFMs per batch', unit: 'vFMs' }, { label: 'most vFMs in a batch', unit: 'vFMs' }]);
  let seen = null; // the vFM as last shown, for the form defaults

  async function run(doing, request, success) {
    let v;
    try {
      v = await request();
    } catch (e) {
      showProblem(status, e, doing);
      return false;
    }
    try {
      await refresh(); // the page shows the change before it says it is done
    } catch (e) {
      // the next tick of the live refresh tries again
    }
    showOk(status, success(v));
    return true;
  }

  const dialog = document.getElementById('confirm');
  function confirmDelete() {
    fill(document.getElementById('confirm-title'), `Delete ${seen ? seen.name : id}?`);
    fill(document.getElementById('confirm-text'), 'Its versions and artifacts are removed and it stops serving at once; its audit trail stays. This cannot be undone.');
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  }
  async function onClose() {
    if (dialog.returnValue !== 'ok') return;
    try {
      await del(base);
      location.hash = '#/vfms';
    } catch (e) {
      showProblem(status, e, 'Delete');
    }
  }
  dialog.addEventListener('close', onClose);

  // Refreshes overlap (the live tick, the one after an action): only the newest may draw, and
  // nothing draws once the view is gone.
  let generation = 0;
  let mounted = true;

  async function refresh() {
    const mine = ++generation;
    const [v, stats, history, vs, es, jobs] = await Promise.all([
      get(base), get(`${base}/stats`), get(`${base}/history`), get(`${base}/versions`), get(`${base}/events`),
      get(`${base}/training-jobs`),
    ]);
    if (!mounted || mine !== generation) return;
    const first = seen === null;
    seen = v;
    fill(title, v.name);
    fill(state, v.state);
    state.className = `state state-${v.state.toLowerCase()}`;
    const focused = document.activeElement;
    for (const [action, states] of Object.entries(ALLOWED)) {
      buttons[action].disabled = !states.includes(v.state);
    }
    // Pausing disables Pause: keep the keyboard on the actions (Resume is the way back).
    if (focused && focused.disabled && Object.values(buttons).includes(focused)) {
      const next = Object.values(buttons).find((b) => !b.disabled);
      if (next) next.focus();
    }
    if (first) {
      weight.value = v.weight;
      maxInputs.value = v.quota?.maxInputsPerRequest ?? '';
    }
    const task = Object.entries(v.task).filter(([k, x]) => k !== 'kind' && x !== null && x !== undefined).map(([k, x]) => `${k}: ${Array.isArray(x) ? x.join(', ') : x}`).join('; ');
    const fact = (k, label, value) => [h('dt', {}, label), h('dd', { 'data-fact': k }, value)];
    fill(facts,
      fact('id', 'id', h('code', {}, v.id)), fact('tenant', 'Tenant', v.tenant), fact('backbone', 'Backbone', v.backbone),
      fact('kind', 'Task', `${v.task.kind}${task ? ` (${task})` : ''}`), fact('version', 'Version', v.version),
      fact('weight', 'Weight', v.weight), fact('quota', 'Max inputs per request', v.quota?.maxInputsPerRequest ?? 'worker default'),
      fact('resident', 'Resident', f.bytes(v.residentBytes)), fact('replicas', 'Replicas', stats.replicas),
      fact('created', 'Created', f.time(v.createdAt)));

    const t = stats.traffic;
    const tile = (k, label, value) => h('div', { class: 'tile' }, h('dt', {}, label), h('dd', { 'data-live': k }, value));
    fill(live,
      tile('requestsPerSecond', 'Requests', f.rate(t.requestsPerSecond)), tile('p50Ms', 'p50', f.ms(t.p50Ms)),
      tile('p99Ms', 'p99', f.ms(t.p99Ms)), tile('queued', 'Queued', f.count(stats.queuedRequests)),
      tile('share', 'Share: achieved / weight', `${f.percent(stats.achievedShare)} / ${f.percent(stats.weightShare)}`),
      tile('rejected', 'Rejected', f.count(t.rejected)), tile('timeouts', 'Timeouts', f.count(t.timeouts)),
      tile('errors', 'Errors', f.count(t.errors)), tile('completed', 'Completed since worker start', f.count(stats.completedRequests)));

    const mix = Object.entries(history.batchTasks);
    fill(composition, mix.length
      ? `Its requests of the last 5 minutes ran in batches holding: ${mix.map(([k, n]) => `${k} vFM${k === '1' ? '' : 's'}: ${f.count(n)}`).join(' · ')}.`
      : 'No requests in the last 5 minutes: send one with POST /vfms/{id}/infer and the charts fill in.');
    const x = history.points.map((p) => Date.parse(p.at) / 1000);
    const per = (n) => n / history.intervalSeconds;
    latency.update([x, history.points.map((p) => p.p50Ms), history.points.map((p) => p.p99Ms)]);
    throughput.update([x, history.points.map((p) => per(p.requests)), history.points.map((p) => per(p.rejected)),
      history.points.map((p) => per(p.errors + p.timeouts))]);
    batch.update([x, history.points.map((p) => p.meanBatchTasks), history.points.map((p) => p.maxBatchTasks || null)]);

    fill(versions, table('versions', [{ label: 'Version' }, { label: 'Uploaded' }, { label: 'Files: name, size, SHA-256' }],
      vs.slice().reverse(), (ver) => h('tr', { 'data-version': ver.version },
        h('td', {}, ver.version), h('td', {}, f.time(ver.createdAt)),
        h('td', {}, h('ul', { class: 'files' }, ver.files.map((file) => h('li', {},
          `${file.name} (${f.bytes(file.sizeBytes)}) `, h('code', { class: 'sha' }, file.sha256)))))),
      'No version yet: upload the files PEFT saved (above) and the vFM starts serving.'));
    fill(training, table('training-jobs', [{ label: 'Submitted' }, { label: 'Recipe' }, { label: 'State' }, { label: 'Progress' }, { label: 'Result' }, { label: '' }],
      jobs.slice().reverse(), (j) => h('tr', { 'data-job': j.id },
        h('td', {}, f.time(j.createdAt)), h('td', {}, j.recipe), h('td', {}, j.state),
        h('td', {}, jobProgress(j)), h('td', {}, j.error ?? jobResult(j)),
        h('td', {}, ['QUEUED', 'RUNNING'].includes(j.state)
          ? h('button', { type: 'button', onclick: () => run('Cancel', () => call('POST', `/training-jobs/${j.id}/cancel`), () => 'cancel requested') }, 'Cancel')
          : '')),
      'No training job yet: POST /vfms/{id}/training-jobs with labelled examples builds a version (README, Training).'));
    fill(events, table('events', [{ label: 'When' }, { label: 'Action' }, { label: 'State' }, { label: 'Version' }, { label: 'Call' }, { label: 'Detail' }],
      es.slice().reverse(), (e) => h('tr', {},
        h('td', {}, f.time(e.at)), h('td', {}, e.action), h('td', {}, `${e.fromState ?? '–'} → ${e.toState}`),
        h('td', {}, e.version), h('td', {}, h('code', {}, e.apiCall ?? '')), h('td', {}, e.detail ?? '')),
      'No lifecycle events yet.'));
  }

  return {
    refresh,
    unmount: () => {
      mounted = false;
      dialog.removeEventListener('close', onClose);
      latency.destroy();
      throughput.destroy();
      batch.destroy();
    },
  };
}

/** Where a job is: its phase, the features read, the last epoch. */
function jobProgress(j) {
  if (j.finishedAt) return `finished ${f.time(j.finishedAt)}`;
  const parts = [j.phase ?? 'queued', `features ${j.featuresDone}/${j.examples}`];
  if (j.lastEpoch) parts.push(`epoch ${j.lastEpoch.epoch}: validation loss ${j.lastEpoch.validationLoss.toFixed(4)}`);
  return parts.join(' · ');
}

/** What a finished job measured, in one line. */
function jobResult(j) {
  const r = j.report;
  if (!r) return '';
  const made = `version ${j.version}`;
  if (r.lora) {
    return `${made}: validation loss ${r.lora.validationLoss.toFixed(4)} (head alone ${r.lora.headValidationLoss.toFixed(4)}), accuracy ${f.percent(r.lora.validationAccuracy)}`;
  }
  return r.accuracy !== null && r.accuracy !== undefined
    ? `${made}: cross-validated accuracy ${f.percent(r.accuracy)}, macro-F1 ${r.macroF1.toFixed(3)}`
    : `${made}: cross-validated RMSE ${r.rmse.toPrecision(4)}`;
}

/** The files of a drop: plain files, and the files directly inside a dropped folder. */
async function droppedFiles(transfer) {
  const entries = Array.from(transfer.items || []).map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return Array.from(transfer.files);
  const out = [];
  for (const entry of entries) {
    if (entry.isFile) out.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    else if (entry.isDirectory) {
      const children = await new Promise((ok, fail) => entry.createReader().readEntries(ok, fail));
      for (const child of children.filter((c) => c.isFile)) out.push(await new Promise((ok, fail) => child.file(ok, fail)));
    }
  }
  return out;
}
