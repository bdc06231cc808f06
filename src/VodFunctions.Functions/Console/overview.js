// Overview (GetDeletionStatistics): what deletes freed in the last 24 hours or 30 days, by trigger and per hour or day, drawn as
// SVG bars by this script; the policies' runs; and what is waiting now (interrupted deletes, events, queues, the recycle bin).
import { call } from './api.js';
import { h, fill, size, formatBytes, time, errorBox } from './ui.js';

const periods = {
  '24h': { label: 'Last 24 hours', period: 'P1D' },
  '30d': { label: 'Last 30 days', period: 'P30D' },
};

const triggers = [
  ['Api', 'api', 'A key’s call'],
  ['Policy', 'policy', 'Media policies'],
  ['Reconcile', 'reconcile', 'ReconcileStorage'],
  ['Bin', 'bin', 'Recycle bin purge'],
];

const plural = (count, one, many = `${one}s`) => `${Number(count).toLocaleString('en')} ${count === 1 ? one : many}`;

function bucketLabel(iso, interval) {
  const date = new Date(iso);
  const options = interval === 'P1D' ? { month: 'short', day: 'numeric', timeZone: 'UTC' } : { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hourCycle: 'h23' };
  return new Intl.DateTimeFormat('en-GB', options).format(date) + (interval === 'P1D' ? '' : ' UTC');
}

/**
 * Stacked bars, one per bucket, a colour per trigger: `value(figures)` reads the number drawn from a trigger's figures,
 * `say(n)` words it. Each bar has a tooltip (its <title>), and the chart a text summary for screen readers.
 */
function chart(title, series, interval, value, say) {
  const width = 10;
  const height = 100;
  const totals = series.map((bucket) => value(bucket.Deletes.All));
  const most = Math.max(1, ...totals);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const total = totals.reduce((sum, n) => sum + n, 0);
  svg.setAttribute('viewBox', `0 0 ${series.length * width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}: ${say(total)} in all, at most ${say(Math.max(0, ...totals))} in one ${interval === 'P1D' ? 'day' : 'hour'}.`);
  series.forEach((bucket, index) => {
    const group = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    group.setAttribute('class', 'bar');
    group.dataset.start = bucket.StartTime;
    const tip = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    tip.textContent = `${bucketLabel(bucket.StartTime, interval)}: ${say(totals[index])}`
      + triggers.filter(([name]) => value(bucket.Deletes[name]) > 0).map(([name, css]) => `, ${css} ${say(value(bucket.Deletes[name]))}`).join('');
    group.append(tip);
    let top = height;
    for (const [name, css] of triggers) {
      const part = value(bucket.Deletes[name]);
      if (part <= 0) continue;
      const barHeight = (part / most) * (height - 4);
      top -= barHeight;
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      rect.setAttribute('x', String(index * width + 1));
      rect.setAttribute('y', String(top));
      rect.setAttribute('width', String(width - 2));
      rect.setAttribute('height', String(barHeight));
      rect.setAttribute('class', `trigger-${css}`);
      group.append(rect);
    }
    // An invisible full-height target, so that a tooltip shows over an empty bucket too.
    const target = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    target.setAttribute('x', String(index * width));
    target.setAttribute('y', '0');
    target.setAttribute('width', String(width));
    target.setAttribute('height', String(height));
    target.setAttribute('class', 'bar-target');
    group.append(target);
    svg.append(group);
  });
  const first = series[0];
  const last = series[series.length - 1];
  return h('figure', { class: 'chart' },
    h('figcaption', {}, h('strong', {}, title), ' ', h('span', { class: 'muted small' }, `peak ${say(Math.max(0, ...totals))}`)),
    h('div', { class: 'chart-plot' }, svg),
    first && h('div', { class: 'chart-axis muted small', 'aria-hidden': 'true' },
      h('span', {}, bucketLabel(first.StartTime, interval)), h('span', {}, bucketLabel(last.StartTime, interval))));
}

function legend() {
  return h('ul', { class: 'legend', 'aria-label': 'Triggers' },
    triggers.map(([, css, words]) => h('li', {}, h('span', { class: `swatch trigger-${css}`, 'aria-hidden': 'true' }), `${css}: ${words}`)));
}

