// The console's entry point: the key, the sections and the hash routes.
//   #/overview/{24h|30d}              what deletes freed, and what is waiting now
//   #/media/{video|image|attached}   Media Files, one tab per kind
//   #/{video|image|attached}/{id}     details of one item
//   #/policies                        media policies and their runs
//   #/reconcile                       the storage report of ReconcileStorage
//   #/recycle-bin                     the recycle bin: restore, purge
import { key, onUnauthorized } from './api.js';
import { h, errorBox } from './ui.js';
import { showMediaList, showDetail } from './media.js';
import { showPolicies } from './policies.js';
import { showReconcile } from './reconcile.js';
import { showRecycleBin } from './recyclebin.js';
import { showDeletions } from './deletions.js';
import { showOverview } from './overview.js';

const main = document.getElementById('main');
const sections = document.getElementById('sections');
const forget = document.getElementById('forget-key');

/** Whether the app is served from this machine (./run.sh), where its key comes from local.settings.json. */
function isLocal() {
  const host = location.hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function showKeyForm(problem) {
  sections.hidden = true;
  forget.hidden = true;
  const input = h('input', { id: 'key-input', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'key-help' });
  const form = h('form', {
    class: 'key-form card',
    onsubmit(event) {
      event.preventDefault();
      key.set(input.value.trim());
      route();
    },
  },
  h('h1', { tabindex: '-1' }, 'Sign in with a function key'),
  problem && errorBox(problem),
  h('label', { for: 'key-input' }, 'Function key'),
  input,
  h('p', { id: 'key-help', class: 'muted' },
    'The key is kept in this browser tab only (session storage) and sent in the x-functions-key header. ',
    'Closing the tab forgets it.'),
  isLocal() && h('p', { id: 'key-local', class: 'muted' },
    'Running the app on this machine? ', h('code', {}, './run.sh'), ' prints its local admin key when it starts: the setting ',
    h('code', {}, 'Vod__Keys__0__Secret'), ' in ', h('code', {}, 'local.settings.json'), '.'),
  h('button', { type: 'submit', class: 'primary' }, 'Continue'));
  main.replaceChildren(form);
  input.focus();
}

onUnauthorized((error) => {
  key.clear();
  showKeyForm(error);
});

forget.addEventListener('click', () => {
  key.clear();
  showKeyForm();
});

let firstRoute = true;

function route() {
  if (!key.get()) return showKeyForm();
  sections.hidden = false;
  forget.hidden = false;
  const [, section = 'media', argument] = location.hash.split('/');
  const area = ['overview', 'policies', 'reconcile', 'recycle-bin', 'deletions'].includes(section) ? section : 'media';
  for (const link of sections.querySelectorAll('a')) {
    if (link.dataset.section === area) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  let view;
  if (section === 'overview') view = showOverview(main, argument);
  else if (section === 'policies') view = showPolicies(main);
  else if (section === 'reconcile') view = showReconcile(main);
  else if (section === 'recycle-bin') view = showRecycleBin(main);
  else if (section === 'deletions') view = showDeletions(main);
  else if (['video', 'image', 'attached'].includes(section) && argument) view = showDetail(main, section, decodeURIComponent(argument));
  else view = showMediaList(main, ['video', 'image', 'attached'].includes(argument) ? argument : 'video');
  if (!firstRoute) Promise.resolve(view).then(() => main.querySelector('h1')?.focus());
  firstRoute = false;
}

window.addEventListener('hashchange', route);
route();
