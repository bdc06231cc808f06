// Every delete goes the same way: choose what to delete, see the dry-run plan (the operation called
// with DryRun: true), confirm explicitly, then see what happened to each item.
import { call, ApiError, newIdempotencyKey } from './api.js';
import { h, fill, formatBytes, errorBox, openDialog, announce } from './ui.js';

export const snapshotTypes = ['CoverSnapshot', 'NormalSnapshot', 'SpriteSnapshot', 'SpriteOriginSnapshot'];

const forceHelp = 'Videos uploaded with NoTranscode or AsyncTranscode are played from their source file: it is their '
  + 'original-quality (OD) stream. Without Force their source file is kept and they are reported as not removable. '
  + 'With Force the source file is deleted and the OD stream stops playing.';

const ids = (list) => new Set(list ?? []);

/** Outcome of each item of a finished (or dry-run) call, from the response's ID lists. */
function outcomes(plan, response) {
  const missing = ids(response.NonExistVideoIds ?? response.NonExistMediaIds);
  const forbidden = ids(response.ForbiddenVideoIds);
  const unremovable = ids(response.UnRemoveableVideoIds);
  return plan.items.map((item) => {
    if (missing.has(item.id)) return { item, text: 'Not found', tone: 'warn' };
    if (forbidden.has(item.id)) return { item, text: 'Forbidden: this key may not change it', tone: 'bad' };
    if (unremovable.has(item.id)) return { item, text: 'Not removable: its source file is its playback (use Force) or the key may not change it', tone: 'bad' };
    return { item, text: plan.done, tone: 'ok' };
  });
}

/** The operation and parameters for a choice on videos. */
/** "7 days": how long from now until `purgeTime`, in whole days (at least one). */
function days(purgeTime) {
  const count = Math.max(1, Math.round((Date.parse(purgeTime) - Date.now()) / 86400000));
  return `${count} ${count === 1 ? 'day' : 'days'}`;
}

function videoPlan(videos, choice) {
  const items = videos.map((video) => ({ id: video.id, label: video.title }));
  const videoIds = videos.map((video) => video.id);
  switch (choice.what) {
    case 'all':
      return { operation: 'DeleteVideo', parameters: { VideoIds: videoIds }, items, done: 'Deleted' };
    case 'mezzanine':
      return { operation: 'DeleteMezzanines', parameters: { VideoIds: videoIds, Force: choice.force }, items, done: 'Source file deleted' };
    case 'streams':
      return {
        operation: 'DeleteStream',
        parameters: { VideoId: videos[0].id, JobIds: choice.streams.map((stream) => stream.JobId) },
        items: choice.streams.map((stream) => ({ id: stream.JobId, label: `${stream.Definition} ${stream.Format} stream` })),
        done: 'Deleted',
      };
    case 'images':
      return {
        operation: 'DeleteImage',
        parameters: { DeleteImageType: 'VideoId', VideoId: videos[0].id, ImageType: choice.types.includes('All') ? 'All' : choice.types },
        items: choice.types.map((type) => ({ id: type, label: type === 'All' ? 'All images' : `${type} images` })),
        done: 'Deleted',
      };
    default:
      throw new Error(`Unknown choice ${choice.what}`);
  }
}

function radio(name, value, label, checked, ...extra) {
  const id = `${name}-${value}`;
  return h('div', { class: 'choice' },
    h('input', { type: 'radio', name, value, id, checked }),
    h('label', { for: id }, label),
    ...extra);
}

function checkbox(name, value, label, attributes = {}) {
  const id = `${name}-${value}`.replace(/[^\w-]/g, '_');
  return h('div', { class: 'check' }, h('input', { type: 'checkbox', name, value, id, ...attributes }), h('label', { for: id }, label));
}

