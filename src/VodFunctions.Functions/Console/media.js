// Media Files: the three tabs (search, application filter, paging with page tokens), the rows with their
// More menu and selection, and the detail views with the delete actions of each part.
import { call, thumbnail } from './api.js';
import { h, size, time, status, errorBox } from './ui.js';
import { deleteVideos, deleteImages, deleteAttached, snapshotTypes } from './deletes.js';

const MaxSelection = 20;
const PageSize = 20;

const kinds = {
  video: { tab: 'Audio/Video', searchType: 'video', field: 'Video', noun: 'videos' },
  image: { tab: 'Image', searchType: 'image', field: 'Image', noun: 'images' },
  attached: { tab: 'Short Video Material', searchType: 'attached', field: 'AttachedMedia', noun: 'items' },
};

/** Search state per tab, kept while the page is open (never in the URL). */
const state = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, { title: '', app: '', tokens: [null] }]));
const seenApps = new Set();

const fileName = (url) => decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() ?? '');

/** One search result as a row: the fields every tab shows. */
function toRow(kind, item) {
  const media = item[kinds[kind].field];
  const id = item.MediaId;
  const common = { kind, id, status: media.Status, size: media.Size, created: media.CreationTime, appId: media.AppId, hold: media.Hold };
  if (kind === 'video') return { ...common, title: media.Title, detail: media.TranscodeMode };
  if (kind === 'image') return { ...common, title: media.Title || fileName(media.URL), detail: media.ImageType };
  return { ...common, title: media.Title || fileName(media.URL), detail: media.BusinessType };
}

/** The Hold badge of held media (its reason as the tooltip), or nothing. */
const holdBadge = (hold) => hold && h('span', { class: 'status status-hold', title: hold.Reason }, 'Hold');

/** The Hold fact of a detail view: why, by whom, when. */
const holdFact = (hold) => ['Hold', hold && h('span', {}, holdBadge(hold), ` ${hold.Reason} (${hold.SetBy}, `, time(hold.SetTime), ')')];

/**
 * Set or release a hold (an Admin key's): a reason and "Set hold", or "Release hold"; neither deletes anything, so neither asks.
 * Held media is never deleted: its delete buttons answer Forbidden.MediaHold.
 */
function holdControls(kind, id, hold, refresh) {
  const problem = h('div', {});
  async function run(operation, parameters) {
    try {
      await call(operation, { MediaType: kind, MediaIds: [id], ...parameters });
      refresh();
    } catch (error) {
      problem.replaceChildren(errorBox(error));
    }
  }
  if (hold) return h('div', {}, h('button', { type: 'button', onclick: () => run('ReleaseMediaHold', {}) }, 'Release hold'), problem);
  const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 1024, 'aria-label': 'Reason for the hold', placeholder: 'Reason for the hold' });
  const form = h('form', { class: 'hold-form' }, reason, h('button', { type: 'submit' }, 'Set hold'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run('SetMediaHold', { Reason: reason.value });
  });
  return h('div', {}, form, problem);
}

// ---- thumbnails: fetched with the key when they come into view, kept as object URLs ----

const thumbnails = new Map();
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries.filter((e) => e.isIntersecting)) {
    observer.unobserve(entry.target);
    loadThumbnail(entry.target);
  }
}, { rootMargin: '200px' });

const keptThumbnails = 300;

/** A video's cover (none without a CoverSnapshot: not even a request that would fail) or an uploaded image, as an object URL. */
async function coverOf(id, kind, cover) {
  if (kind === 'video' && cover === undefined) {
    const { Images: covers } = await call('ListSnapshots', { VideoId: id, SnapshotType: 'CoverSnapshot' });
    if (covers.length === 0) return null;
  } else if (cover === 'none') return null;
  return thumbnail(id);
}

