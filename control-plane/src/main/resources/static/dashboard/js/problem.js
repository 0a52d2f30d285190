// Shows what the server said when it refused something: its problem detail, field and limits.
import { h, fill } from './dom.js';

export function showProblem(el, error, doing) {
  const p = error.problem || { title: error.message };
  const facts = [];
  if (p.field) facts.push(['field', p.field]);
  for (const name of ['limit', 'actual', 'expected', 'allowed', 'reason']) {
    if (p[name] !== undefined) facts.push([name, Array.isArray(p[name]) ? p[name].join(', ') : p[name]]);
  }
  fill(el,
    h('strong', { class: 'problem-title' }, `${doing ? doing + ' refused: ' : ''}${p.title || 'Error'}${p.status ? ` (${p.status})` : ''}`),
    p.detail ? h('span', { class: 'problem-detail' }, ` ${p.detail}`) : null,
    facts.length ? h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
    p.type ? h('code', { class: 'problem-type' }, p.type) : null);
  el.hidden = false;
  el.classList.remove('ok');
  el.classList.add('problem');
}

export function showOk(el, text) {
  fill(el, text);
  el.hidden = false;
  el.classList.remove('problem');
  el.classList.add('ok');
}