/** The first step for videos: everything, the source file (with Force), streams or images by type. */
function chooseVideoDelete(dialog, videos, streamsOf, preset) {
  return new Promise((resolve) => {
    const single = videos.length === 1;
    const streamList = h('div', { class: 'nested', id: 'choice-streams-list' });
    const form = h('form', { class: 'choices' },
      h('fieldset', {},
        h('legend', {}, single ? `What to delete of “${videos[0].title}”` : `What to delete of these ${videos.length} videos`),
        radio('what', 'all', 'Everything: the video, its source file, all streams and all images', preset === 'all' || !preset),
        radio('what', 'mezzanine', 'The source file (mezzanine) only: the video, its streams and images stay', preset === 'mezzanine',
          h('div', { class: 'nested' },
            h('div', { class: 'check' },
              h('input', { type: 'checkbox', role: 'switch', id: 'force', name: 'force', class: 'switch-danger', 'aria-describedby': 'force-help' }),
              h('label', { for: 'force' }, 'Force')),
            h('p', { id: 'force-help', class: 'muted small' }, forceHelp))),
        single && radio('what', 'streams', 'Selected streams', preset === 'streams', streamList),
        single && radio('what', 'images', 'Images by type', preset === 'images',
          h('div', { class: 'nested', role: 'group', 'aria-label': 'Image types' },
            checkbox('type', 'All', 'All images'),
            snapshotTypes.map((type) => checkbox('type', type, type))))),
      h('div', { class: 'form-error', role: 'alert' }));
    let streams = null;
    async function loadStreams() {
      if (streams) return;
      streams = [];
      streamList.replaceChildren(h('p', { class: 'muted small' }, 'Loading streams…'));
      try {
        streams = await streamsOf(videos[0].id);
        const removable = streams.filter((stream) => !stream.isSource);
        streamList.replaceChildren(...(removable.length
          ? removable.map((stream) => checkbox('stream', stream.JobId, `${stream.Definition} · ${stream.Format} · ${formatBytes(stream.Size)}`))
          : [h('p', { class: 'muted small' }, 'This video has no transcoded streams.')]),
        ...streams.filter((stream) => stream.isSource).map(() => h('p', { class: 'muted small' },
          'The OD stream is the source file itself: delete it with “The source file” and Force.')));
      } catch (error) {
        streams = null;
        streamList.replaceChildren(errorBox(error));
      }
    }
    form.addEventListener('change', (event) => {
      if (event.target.name === 'stream' || event.target.name === 'force') form.elements.what.value = event.target.name === 'force' ? 'mezzanine' : 'streams';
      if (event.target.name === 'type') form.elements.what.value = 'images';
      if (form.elements.what.value === 'streams') loadStreams();
    });
    if (preset === 'streams') loadStreams();
    const review = h('button', { type: 'submit', class: 'primary' }, 'Review deletion');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const what = form.elements.what.value;
      const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => input.value);
      const choice = { what, force: form.elements.force.checked };
      const problem = form.querySelector('.form-error');
      if (what === 'streams') {
        choice.streams = (streams ?? []).filter((stream) => checked('stream').includes(stream.JobId));
        if (choice.streams.length === 0) return void (problem.textContent = 'Select at least one stream.');
      }
      if (what === 'images') {
        choice.types = checked('type');
        if (choice.types.length === 0) return void (problem.textContent = 'Select at least one image type.');
      }
      resolve(choice);
    });
    review.setAttribute('form', 'delete-choice');
    form.id = 'delete-choice';
    dialog.body.replaceChildren(form);
    dialog.footer.replaceChildren(
      h('button', { type: 'button', onclick: () => { dialog.close(); resolve(null); } }, 'Cancel'),
      review);
    dialog.closed.then(() => resolve(null));
    form.querySelector('input[name="what"]:checked')?.focus();
  });
}

