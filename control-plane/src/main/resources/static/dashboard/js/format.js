// Numbers with their units, the same way everywhere.

const dash = '–';

export function bytes(n) {
  if (n === null || n === undefined) return dash;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function ms(n) {
  if (n === null || n === undefined) return dash;
  if (n >= 1000) return `${(n / 1000).toFixed(2)} s`;
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
}

export function rate(n) {
  if (n === null || n === undefined) return dash;
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)} req/s`;
}

export function percent(fraction) {
  if (fraction === null || fraction === undefined) return dash;
  return `${(fraction * 100).toFixed(1)} %`;
}

export function count(n) {
  if (n === null || n === undefined) return dash;
  return Number(n).toLocaleString('en');
}

export function number(n, digits = 2) {
  if (n === null || n === undefined) return dash;
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

export function time(iso) {
  if (!iso) return dash;
  return new Date(iso).toLocaleString('en-GB', { hour12: false });
}

export function ago(iso, now = Date.now()) {
  if (!iso) return dash;
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}
