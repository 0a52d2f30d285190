// Building elements without innerHTML: every value from the server becomes text, never markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  return append(clear(el), children);
}

/** A table whose rows are built from items; an empty list shows {@code empty} instead. */
export function table(id, columns, items, row, empty) {
  if (!items.length) return h('p', { class: 'empty', id: `${id}-empty` }, empty);
  return h('div', { class: 'scroll' },
    h('table', { id },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', title: c.title }, c.label)))),
      h('tbody', {}, items.map(row))));
}