/** Dry run, confirmation, real run, per-item result. Resolves to 'back', true (something ran) or false. */
function confirmAndRun(dialog, plan, { canGoBack }) {
  return new Promise((resolve) => {
    let ran = false;
    // One key for this confirmation: sent again by Try again, so a delete whose answer was lost is answered, not done twice.
    const idempotencyKey = newIdempotencyKey();
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel');
    const back = canGoBack && h('button', { type: 'button', onclick: () => resolve('back') }, 'Back');
    dialog.body.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Checking what would be deleted…'));
    fill(dialog.footer, back, cancel);
    cancel.focus();
    dialog.closed.then(() => resolve(ran));

    call(plan.operation, { ...plan.parameters, DryRun: true }).then((dry) => {
      const files = dry.Plan?.Files ?? 0;
      const bytes = dry.Plan?.Bytes ?? 0;
      const notes = outcomes(plan, dry).filter((outcome) => outcome.tone !== 'ok');
      const paths = dry.Plan?.Paths ?? [];
      // Nothing to delete (a NoTranscode source without Force, say): say so, and there is nothing to confirm.
      const nothing = files === 0 && (dry.Plan?.Records ?? 0) === 0;
      fill(dialog.body,
        nothing
          ? h('p', { class: 'nothing', role: 'status' }, h('strong', {}, 'Nothing would be deleted. '),
            notes.length > 0 ? 'The dry run keeps every item, for the reasons below.' : 'There are no files or records to delete.',
            plan.operation === 'DeleteMezzanines' && !plan.parameters.Force && notes.length > 0
              ? ' To delete a source file that is its video\'s playback, go back and switch on Force.' : '')
          : h('p', {}, 'This will delete (a dry run of ', h('code', {}, plan.operation), ' says):'),
        h('dl', { class: 'plan', 'aria-label': 'Dry-run plan' },
          h('div', {}, h('dt', {}, 'Files'), h('dd', { class: 'plan-files' }, String(files))),
          h('div', {}, h('dt', {}, 'Size'), h('dd', { class: 'plan-bytes', title: `${bytes} bytes` }, bytes < 1024 ? formatBytes(bytes) : `${Number(bytes).toLocaleString('en')} bytes (${formatBytes(bytes)})`)),
          dry.Plan?.Records !== undefined && h('div', {}, h('dt', {}, 'Records'), h('dd', {}, String(dry.Plan.Records)))),
        notes.length > 0 && h('ul', { class: 'outcomes', 'aria-label': 'Will not be deleted' },
          notes.map((note) => h('li', { class: `tone-${note.tone}` }, h('span', {}, note.item.label), ' — ', note.text))),
        paths.length > 0 && h('details', {},
          h('summary', {}, paths.length < files ? `First ${paths.length} of ${files} files` : 'Files'),
          h('ul', { class: 'paths' }, paths.map((path) => h('li', {}, h('code', {}, path))))),
        !nothing && (dry.Plan?.ToRecycleBin
          ? h('p', { class: 'note' }, h('strong', {}, `Moved to the recycle bin for ${days(dry.Plan.PurgeTime)}. `),
            'Readers no longer see it; it can be restored from the Recycle bin page until it is purged.')
          : h('p', { class: 'warning' }, h('strong', {}, 'This deletion cannot be undone. '), 'The files are deleted permanently, removed from storage for good.')));
      async function run() {
        dialog.setBusy(true);
        ran = true;
        dialog.body.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Deleting…'));
        let result;
        let retry;
        try {
          const response = await call(plan.operation, plan.parameters, { idempotencyKey });
          result = h('ul', { class: 'outcomes', 'aria-label': 'Result' },
            outcomes(plan, response).map((outcome) => h('li', { class: `tone-${outcome.tone}`, dataset: { id: outcome.item.id } },
              h('span', {}, outcome.item.label), ' — ', h('strong', {}, outcome.text))));
          announce(`${plan.operation} finished.`);
        } catch (error) {
          result = errorBox(error);
          // Safe to send again (the service failed, the answer was lost, or the first is still running): with the same key.
          if (error instanceof ApiError && (error.status === 0 || error.status >= 500 || error.status === 409)) {
            retry = h('button', { type: 'button', class: 'danger', onclick: run }, 'Try again');
          }
        }
        dialog.setBusy(false);
        dialog.body.replaceChildren(h('h3', {}, 'Result'), result);
        const close = h('button', { type: 'button', class: retry ? undefined : 'primary', onclick: () => { dialog.close(); } }, 'Close');
        fill(dialog.footer, close, retry);
        (retry ?? close).focus();
      }
      const confirm = h('button', {
        type: 'button',
        class: 'danger',
        disabled: nothing,
        onclick: run,
      }, dry.Plan?.ToRecycleBin ? 'Move to recycle bin' : 'Delete permanently');
      fill(dialog.footer, back, cancel, confirm);
      cancel.focus();
    }, (error) => {
      if (!(error instanceof ApiError) && error.name === 'AbortError') return;
      dialog.body.replaceChildren(h('p', {}, 'The deletion cannot go ahead:'), errorBox(error));
      cancel.focus();
    });
  });
}

/**
 * Deletes videos: asks what (unless `choice` is given), then plan, confirm, result.
 * `streamsOf(videoId)` lists a video's streams (each with isSource for the OD source stream).
 */
export async function deleteVideos(videos, { choice, preset, streamsOf, returnFocus } = {}) {
  const dialog = openDialog({
    title: videos.length === 1 ? `Delete from “${videos[0].title}”` : `Delete ${videos.length} videos`,
    returnFocus,
  });
  let current = choice;
  for (;;) {
    if (!current) current = await chooseVideoDelete(dialog, videos, streamsOf, preset);
    if (!current) return false;
    const outcome = await confirmAndRun(dialog, videoPlan(videos, current), { canGoBack: !choice });
    if (outcome !== 'back') return outcome === true;
    preset = current.what;
    current = null;
  }
}

/** Deletes uploaded images (DeleteImage with DeleteImageType ImageId). */
export async function deleteImages(images, { returnFocus } = {}) {
  const dialog = openDialog({ title: images.length === 1 ? `Delete image “${images[0].title}”` : `Delete ${images.length} images`, returnFocus });
  return (await confirmAndRun(dialog, {
    operation: 'DeleteImage',
    parameters: { DeleteImageType: 'ImageId', ImageIds: images.map((image) => image.id) },
    items: images.map((image) => ({ id: image.id, label: image.title })),
    done: 'Deleted',
  }, {})) === true;
}

/** Deletes short video material (DeleteAttachedMedia). */
export async function deleteAttached(items, { returnFocus } = {}) {
  const dialog = openDialog({ title: items.length === 1 ? `Delete “${items[0].title}”` : `Delete ${items.length} items`, returnFocus });
  return (await confirmAndRun(dialog, {
    operation: 'DeleteAttachedMedia',
    parameters: { MediaIds: items.map((item) => item.id) },
    items: items.map((item) => ({ id: item.id, label: item.title })),
    done: 'Deleted',
  }, {})) === true;
}
