// Small DOM helpers shared by the views: element building, formatting, the modal dialog, errors.
import { ApiError } from './api.js';

/** Builds an element: h('button', { class: 'x', onclick }, 'text', child). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** Replaces an element's children, skipping false, null and undefined (as h does). */
export function fill(element, ...children) {
  element.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

const units = ['KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB", 500 → "500 bytes": binary units, as the CLI (vod) writes sizes. */
export function formatBytes(bytes) {
  let value = Number(bytes ?? 0);
  if (value < 1024) return value === 1 ? '1 byte' : `${value} bytes`;
  value /= 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** A size with the exact byte count in its tooltip. */
export const size = (bytes) => h('span', { title: `${Number(bytes ?? 0).toLocaleString('en')} bytes` }, formatBytes(bytes));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO-8601 time as a <time> element in the reader's time zone. */
export function time(iso) {
  if (!iso) return h('span', {}, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, Number.isNaN(date.getTime()) ? iso : dateFormat.format(date));
}

export const status = (value) => h('span', { class: `status status-${String(value).toLowerCase()}` }, value);

/** An error block: plain-words explanation, then the contract's Code and Message, and the RequestId. */
export function errorBox(error) {
  if (!(error instanceof ApiError)) return h('div', { class: 'error', role: 'alert' }, h('p', {}, String(error?.message ?? error)));
  return h('div', { class: 'error', role: 'alert' },
    error.explanation && h('p', {}, error.explanation),
    h('p', {}, h('strong', { class: 'error-code' }, error.code), ': ', h('span', { class: 'error-message' }, error.message)),
    error.requestId && h('p', { class: 'muted small' }, `RequestId ${error.requestId}`));
}

const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Shows a modal dialog. Focus moves into it, Tab and Shift+Tab stay inside it, Escape closes it
 * (unless busy), and on closing focus returns to the element that had it (or to `returnFocus`).
 * Returns { dialog, body, footer, close, setBusy, closed }.
 */
export function openDialog({ title, returnFocus, className = '' }) {
  const opener = document.activeElement;
  const heading = h('h2', { id: `dialog-title-${Date.now()}` }, title);
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-footer' });
  const dialog = h('dialog', { class: `dialog ${className}`, 'aria-labelledby': heading.id, 'aria-modal': 'true' }, heading, body, footer);
  let busy = false;
  let resolveClosed;
  const closed = new Promise((resolve) => { resolveClosed = resolve; });

  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll(focusable)].filter((item) => item.offsetParent !== null);
    if (items.length === 0) return event.preventDefault();
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener('cancel', (event) => { if (busy) event.preventDefault(); });
  dialog.addEventListener('close', () => {
    dialog.remove();
    const target = [returnFocus?.(), opener].find((item) => item instanceof HTMLElement && item.isConnected);
    (target ?? document.querySelector('main'))?.focus();
    resolveClosed();
  });
  document.body.append(dialog);
  dialog.showModal();

  return {
    dialog, body, footer, closed,
    close: () => dialog.open && dialog.close(),
    setBusy(value) {
      busy = value;
      dialog.setAttribute('aria-busy', String(value));
      footer.querySelectorAll('button').forEach((button) => { button.disabled = value; });
    },
  };
}

let toastTimer;
/** A short polite announcement at the bottom of the page. */
export function announce(message) {
  const toast = document.getElementById('toast');
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 6000);
}