async function loadThumbnail(figure) {
  const id = figure.dataset.mediaId;
  if (!thumbnails.has(id)) {
    if (thumbnails.size >= keptThumbnails) forgetThumbnail(thumbnails.keys().next().value);
    thumbnails.set(id, coverOf(id, figure.dataset.kind, figure.dataset.cover).catch(() => null));
  }
  const url = await thumbnails.get(id);
  if (!url || !figure.isConnected) return;
  const img = h('img', { src: url, alt: figure.dataset.alt, width: '96', height: '54', decoding: 'async' });
  figure.replaceChildren(img);
  figure.classList.add('loaded');
}

function forgetThumbnail(id) {
  thumbnails.get(id)?.then((url) => url && URL.revokeObjectURL(url));
  thumbnails.delete(id);
}

/** The row's cover, or a placeholder; `row.cover` ('some' or 'none') when the page already knows whether a video has one. */
function thumb(row) {
  if (row.kind === 'attached') return h('div', { class: 'thumb placeholder', 'aria-hidden': 'true' }, row.detail);
  const known = row.cover ? { cover: row.cover } : {};
  const figure = h('div', { class: 'thumb placeholder', dataset: { mediaId: row.id, kind: row.kind, alt: `Cover of ${row.title}`, ...known } },
    h('span', { 'aria-hidden': 'true' }, row.kind === 'video' ? 'No cover' : 'Image'));
  observer.observe(figure);
  return figure;
}

// ---- the More menu ----

