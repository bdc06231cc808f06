// Media policies: list, create, edit, enable/disable, preview, delete; run ApplyMediaPolicies now
// and the last runs with their counts.
import { call } from './api.js';
import { h, fill, formatBytes, size, time, status, errorBox, openDialog, announce } from './ui.js';
import { runNowButton } from './runs.js';

const actions = { DeleteVideo: 'Delete the whole video', DeleteMezzanine: 'Delete the source file', DeleteStreams: 'Delete streams of some definitions' };
const definitions = ['FD', 'LD', 'SD', 'HD', 'OD', '2K', '4K', 'SQ', 'HQ', 'AUTO'];
const statuses = ['Uploading', 'UploadFail', 'UploadSucc', 'Transcoding', 'TranscodeFail', 'Normal'];
const list = (value) => (Array.isArray(value) ? value : []);

function describeFilters(policy) {
  const parts = [];
  if (policy.AppId) parts.push(`app ${policy.AppId}`);
  if (list(policy.CateIds).length) parts.push(`categories ${policy.CateIds.join(', ')}`);
  if (list(policy.Statuses).length) parts.push(`status ${policy.Statuses.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'all media';
}

function describeAction(policy) {
  return policy.Action === 'DeleteStreams' ? `DeleteStreams (${list(policy.Definitions).join(', ')})` : policy.Action;
}

/** The policy as SetMediaPolicy takes it (an update replaces the whole policy). */
function fieldsOf(policy) {
  const fields = {
    Name: policy.Name, Enabled: Boolean(policy.Enabled), Priority: Number(policy.Priority ?? 0), Action: policy.Action,
    MinAge: policy.MinAge, DailyLimit: Number(policy.DailyLimit ?? 50000),
  };
  if (policy.PolicyId) fields.PolicyId = policy.PolicyId;
  if (policy.Action === 'DeleteStreams') fields.Definitions = list(policy.Definitions);
  if (policy.AppId) fields.AppId = policy.AppId;
  if (list(policy.CateIds).length) fields.CateIds = policy.CateIds;
  if (list(policy.Statuses).length) fields.Statuses = policy.Statuses;
  return fields;
}

function field(id, label, input, help) {
  input.id = id;
  if (help) input.setAttribute('aria-describedby', `${id}-help`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, help && h('p', { id: `${id}-help`, class: 'muted small' }, help));
}

function checks(name, values, chosen, legend) {
  return h('fieldset', { class: 'inline-checks' }, h('legend', {}, legend),
    h('div', { class: 'check-row' }, values.map((value) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', name, value, id: `${name}-${value}`, checked: chosen.includes(value) }),
      h('label', { for: `${name}-${value}` }, value)))));
}

/** The create/edit form in a dialog; resolves true when saved. */
/** Runs a dialog's action: busy while it runs, then closed (resolving true), or the error shown in the dialog. */
async function submit(dialog, problem, resolve, action) {
  dialog.setBusy(true);
  try {
    await action();
    dialog.setBusy(false);
    dialog.close();
    resolve(true);
  } catch (error) {
    dialog.setBusy(false);
    problem.replaceChildren(errorBox(error));
  }
}

function editPolicy(policy, returnFocus) {
  const editing = Boolean(policy?.PolicyId);
  const current = policy ?? { Enabled: true, Priority: 0, Action: 'DeleteVideo', MinAge: 'P90D', DailyLimit: 50000 };
  const dialog = openDialog({ title: editing ? `Edit policy “${current.Name}”` : 'New media policy', returnFocus });
  return new Promise((resolve) => {
    const action = h('select', { name: 'Action' }, Object.entries(actions).map(([value, text]) => h('option', { value, selected: value === current.Action }, `${value}: ${text}`)));
    const definitionChecks = checks('Definitions', definitions, list(current.Definitions), 'Definitions to delete');
    const showDefinitions = () => { definitionChecks.hidden = action.value !== 'DeleteStreams'; };
    action.addEventListener('change', showDefinitions);
    showDefinitions();
    const problem = h('div', { class: 'form-error', role: 'alert' });
    const form = h('form', { id: 'policy-form', class: 'policy-form' },
      field('policy-name', 'Name', h('input', { type: 'text', name: 'Name', required: true, value: current.Name ?? '', maxlength: '128' })),
      h('div', { class: 'check' },
        h('input', { type: 'checkbox', role: 'switch', id: 'policy-enabled', name: 'Enabled', checked: Boolean(current.Enabled) }),
        h('label', { for: 'policy-enabled' }, 'Enabled')),
      field('policy-action', 'Action', action),
      definitionChecks,
      field('policy-min-age', 'Minimum age', h('input', { type: 'text', name: 'MinAge', required: true, value: current.MinAge ?? '', placeholder: 'P90D' }),
        'An ISO-8601 duration since the media was created: P90D is 90 days, PT12H is 12 hours.'),
      field('policy-priority', 'Priority', h('input', { type: 'number', name: 'Priority', min: '0', max: '10000', step: '1', value: String(current.Priority ?? 0) }),
        'When several policies match a video, only the one with the highest priority handles it.'),
      field('policy-daily-limit', 'Daily limit', h('input', { type: 'number', name: 'DailyLimit', min: '1', max: '50000', step: '1', value: String(current.DailyLimit ?? 50000) }),
        'Videos handled per UTC day at most (up to 50000); the rest waits for the next day.'),
      h('h3', {}, 'Which media'),
      field('policy-app', 'Application', h('input', { type: 'text', name: 'AppId', value: current.AppId ?? '', placeholder: 'Any application' })),
      field('policy-cates', 'Category IDs', h('input', { type: 'text', name: 'CateIds', value: list(current.CateIds).join(', '), placeholder: 'Any category' }),
        'Comma-separated.'),
      checks('Statuses', statuses, list(current.Statuses), 'Statuses (none checked: any status)'),
      problem);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const draft = {
        PolicyId: current.PolicyId,
        Name: String(data.get('Name')).trim(),
        Enabled: form.elements.Enabled.checked,
        Priority: Number(data.get('Priority')),
        Action: action.value,
        Definitions: data.getAll('Definitions'),
        MinAge: String(data.get('MinAge')).trim(),
        DailyLimit: Number(data.get('DailyLimit')),
        AppId: String(data.get('AppId')).trim(),
        CateIds: String(data.get('CateIds')).split(',').map((item) => item.trim()).filter(Boolean),
        Statuses: data.getAll('Statuses'),
      };
      await submit(dialog, problem, resolve, async () => {
        await call('SetMediaPolicy', fieldsOf(draft));
        announce(`Policy ${draft.Name} saved.`);
      });
    });
    dialog.body.replaceChildren(form);
    dialog.footer.replaceChildren(
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'submit', form: 'policy-form', class: 'primary' }, editing ? 'Save policy' : 'Create policy'));
    dialog.closed.then(() => resolve(false));
    form.elements.Name.focus();
  });
}

/** PreviewMediaPolicy: what a run would do now, without doing it. */
async function previewPolicy(policy, returnFocus) {
  const dialog = openDialog({ title: `Preview of “${policy.Name}”`, returnFocus, className: 'wide' });
  dialog.body.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Working out what a run would do now…'));
  const close = h('button', { type: 'button', class: 'primary', onclick: () => dialog.close() }, 'Close');
  dialog.footer.replaceChildren(close);
  close.focus();
  try {
    const preview = await call('PreviewMediaPolicy', { PolicyId: policy.PolicyId });
    const matches = preview.Matches ?? [];
    const files = matches.reduce((sum, match) => sum + (match.Files ?? 0), 0);
    const bytes = matches.reduce((sum, match) => sum + (match.Bytes ?? 0), 0);
    fill(dialog.body,
      h('p', { class: 'preview-total' }, `A run now would handle ${preview.Total} ${preview.Total === 1 ? 'video' : 'videos'}: `,
        `${files} files, ${formatBytes(bytes)}.`),
      matches.length > 0 && h('div', { class: 'table-wrap' }, h('table', { class: 'preview-table cards' },
        h('caption', { class: 'visually-hidden' }, 'Matches'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'VideoId'), h('th', { scope: 'col' }, 'Action'),
          h('th', { scope: 'col', class: 'num' }, 'Files'), h('th', { scope: 'col', class: 'num' }, 'Size'))),
        h('tbody', {}, matches.map((match) => h('tr', { dataset: { id: match.VideoId } },
          h('td', { 'data-label': 'VideoId' }, h('a', { href: `#/video/${match.VideoId}` }, h('code', {}, match.VideoId))),
          h('td', { 'data-label': 'Action' }, match.Action), h('td', { class: 'num', 'data-label': 'Files' }, String(match.Files)),
          h('td', { class: 'num', 'data-label': 'Size' }, size(match.Bytes))))))),
      h('p', { class: 'muted small' }, 'Nothing has been deleted. A run applies every enabled policy, by priority, within each policy’s daily limit.'));
  } catch (error) {
    dialog.body.replaceChildren(errorBox(error));
  }
}

