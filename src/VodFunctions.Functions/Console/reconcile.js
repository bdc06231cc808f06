// The storage report of ReconcileStorage (GetReconcileReport): blobs no record owns, records whose
// files are gone, the last run that ended and the run in progress, if any; with "Run now".
import { call } from './api.js';
import { h, fill, size, time, status, errorBox } from './ui.js';
import { runNowButton } from './runs.js';

const shown = 100;

function lastRun(run) {
  if (!run) return h('p', { class: 'empty' }, 'ReconcileStorage has not run yet.');
  return h('dl', { class: 'facts' },
    [['Started', time(run.StartTime)], ['Finished', time(run.EndTime)], ['Trigger', run.Trigger], ['Status', status(run.Status)],
      ['Interrupted deletes finished', String(run.FinishedDeletes)], ['Deletes that failed again', String(run.FailedDeletes)],
      ['Records scanned', String(run.ScannedRecords)], ['Blobs scanned', String(run.ScannedBlobs)],
      ['Full pass completed', run.PassCompleted ? 'Yes' : 'Not yet (continues next run)'],
    ].map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value))),
    run.Error && h('div', {}, h('dt', {}, 'Error'), h('dd', { class: 'danger-text' }, run.Error)));
}

function table(caption, columns, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report-table cards' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, columns.map(([name, css]) => h('th', { scope: 'col', class: css }, name)))),
    h('tbody', {}, rows)));
}

function report(result) {
  const orphans = result.OrphanBlobs ?? [];
  const missing = result.MissingFiles ?? [];
  const running = result.RunInProgress;
  return [
    running && h('p', { class: 'muted', role: 'note' }, 'A run is in progress (started ', time(running.StartTime),
      `, ${running.Trigger === 'Admin' ? 'run now' : 'on schedule'}): this report is as of the last run that ended.`),
    h('h2', {}, 'Last run'),
    lastRun(result.LastRun),
    h('h2', { id: 'orphans-heading' }, `Blobs no record owns (${result.TotalOrphanBlobs ?? 0})`),
    h('p', { class: 'muted small' }, 'Reported, never deleted on first sight: check where they come from before removing them.'),
    orphans.length === 0 ? h('p', { class: 'empty' }, 'None found.') : table('Blobs no record owns',
      [['Path'], ['Size', 'num'], ['First seen'], ['Location']],
      orphans.slice(0, shown).map((blob) => h('tr', {},
        h('td', { 'data-label': 'Path' }, h('code', {}, blob.Path)), h('td', { class: 'num', 'data-label': 'Size' }, size(blob.Size)),
        h('td', { 'data-label': 'First seen' }, time(blob.FirstSeen)), h('td', { 'data-label': 'Location' }, blob.Location)))),
    orphans.length > shown && h('p', { class: 'muted small' }, `The first ${shown} of ${result.TotalOrphanBlobs}.`),
    h('h2', { id: 'missing-heading' }, `Records whose files are gone (${result.TotalMissingFiles ?? 0})`),
    missing.length === 0 ? h('p', { class: 'empty' }, 'None found.') : table('Records whose files are gone',
      [['Media'], ['Type'], ['Missing file'], ['First seen']],
      missing.slice(0, shown).map((file) => h('tr', {},
        h('td', { 'data-label': 'Media' }, file.VideoId
          ? [h('a', { href: `#/video/${file.VideoId}` }, h('code', {}, file.VideoId)),
            file.MediaId !== file.VideoId && h('div', { class: 'muted small' }, `${file.MediaType} `, h('code', {}, file.MediaId))]
          : h('a', { href: `#/${file.MediaType}/${file.MediaId}` }, h('code', {}, file.MediaId))),
        h('td', { 'data-label': 'Type' }, file.MediaType),
        h('td', { 'data-label': 'Missing file' }, h('code', {}, file.Path)),
        h('td', { 'data-label': 'First seen' }, time(file.FirstSeen))))),
    missing.length > shown && h('p', { class: 'muted small' }, `The first ${shown} of ${result.TotalMissingFiles}.`),
  ];
}

export function showReconcile(main) {
  const heading = h('h1', { tabindex: '-1' }, 'Storage report');
  const area = h('div', { class: 'report' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  const { button, status: runStatus } = runNowButton('ReconcileStorage', {
    async listRuns() {
      const result = await call('GetReconcileReport');
      fill(area, report(result));
      return result.LastRun ? [result.LastRun] : [];
    },
    describe: (run) => `ReconcileStorage ${run.Status.toLowerCase()}: ${run.FinishedDeletes} interrupted deletes finished, `
      + `${run.ScannedRecords} records and ${run.ScannedBlobs} blobs scanned.`,
    onRuns() {},
  });
  main.replaceChildren(h('section', { class: 'view' },
    heading,
    h('p', { class: 'muted' }, 'ReconcileStorage finishes deletions that were interrupted and reports what storage and the catalog disagree on.'),
    h('div', { class: 'toolbar' }, button),
    runStatus,
    area));
  call('GetReconcileReport').then((result) => fill(area, report(result)), (error) => fill(area, errorBox(error)));
}