function byTrigger(deletes) {
  const rows = [...triggers, ['All', 'all', 'All triggers']];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report-table cards', id: 'deletes-by-trigger' },
    h('caption', { class: 'visually-hidden' }, 'Deletes by trigger'),
    h('thead', {}, h('tr', {}, ['Trigger', 'Deletes', 'Files freed', 'Bytes freed', 'Failures'].map((name, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, name)))),
    h('tbody', {}, rows.map(([name, css, words]) => {
      const figures = deletes[name];
      return h('tr', { 'data-trigger': css, class: css === 'all' ? 'total' : null },
        h('th', { scope: 'row', 'data-label': 'Trigger' }, css === 'all' ? 'All' : h('span', {}, h('span', { class: `swatch trigger-${css}`, 'aria-hidden': 'true' }), css, h('span', { class: 'muted small' }, ` ${words}`))),
        h('td', { class: 'num deletes', 'data-label': 'Deletes' }, figures.Deletes.toLocaleString('en')),
        h('td', { class: 'num files', 'data-label': 'Files freed' }, figures.DeletedFiles.toLocaleString('en')),
        h('td', { class: 'num bytes', 'data-label': 'Bytes freed' }, size(figures.DeletedBytes)),
        h('td', { class: `num failures${figures.Failures > 0 ? ' danger-text' : ''}`, 'data-label': 'Failures' }, figures.Failures.toLocaleString('en')));
    }))));
}

function policies(list) {
  if (list.length === 0) return h('p', { class: 'empty' }, 'No policy ran in this period.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report-table cards', id: 'policy-figures' },
    h('caption', { class: 'visually-hidden' }, 'Policies'),
    h('thead', {}, h('tr', {}, ['Policy', 'Runs', 'Matched', 'Deleted', 'Skipped', 'Failed', 'Bytes freed'].map((name, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, name)))),
    h('tbody', {}, list.map((policy) => h('tr', { 'data-id': policy.PolicyId },
      h('th', { scope: 'row', 'data-label': 'Policy' }, policy.Name || h('code', {}, policy.PolicyId)),
      ...[['Runs', policy.Runs], ['Matched', policy.Matched], ['Deleted', policy.Deleted], ['Skipped', policy.Skipped], ['Failed', policy.Failed]]
        .map(([label, n]) => h('td', { class: `num ${label.toLowerCase()}`, 'data-label': label }, n.toLocaleString('en'))),
      h('td', { class: 'num bytes', 'data-label': 'Bytes freed' }, size(policy.DeletedBytes)))))));
}

function slowest(list) {
  if (list.length === 0) return h('p', { class: 'empty' }, 'No delete with a duration in this period.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report-table cards', id: 'slowest-deletes' },
    h('caption', { class: 'visually-hidden' }, 'Slowest deletes'),
    h('thead', {}, h('tr', {}, ['Operation', 'Media', 'Began', 'Trigger', 'Files', 'Duration'].map((name, i) => h('th', { scope: 'col', class: i > 3 ? 'num' : null }, name)))),
    h('tbody', {}, list.map((slow) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Operation' }, slow.Operation),
      h('td', { 'data-label': 'Media' }, h('code', {}, slow.MediaId)),
      h('td', { 'data-label': 'Began' }, time(slow.Time)),
      h('td', { 'data-label': 'Trigger' }, slow.Trigger),
      h('td', { class: 'num', 'data-label': 'Files' }, slow.Files.toLocaleString('en')),
      h('td', { class: 'num duration', 'data-label': 'Duration' }, `${slow.DurationMs.toLocaleString('en')} ms`))))));
}