function confirmRemove(policy, returnFocus) {
  const dialog = openDialog({ title: `Delete policy “${policy.Name}”`, returnFocus });
  return new Promise((resolve) => {
    const problem = h('div');
    dialog.body.replaceChildren(h('p', {}, 'The policy is removed; media it already handled stays deleted, and nothing else is deleted now.'), problem);
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel');
    dialog.footer.replaceChildren(cancel, h('button', {
      type: 'button', class: 'danger',
      async onclick() {
        await submit(dialog, problem, resolve, () => call('DeleteMediaPolicy', { PolicyId: policy.PolicyId }));
      },
    }, 'Delete policy'));
    cancel.focus();
    dialog.closed.then(() => resolve(false));
  });
}

function runsTable(runs) {
  if (runs.length === 0) return h('p', { class: 'empty' }, 'ApplyMediaPolicies has not run yet.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'runs-table cards' },
    h('caption', { class: 'visually-hidden' }, 'Last runs of ApplyMediaPolicies'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Trigger'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col', class: 'num' }, 'Matched'), h('th', { scope: 'col', class: 'num' }, 'Deleted'),
      h('th', { scope: 'col', class: 'num' }, 'Skipped'), h('th', { scope: 'col', class: 'num' }, 'Failed'),
      h('th', { scope: 'col', class: 'num' }, 'Freed'))),
    h('tbody', {}, runs.map((run) => h('tr', { dataset: { runId: run.RunId } },
      h('td', { 'data-label': 'Started' }, time(run.StartTime), run.IsPastDue && h('span', { class: 'muted small' }, ' (past due)')),
      h('td', { 'data-label': 'Trigger' }, run.Trigger),
      h('td', { 'data-label': 'Status' }, status(run.Status), run.Error && h('div', { class: 'small danger-text' }, run.Error)),
      h('td', { class: 'num', 'data-label': 'Matched' }, String(run.Matched ?? 0)),
      h('td', { class: 'num', 'data-label': 'Deleted' }, String(run.Deleted ?? 0)),
      h('td', { class: 'num', 'data-label': 'Skipped' }, String(run.Skipped ?? 0)),
      h('td', { class: 'num', 'data-label': 'Failed' }, String(run.Failed ?? 0)),
      h('td', { class: 'num', 'data-label': 'Freed' }, size(run.DeletedBytes ?? 0)))))));
}

