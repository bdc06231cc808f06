// Deletion history (ListDeletions): the audit log, newest first, filtered by media, application, key and time, a page at a time.
import { call } from './api.js';
import { h, time, errorBox, formatBytes } from './ui.js';

const PageSize = 20;

const outcomes = {
  Deleted: 'Deleted', NotFound: 'Not found', Forbidden: 'Forbidden', NotRemovable: 'Not removable', Failed: 'Failed',
  MovedToBin: 'Moved to the recycle bin', Restored: 'Restored', Purged: 'Purged',
};

function who(record) {
  if (record.KeyName) return record.KeyName;
  if (record.PolicyId) return `Policy ${record.PolicyName || record.PolicyId}`;
  return { reconcile: 'ReconcileStorage', bin: 'EmptyRecycleBin' }[record.Trigger] ?? record.Trigger;
}

function what(record) {
  const media = [record.MediaType, record.MediaId].filter(Boolean).join(' ') || `recycle bin entry ${record.EntryId}`;
  if (record.JobIds?.length) return `${record.JobIds.length} stream(s) of ${media}`;
  if (record.ImageIds?.length) return `${record.ImageIds.length} image(s) of ${media}`;
  if (record.DeleteType === 'mezzanine') return `the source of ${media}`;
  return media;
}

/** A time input's value (yyyy-MM-ddTHH:mm, UTC as the page says) as ISO-8601. */
const iso = (value) => (value ? `${value}:00Z` : undefined);

export function showDeletions(main) {
  const heading = h('h1', { tabindex: '-1' }, 'Deletion history');
  const filters = { tokens: [null] };
  const field = (id, label, attributes = {}) => {
    const input = h('input', { id, name: id, autocomplete: 'off', ...attributes });
    return { input, element: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  };
  const mediaId = field('deletions-media', 'Media ID', { type: 'search' });
  const appId = field('deletions-app', 'Application', { type: 'text', placeholder: 'All applications' });
  const keyName = field('deletions-key', 'Key name', { type: 'text' });
  const from = field('deletions-from', 'From (UTC)', { type: 'datetime-local' });
  const to = field('deletions-to', 'To (UTC)', { type: 'datetime-local' });
  const form = h('form', {
    class: 'search', role: 'search', 'aria-label': 'Filter the deletion history',
    onsubmit(event) {
      event.preventDefault();
      filters.tokens = [null];
      load();
    },
  }, mediaId.element, appId.element, keyName.element, from.element, to.element, h('button', { type: 'submit', class: 'primary' }, 'Filter'));

  const tbody = h('tbody');
  const table = h('table', { class: 'report-table cards deletions-table' },
    h('caption', { class: 'visually-hidden' }, 'Deletion history'),
    h('thead', {}, h('tr', {}, ['Time', 'Operation', 'By', 'What', 'Application', 'Outcome', 'Files', 'Size'].map((name) => h('th', { scope: 'col' }, name)))),
    tbody);
  const message = h('div', { class: 'list-message' });
  const previous = h('button', { type: 'button', onclick: () => { filters.tokens.pop(); load(); } }, 'Newer');
  const next = h('button', { type: 'button', onclick: () => { filters.tokens.push(next.dataset.token); load(); } }, 'Older');
  const pageInfo = h('span', { class: 'page-info', 'aria-live': 'polite' });
  main.replaceChildren(h('section', { class: 'view' },
    heading,
    h('p', { class: 'muted' }, 'Every deletion attempt, newest first: who asked (a key, a policy, the reconcile sweep or the recycle bin\'s timer), what, and what came of it. Records are never changed.'),
    form,
    h('div', { class: 'table-wrap' }, table),
    message,
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, pageInfo, next)));

  let controller;
  async function load() {
    controller?.abort();
    controller = new AbortController();
    const parameters = { PageSize };
    const given = { MediaId: mediaId.input.value.trim(), AppId: appId.input.value.trim(), KeyName: keyName.input.value.trim(), StartTime: iso(from.input.value), EndTime: iso(to.input.value) };
    for (const [name, value] of Object.entries(given)) if (value) parameters[name] = value;
    const token = filters.tokens.at(-1);
    if (token) parameters.PageToken = token;
    table.setAttribute('aria-busy', 'true');
    message.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    try {
      const result = await call('ListDeletions', parameters, { signal: controller.signal });
      const records = result.Deletions ?? [];
      tbody.replaceChildren(...records.map((record) => h('tr', { 'data-id': record.RecordId },
        h('td', { 'data-label': 'Time' }, time(record.Time)),
        h('td', { 'data-label': 'Operation' }, h('code', {}, record.Operation), record.DryRun ? ' (dry run)' : ''),
        h('td', { 'data-label': 'By' }, who(record), record.FinishedBy ? h('span', { class: 'muted small' }, ` · finished by ${record.FinishedBy}`) : ''),
        h('td', { 'data-label': 'What' }, what(record)),
        h('td', { 'data-label': 'Application' }, record.AppId || '—'),
        h('td', { 'data-label': 'Outcome' }, h('span', { class: `status status-${record.Outcome.toLowerCase()}` }, outcomes[record.Outcome] ?? record.Outcome),
          record.ErrorCode ? h('span', { class: 'muted small' }, ` ${record.ErrorCode}`) : ''),
        h('td', { 'data-label': 'Files', class: 'num' }, String(record.Files)),
        h('td', { 'data-label': 'Size', class: 'num' }, formatBytes(record.Bytes)))));
      pageInfo.textContent = `Page ${filters.tokens.length}`;
      previous.disabled = filters.tokens.length === 1;
      next.disabled = !result.NextPageToken;
      next.dataset.token = result.NextPageToken ?? '';
      message.replaceChildren(records.length === 0 ? h('p', { class: 'empty' }, 'No deletions found.') : '');
    } catch (error) {
      if (error.name === 'AbortError') return;
      tbody.replaceChildren();
      message.replaceChildren(errorBox(error));
    } finally {
      table.removeAttribute('aria-busy');
    }
  }
  return load();
}