function now(result) {
  const backlog = result.Backlog;
  const facts = [
    ['Interrupted deletes', backlog.InterruptedDeletes.toLocaleString('en'), 'interrupted',
      backlog.OldestInterrupted ? ['oldest begun ', time(backlog.OldestInterrupted), '; ReconcileStorage finishes them'] : 'from the journal'],
    ['Deletes in progress', backlog.DeletesInProgress.toLocaleString('en'), 'in-progress', 'from the journal'],
    ['Events waiting to be resent', backlog.EventsPending.toLocaleString('en'), 'events-pending', 'finished deletes whose event is not sent yet (journal)'],
    result.CallbackQueue && ['Callback queue', `${plural(result.CallbackQueue.Depth, 'message')} waiting, ${result.CallbackQueue.Poison.toLocaleString('en')} poison`, 'callback-queue', 'approximate count of the queue'],
    result.WorkQueue && ['Policy work queue', `${plural(result.WorkQueue.Depth, 'message')} waiting, ${result.WorkQueue.Poison.toLocaleString('en')} poison`, 'work-queue', 'approximate count of the queue'],
    result.RecycleBin && ['Recycle bin', `${plural(result.RecycleBin.Entries, 'entry', 'entries')}, ${plural(result.RecycleBin.Files, 'file')}, ${formatBytes(result.RecycleBin.Bytes)}`, 'recycle-bin', 'from its index'],
  ].filter(Boolean);
  return h('dl', { class: 'facts now' }, facts.map(([name, value, id, source]) => h('div', { 'data-fact': id },
    h('dt', {}, name), h('dd', {}, h('strong', { class: 'value' }, value), h('div', { class: 'muted small' }, source)))));
}

function render(result, label) {
  const { Deletes: deletes, Series: series, Interval: interval } = result;
  const unit = interval === 'P1D' ? 'day' : 'hour';
  return [
    h('p', { class: 'muted' }, `${label}: `, time(result.StartTime), ' to ', time(result.EndTime), `, by the ${unit} (UTC).`),
    h('dl', { class: 'facts totals' },
      [['Deletes', plural(deletes.All.Deletes, 'delete'), 'deletes'], ['Files freed', plural(deletes.All.DeletedFiles, 'file'), 'files'],
        ['Bytes freed', size(deletes.All.DeletedBytes), 'bytes'], ['Failures', plural(deletes.All.Failures, 'failure'), 'failures']]
        .map(([name, value, id]) => h('div', { 'data-total': id }, h('dt', {}, name), h('dd', {}, value)))),
    h('h2', {}, 'Deletes by trigger'),
    h('p', { class: 'muted small' }, 'From the audit log: deletes that removed files for good (a recycle bin entry counts once purged). '
      + 'A delete finished by ReconcileStorage counts under the trigger that began it.'),
    legend(),
    h('div', { class: 'charts' },
      chart(`Bytes freed per ${unit}`, series, interval, (f) => f.DeletedBytes, formatBytes),
      chart(`Deletes per ${unit}`, series, interval, (f) => f.Deletes, (n) => plural(n, 'delete')),
      chart(`Failures per ${unit}`, series, interval, (f) => f.Failures, (n) => plural(n, 'failure'))),
    byTrigger(deletes),
    h('h2', {}, 'Slowest deletes'),
    h('p', { class: 'muted small' }, 'From the audit log: how long each delete took from its journal to its last records (moves into and out of the recycle bin too).'),
    slowest(result.Slowest ?? []),
    h('h2', {}, 'Policies'),
    h('p', { class: 'muted small' }, 'From the run records of ApplyMediaPolicies that started in this period (and their work queue batches).'),
    policies(result.Policies),
    h('h2', {}, 'Now'),
    now(result),
    ...(result.Notes ?? []).map((note) => h('p', { class: 'muted small note' }, note)),
  ];
}

export function showOverview(main, which) {
  const chosen = periods[which] ? which : '24h';
  const tabs = Object.entries(periods).map(([name, info]) => h('a', {
    role: 'tab', href: `#/overview/${name}`, 'aria-selected': String(name === chosen), tabindex: name === chosen ? '0' : '-1',
  }, info.label));
  const area = h('div', { class: 'report overview', 'aria-busy': 'true' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  main.replaceChildren(h('section', { class: 'view' },
    h('h1', { tabindex: '-1' }, 'Overview'),
    h('div', { role: 'tablist', 'aria-label': 'Period', class: 'tabs' }, tabs),
    area));
  return call('GetDeletionStatistics', { Period: periods[chosen].period }).then(
    (result) => fill(area, render(result, periods[chosen].label)),
    (error) => fill(area, errorBox(error)),
  ).finally(() => area.setAttribute('aria-busy', 'false'));
}
