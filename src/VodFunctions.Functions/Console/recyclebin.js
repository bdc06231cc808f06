// The recycle bin (ListRecycleBin): what deletes moved there, newest first; Restore (RestoreMedia) and
// Purge (PurgeRecycleBin, admin key, after a confirmation: it deletes for good).
import { call, newIdempotencyKey } from './api.js';
import { h, fill, time, errorBox, openDialog, announce, formatBytes } from './ui.js';

function what(entry) {
  if (entry.DeleteType === 'stream') return `${entry.JobIds?.length ?? 0} stream(s) of video ${entry.MediaId}`;
  if (entry.DeleteType === 'image' && entry.ImageIds) return `${entry.ImageIds.length} image(s) of video ${entry.MediaId}`;
  if (entry.DeleteType === 'mezzanine') return `the source of video ${entry.MediaId}`;
  return `${entry.MediaType} ${entry.MediaId}`;
}

function confirmPurge(entry, button, done) {
  const { body, footer, close, setBusy } = openDialog({ title: 'Purge for good?', returnFocus: () => button });
  // One key for this dialog: pressing Purge again after a failure sends the same purge, answered rather than done twice.
  const idempotencyKey = newIdempotencyKey();
  body.append(h('p', {}, `Purging deletes ${what(entry)} permanently: ${entry.Files} files, ${formatBytes(entry.Bytes)}. It cannot be undone.`));
  const problem = h('div');
  body.append(problem);
  footer.append(
    h('button', { type: 'button', onclick: close }, 'Cancel'),
    h('button', {
      type: 'button', class: 'danger',
      async onclick() {
        setBusy(true);
        try {
          await call('PurgeRecycleBin', { EntryIds: [entry.EntryId] }, { idempotencyKey });
          close();
          announce(`Purged ${what(entry)}.`);
          done();
        } catch (error) {
          setBusy(false);
          fill(problem, errorBox(error));
        }
      },
    }, 'Purge permanently'));
}

function rows(entries, area, reload) {
  if (entries.length === 0) return h('p', { class: 'empty' }, 'The recycle bin is empty.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report-table cards' },
    h('caption', { class: 'visually-hidden' }, 'Recycle bin'),
    h('thead', {}, h('tr', {}, ['What', 'Deleted by', 'Deleted', 'Purged', 'Files', 'Size', 'Actions'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, entries.map((entry) => {
      const purge = h('button', { type: 'button', class: 'danger', 'aria-label': `Purge ${what(entry)}`, onclick: () => confirmPurge(entry, purge, reload) }, 'Purge');
      const restore = h('button', {
        type: 'button', 'aria-label': `Restore ${what(entry)}`,
        async onclick() {
          restore.disabled = true;
          try {
            await call('RestoreMedia', { EntryIds: [entry.EntryId] });
            announce(`Restored ${what(entry)}.`);
            reload();
          } catch (error) {
            restore.disabled = false;
            fill(area, errorBox(error));
          }
        },
      }, 'Restore');
      return h('tr', { 'data-id': entry.EntryId },
        h('td', { 'data-label': 'What' }, what(entry)),
        h('td', { 'data-label': 'Deleted by' }, entry.DeletedBy),
        h('td', { 'data-label': 'Deleted' }, time(entry.DeleteTime)),
        h('td', { 'data-label': 'Purged' }, time(entry.PurgeTime)),
        h('td', { 'data-label': 'Files', class: 'num' }, String(entry.Files)),
        h('td', { 'data-label': 'Size', class: 'num' }, formatBytes(entry.Bytes)),
        h('td', { 'data-label': 'Actions' }, restore, ' ', purge));
    }))));
}

export function showRecycleBin(main) {
  const heading = h('h1', { tabindex: '-1' }, 'Recycle bin');
  const problem = h('div');
  const area = h('div', {}, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  const load = () => call('ListRecycleBin', { PageSize: 100 })
    .then((result) => fill(area, rows(result.Entries ?? [], problem, load)), (error) => fill(area, errorBox(error)));
  main.replaceChildren(h('section', { class: 'view' },
    heading,
    h('p', { class: 'muted' }, 'What deletes moved here stays restorable, with its files in place, until its purge time; then EmptyRecycleBin deletes it for good.'),
    problem,
    area));
  return load();
}