export function showPolicies(main) {
  const heading = h('h1', { tabindex: '-1' }, 'Media policies');
  const listArea = h('div', { class: 'policies' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  const runsArea = h('div', { class: 'runs' });
  const create = h('button', { type: 'button', class: 'primary', onclick: async () => { if (await editPolicy(null, () => create)) load(); } }, 'New policy');
  const { button: runNow, status: runStatus } = runNowButton('ApplyMediaPolicies', {
    listRuns: async () => (await call('ListMediaPolicyRuns', { PageSize: 10 })).Runs ?? [],
    describe: (run) => `ApplyMediaPolicies ${run.Status.toLowerCase()}: ${run.Matched} matched, ${run.Deleted} deleted, `
      + `${run.Skipped} skipped, ${run.Failed} failed, ${formatBytes(run.DeletedBytes)} freed.`,
    onRuns: (runs) => fill(runsArea, runsTable(runs)),
    onDone: () => load(),
  });
  main.replaceChildren(h('section', { class: 'view' },
    heading,
    h('p', { class: 'muted' }, 'Policies delete old media on a schedule (ApplyMediaPolicies). Preview one to see what a run would do now.'),
    h('div', { class: 'toolbar' }, create, runNow),
    runStatus,
    listArea,
    h('h2', {}, 'Last runs'),
    runsArea));
  async function toggle(policy, input) {
    input.disabled = true;
    try {
      await call('SetMediaPolicy', fieldsOf({ ...policy, Enabled: input.checked }));
      policy.Enabled = input.checked;
      announce(`Policy ${policy.Name} ${policy.Enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      input.checked = !input.checked;
      listArea.prepend(errorBox(error));
    } finally {
      input.disabled = false;
    }
  }

  async function load() {
    try {
      const { Policies: policies = [] } = await call('ListMediaPolicies');
      if (policies.length === 0) {
        listArea.replaceChildren(h('p', { class: 'empty' }, 'No policies yet.'));
        return;
      }
      listArea.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'policy-table cards' },
        h('caption', { class: 'visually-hidden' }, 'Media policies'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Enabled'), h('th', { scope: 'col', class: 'num' }, 'Priority'),
          h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, 'Older than'), h('th', { scope: 'col' }, 'Media'),
          h('th', { scope: 'col', class: 'num' }, 'Daily limit'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, [...policies].sort((a, b) => b.Priority - a.Priority).map((policy) => {
          const enabled = h('input', { type: 'checkbox', role: 'switch', checked: Boolean(policy.Enabled), 'aria-label': `Enabled: ${policy.Name}` });
          enabled.addEventListener('change', () => toggle(policy, enabled));
          const edit = h('button', { type: 'button', onclick: async () => { if (await editPolicy(policy, () => edit)) load(); } }, 'Edit');
          const preview = h('button', { type: 'button', onclick: () => previewPolicy(policy, () => preview) }, 'Preview');
          const remove = h('button', { type: 'button', class: 'danger-text', 'aria-label': `Delete policy ${policy.Name}`, onclick: async () => { if (await confirmRemove(policy, () => remove)) load(); } }, 'Delete');
          edit.setAttribute('aria-label', `Edit policy ${policy.Name}`);
          preview.setAttribute('aria-label', `Preview policy ${policy.Name}`);
          return h('tr', { dataset: { id: policy.PolicyId } },
            h('td', { 'data-label': 'Name' }, h('strong', {}, policy.Name), h('div', {}, h('code', { class: 'muted' }, policy.PolicyId))),
            h('td', { 'data-label': 'Enabled' }, enabled),
            h('td', { class: 'num', 'data-label': 'Priority' }, String(policy.Priority)),
            h('td', { 'data-label': 'Action' }, describeAction(policy)),
            h('td', { 'data-label': 'Older than' }, policy.MinAge),
            h('td', { 'data-label': 'Media' }, describeFilters(policy)),
            h('td', { class: 'num', 'data-label': 'Daily limit' }, String(policy.DailyLimit),
              policy.UsedToday !== undefined && h('div', { class: 'muted small' }, `${policy.UsedToday} used today`)),
            h('td', { class: 'actions' }, h('div', { class: 'row-actions' }, preview, edit, remove)));
        })))));
    } catch (error) {
      listArea.replaceChildren(errorBox(error));
    }
  }

  async function loadRuns() {
    try {
      fill(runsArea, runsTable((await call('ListMediaPolicyRuns', { PageSize: 10 })).Runs ?? []));
    } catch (error) {
      fill(runsArea, errorBox(error));
    }
  }
  load();
  loadRuns();
}