function moreMenu(label, items) {
  const button = h('button', { type: 'button', class: 'more', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': `More actions for ${label}` }, 'More');
  const entries = items.map((item) => h('button', {
    type: 'button', role: 'menuitem', tabindex: '-1', class: item.danger ? 'danger-text' : '',
    onclick() {
      close(true);
      item.onselect(button);
    },
  }, item.text));
  const menu = h('div', { role: 'menu', class: 'menu', 'aria-label': `Actions for ${label}`, hidden: true }, entries);
  const outside = (event) => { if (!wrapper.contains(event.target)) close(false); };
  function close(focusButton) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside);
    if (focusButton) button.focus();
  }
  function open() {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', outside);
    entries[0].focus();
  }
  button.addEventListener('click', () => (menu.hidden ? open() : close(true)));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      open();
    }
  });
  menu.addEventListener('keydown', (event) => {
    const index = entries.indexOf(document.activeElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      entries[(index + (event.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length].focus();
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  const wrapper = h('div', { class: 'more-wrapper' }, button, menu);
  return wrapper;
}

/** Deletes rows of one kind; resolves true when a delete ran. */
function deleteRows(kind, rows, returnFocus) {
  if (kind === 'video') return deleteVideos(rows, { streamsOf: streamsOf, returnFocus });
  if (kind === 'image') return deleteImages(rows, { returnFocus });
  return deleteAttached(rows, { returnFocus });
}

/** A video's streams, each marked isSource when it is the source file listed as the OD stream. */
async function streamsOf(videoId) {
  const [play, mezzanine] = await Promise.all([
    call('GetPlayInfo', { VideoId: videoId }),
    call('GetMezzanineInfo', { VideoId: videoId }),
  ]);
  return play.PlayInfoList.map((stream) => ({ ...stream, isSource: stream.PlayURL === mezzanine.Mezzanine.FileURL }));
}

// ---- the list ----

export function showMediaList(main, kind) {
  observer.disconnect();
  const search = state[kind];
  const heading = h('h1', { tabindex: '-1' }, 'Media Files');
  const tabs = Object.entries(kinds).map(([name, info]) => h('a', {
    role: 'tab', id: `tab-${name}`, href: `#/media/${name}`, 'aria-selected': String(name === kind),
    'aria-controls': 'media-panel', tabindex: name === kind ? '0' : '-1',
  }, info.tab));
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Media type', class: 'tabs' }, tabs);
  tablist.addEventListener('keydown', (event) => {
    const index = tabs.indexOf(document.activeElement);
    if (index < 0 || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: tabs.length - 1 }[event.key];
    const tab = tabs[(next + tabs.length) % tabs.length];
    tab.focus();
    tab.click();
  });

  const titleInput = h('input', { type: 'search', id: 'search-title', name: 'title', value: search.title, autocomplete: 'off' });
  const appInput = h('input', { type: 'text', id: 'search-app', name: 'app', value: search.app, list: 'app-ids', placeholder: 'All applications', autocomplete: 'off' });
  const appList = h('datalist', { id: 'app-ids' }, [...seenApps].map((app) => h('option', { value: app })));
  const form = h('form', {
    class: 'search', role: 'search', 'aria-label': `Search ${kinds[kind].noun}`,
    onsubmit(event) {
      event.preventDefault();
      search.title = titleInput.value.trim();
      search.app = appInput.value.trim();
      search.tokens = [null];
      load();
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'search-title' }, 'Title starts with'), titleInput),
  h('div', { class: 'field' }, h('label', { for: 'search-app' }, 'Application'), appInput, appList),
  h('button', { type: 'submit', class: 'primary' }, 'Search'));

  const selectionCount = h('span', { class: 'selection-count', 'aria-live': 'polite' }, 'None selected');
  const deleteSelected = h('button', { type: 'button', class: 'danger', disabled: true }, 'Delete selected…');
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all on this page' });
  const tbody = h('tbody');
  const table = h('table', { class: 'media-table' },
    h('caption', { class: 'visually-hidden' }, `${kinds[kind].tab} media`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'select' }, selectAll),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Cover')),
      h('th', { scope: 'col' }, 'Title'),
      h('th', { scope: 'col' }, 'ID'),
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col', class: 'num' }, 'Size'),
      h('th', { scope: 'col' }, 'Created'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody);
  const message = h('div', { class: 'list-message' });
  const previous = h('button', { type: 'button', onclick: () => { search.tokens.pop(); load(); } }, 'Previous');
  const next = h('button', { type: 'button' }, 'Next');
  const pageInfo = h('span', { class: 'page-info', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, pageInfo, next);

  const panel = h('div', { role: 'tabpanel', id: 'media-panel', 'aria-labelledby': `tab-${kind}` },
    form,
    h('div', { class: 'toolbar' }, selectionCount, deleteSelected),
    h('div', { class: 'table-wrap' }, table),
    message,
    pager);
  main.replaceChildren(h('section', { class: 'view' }, heading, tablist, panel));

  let rows = [];
  const selected = new Set();
  function updateSelection() {
    selectionCount.textContent = selected.size === 0 ? 'None selected' : `${selected.size} selected${selected.size >= MaxSelection ? ` (at most ${MaxSelection} at a time)` : ''}`;
    deleteSelected.disabled = selected.size === 0;
    selectAll.checked = rows.length > 0 && selected.size === Math.min(rows.length, MaxSelection);
    selectAll.indeterminate = selected.size > 0 && !selectAll.checked;
    for (const box of tbody.querySelectorAll('input[type="checkbox"]')) box.disabled = !box.checked && selected.size >= MaxSelection;
  }
  selectAll.addEventListener('change', () => {
    selected.clear();
    if (selectAll.checked) rows.slice(0, MaxSelection).forEach((row) => selected.add(row.id));
    for (const box of tbody.querySelectorAll('input[type="checkbox"]')) box.checked = selected.has(box.value);
    updateSelection();
  });
  deleteSelected.addEventListener('click', async () => {
    const chosen = rows.filter((row) => selected.has(row.id));
    if (await deleteRows(kind, chosen, () => deleteSelected)) {
      chosen.forEach((row) => forgetThumbnail(row.id));
      load();
    }
  });
  next.addEventListener('click', () => {
    search.tokens.push(next.dataset.token);
    load();
  });

  function renderRow(row) {
    const box = h('input', { type: 'checkbox', value: row.id, 'aria-label': `Select ${row.title}`, checked: selected.has(row.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(row.id);
      else selected.delete(row.id);
      updateSelection();
    });
    const more = moreMenu(row.title, [
      { text: 'Details', onselect: () => { location.hash = `#/${kind}/${row.id}`; } },
      {
        text: 'Delete…',
        danger: true,
        async onselect(button) {
          if (await deleteRows(kind, [row], () => button)) {
            forgetThumbnail(row.id);
            load();
          }
        },
      },
    ]);
    return h('tr', { dataset: { id: row.id } },
      h('td', { class: 'select' }, box),
      h('td', { class: 'cover' }, thumb(row)),
      h('td', { class: 'title', 'data-label': 'Title' },
        h('a', { href: `#/${kind}/${row.id}` }, row.title),
        h('div', { class: 'muted small' }, [row.detail, row.appId].filter(Boolean).join(' · '))),
      h('td', { class: 'id', 'data-label': 'ID' }, h('code', {}, row.id)),
      h('td', { 'data-label': 'Status' }, status(row.status), row.hold ? ' ' : null, holdBadge(row.hold)),
      h('td', { class: 'num', 'data-label': 'Size' }, size(row.size)),
      h('td', { 'data-label': 'Created' }, time(row.created)),
      h('td', { class: 'actions' }, more));
  }

  let controller;
  async function load() {
    controller?.abort();
    controller = new AbortController();
    const token = search.tokens.at(-1);
    const parameters = { SearchType: kinds[kind].searchType, PageSize };
    if (search.title) parameters.Title = search.title;
    if (search.app) parameters.AppId = search.app;
    if (token) parameters.PageToken = token;
    table.setAttribute('aria-busy', 'true');
    message.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    try {
      const result = await call('SearchMedia', parameters, { signal: controller.signal });
      rows = result.MediaList.map((item) => toRow(kind, item));
      rows.forEach((row) => row.appId && seenApps.add(row.appId));
      selected.clear();
      tbody.replaceChildren(...rows.map(renderRow));
      updateSelection();
      const page = search.tokens.length;
      const pages = Math.max(1, Math.ceil(result.Total / PageSize));
      pageInfo.textContent = `Page ${page} of ${Math.max(page, pages)} · ${result.Total} in all`;
      previous.disabled = page === 1;
      next.disabled = !result.NextPageToken;
      next.dataset.token = result.NextPageToken ?? '';
      message.replaceChildren(rows.length === 0 ? h('p', { class: 'empty' }, `No ${kinds[kind].noun} found.`) : '');
    } catch (error) {
      if (error.name === 'AbortError') return;
      tbody.replaceChildren();
      message.replaceChildren(errorBox(error));
    } finally {
      table.removeAttribute('aria-busy');
    }
  }
  load();
}

// ---- details ----

function facts(entries) {
  return h('dl', { class: 'facts' }, entries.filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value))));
}

export function showDetail(main, kind, id) {
  observer.disconnect();
  const heading = h('h1', { tabindex: '-1' }, 'Loading…');
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  main.replaceChildren(h('section', { class: 'view' },
    h('a', { href: `#/media/${kind}`, class: 'back' }, `← ${kinds[kind].tab}`),
    heading, body));
  const render = { video: renderVideo, image: renderImage, attached: renderAttached }[kind];
  render(id, heading, body).catch((error) => {
    heading.textContent = 'Not available';
    body.replaceChildren(errorBox(error));
  });
}

async function renderImage(id, heading, body) {
  const { ImageInfo: image } = await call('GetImageInfo', { ImageId: id });
  const row = { kind: 'image', id, title: image.Title || fileName(image.URL) };
  heading.textContent = row.title;
  const remove = h('button', {
    type: 'button', class: 'danger',
    async onclick() { if (await deleteImages([row], { returnFocus: () => remove })) location.hash = '#/media/image'; },
  }, 'Delete image…');
  body.replaceChildren(
    h('div', { class: 'detail-head' }, thumb(row), facts([
      ['ID', h('code', {}, image.ImageId)], ['Type', image.ImageType], ['Status', status(image.Status)],
      ['Size', size(image.Size)], ['Created', time(image.CreationTime)], ['Application', image.AppId], ['URL', h('code', { class: 'url' }, image.URL)],
      holdFact(image.Hold),
    ])),
    h('div', { class: 'actions-bar' }, remove, holdControls('image', id, image.Hold, () => showDetail(document.getElementById('main'), 'image', id))));
}

async function renderAttached(id, heading, body) {
  const result = await call('GetAttachedMediaInfo', { MediaIds: [id] });
  const media = result.AttachedMediaList[0];
  if (!media) {
    heading.textContent = 'Not found';
    body.replaceChildren(h('p', {}, 'This item does not exist (any more).'));
    return;
  }
  const row = { kind: 'attached', id, title: media.Title || fileName(media.URL), detail: media.BusinessType };
  heading.textContent = row.title;
  const remove = h('button', {
    type: 'button', class: 'danger',
    async onclick() { if (await deleteAttached([row], { returnFocus: () => remove })) location.hash = '#/media/attached'; },
  }, 'Delete…');
  body.replaceChildren(
    facts([
      ['ID', h('code', {}, media.MediaId)], ['Business type', media.BusinessType], ['Status', status(media.Status)],
      ['Size', size(media.Size)], ['Created', time(media.CreationTime)], ['Application', media.AppId], ['URL', h('code', { class: 'url' }, media.URL)],
      holdFact(media.Hold),
    ]),
    h('div', { class: 'actions-bar' }, remove, holdControls('attached', id, media.Hold, () => showDetail(document.getElementById('main'), 'attached', id))));
}

async function renderVideo(id, heading, body) {
  const [{ Video: video }, { Mezzanine: mezzanine }, { PlayInfoList: streams }, { Images: images }] = await Promise.all([
    call('GetVideoInfo', { VideoId: id }),
    call('GetMezzanineInfo', { VideoId: id }),
    call('GetPlayInfo', { VideoId: id }),
    call('ListSnapshots', { VideoId: id }),
  ]);
  const row = { kind: 'video', id, title: video.Title, cover: images.some((image) => image.ImageType === 'CoverSnapshot') ? 'some' : 'none' };
  heading.textContent = video.Title;
  const refresh = (ran) => { if (ran) showDetail(document.getElementById('main'), 'video', id); };
  const markedStreams = streams.map((stream) => ({ ...stream, isSource: stream.PlayURL === mezzanine.FileURL }));

  const deleteAll = h('button', {
    type: 'button', class: 'danger',
    async onclick() {
      if (await deleteVideos([row], { streamsOf: async () => markedStreams, returnFocus: () => deleteAll })) {
        forgetThumbnail(id);
        location.hash = '#/media/video';
      }
    },
  }, 'Delete…');

  // the source file
  const deleteSource = h('button', {
    type: 'button', class: 'danger', disabled: mezzanine.Status === 'Deleted',
    onclick: async () => refresh(await deleteVideos([row], { preset: 'mezzanine', streamsOf: async () => markedStreams, returnFocus: () => deleteSource })),
  }, 'Delete source file…');
  const mezzanineSection = h('section', { 'aria-labelledby': 'mezzanine-heading' },
    h('h2', { id: 'mezzanine-heading' }, 'Source file (mezzanine)'),
    facts([
      ['File', mezzanine.FileName], ['Status', status(mezzanine.Status)], ['Size', size(mezzanine.Size)],
      ['URL', h('code', { class: 'url' }, mezzanine.FileURL)],
    ]),
    ['NoTranscode', 'AsyncTranscode'].includes(video.TranscodeMode) && mezzanine.Status !== 'Deleted'
      && h('p', { class: 'muted small' }, `This ${video.TranscodeMode} video plays from its source file (the OD stream): deleting it needs Force.`),
    h('div', { class: 'actions-bar' }, deleteSource));

  // the streams
  const streamBoxes = [];
  const deleteStreams = h('button', { type: 'button', class: 'danger', disabled: true }, 'Delete selected streams…');
  deleteStreams.addEventListener('click', async () => {
    const chosen = markedStreams.filter((stream) => streamBoxes.find((box) => box.value === stream.JobId)?.checked);
    refresh(await deleteVideos([row], { choice: { what: 'streams', streams: chosen }, returnFocus: () => deleteStreams }));
  });
  const streamRows = markedStreams.map((stream) => {
    const box = !stream.isSource && h('input', { type: 'checkbox', value: stream.JobId, 'aria-label': `Select the ${stream.Definition} ${stream.Format} stream` });
    if (box) {
      streamBoxes.push(box);
      box.addEventListener('change', () => { deleteStreams.disabled = !streamBoxes.some((item) => item.checked); });
    }
    return h('tr', { dataset: { jobId: stream.JobId } },
      h('td', { class: 'select' }, box || h('span', { class: 'muted small', title: 'The source file: delete it as the source file, with Force' }, 'source')),
      h('td', { 'data-label': 'Definition' }, h('strong', {}, stream.Definition)),
      h('td', { 'data-label': 'Format' }, stream.Format),
      h('td', { class: 'num', 'data-label': 'Size' }, size(stream.Size)),
      h('td', { 'data-label': 'Status' }, status(stream.Status)),
      h('td', { class: 'id', 'data-label': 'JobId' }, h('code', {}, stream.JobId)));
  });
  const streamsSection = h('section', { 'aria-labelledby': 'streams-heading' },
    h('h2', { id: 'streams-heading' }, `Streams (${streams.length})`),
    streams.length === 0 ? h('p', { class: 'muted' }, 'No streams.') : h('div', { class: 'table-wrap' }, h('table', { class: 'streams-table' },
      h('caption', { class: 'visually-hidden' }, 'Streams'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'select' }, h('span', { class: 'visually-hidden' }, 'Select')),
        h('th', { scope: 'col' }, 'Definition'), h('th', { scope: 'col' }, 'Format'), h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'JobId'))),
      h('tbody', {}, streamRows))),
    streamBoxes.length > 0 && h('div', { class: 'actions-bar' }, deleteStreams));

  // the snapshots, by type
  const typeBoxes = [];
  const deleteTypes = h('button', { type: 'button', class: 'danger', disabled: true }, 'Delete images of selected types…');
  deleteTypes.addEventListener('click', async () => {
    const types = typeBoxes.filter((box) => box.checked).map((box) => box.value);
    const ran = await deleteVideos([row], { choice: { what: 'images', types }, returnFocus: () => deleteTypes });
    if (ran && types.includes('CoverSnapshot')) forgetThumbnail(id);
    refresh(ran);
  });
  const groups = snapshotTypes.map((type) => {
    const ofType = images.filter((image) => image.ImageType === type);
    if (ofType.length === 0) return null;
    const bytes = ofType.reduce((sum, image) => sum + image.Size, 0);
    const box = h('input', { type: 'checkbox', value: type, id: `type-${type}` });
    typeBoxes.push(box);
    box.addEventListener('change', () => { deleteTypes.disabled = !typeBoxes.some((item) => item.checked); });
    return h('div', { class: 'snapshot-group', dataset: { type } },
      h('div', { class: 'check' }, box, h('label', { for: `type-${type}` }, h('strong', {}, type), ` · ${ofType.length} ${ofType.length === 1 ? 'image' : 'images'} · `, size(bytes))),
      h('ul', { class: 'snapshot-list' }, ofType.map((image) => h('li', {},
        h('code', {}, image.ImageId), ' ', size(image.Size), ' ', time(image.CreationTime)))));
  }).filter(Boolean);
  const snapshotsSection = h('section', { 'aria-labelledby': 'snapshots-heading' },
    h('h2', { id: 'snapshots-heading' }, `Snapshots (${images.length})`),
    groups.length === 0 ? h('p', { class: 'muted' }, 'No snapshots.') : groups,
    groups.length > 0 && h('div', { class: 'actions-bar' }, deleteTypes));

  body.replaceChildren(
    h('div', { class: 'detail-head' }, thumb(row), facts([
      ['ID', h('code', {}, video.VideoId)], ['Status', status(video.Status)], ['Size', size(video.Size)],
      ['Created', time(video.CreationTime)], ['Application', video.AppId], ['Category', video.CateId],
      ['Transcode mode', video.TranscodeMode], ['Storage location', video.StorageLocation], holdFact(video.Hold),
    ])),
    h('div', { class: 'actions-bar' }, deleteAll, holdControls('video', id, video.Hold, () => refresh(true))),
    mezzanineSection, streamsSection, snapshotsSection);
}
