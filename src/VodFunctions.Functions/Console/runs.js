// "Run now" for a timer function: POST /admin/functions/{name} (admin key, answers 202 with the RunId),
// then follow the run through the function's run records until it is over.
import { runFunction } from './api.js';
import { h, fill, errorBox } from './ui.js';

const delays = [500, 1000, 1000, 2000, 2000, 3000];
const maxWait = 5 * 60 * 1000;
const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * A button that runs `name` now and a live status line.
 * `listRuns()` answers the function's latest runs (each with RunId and Status), `describe(run)` says
 * how a finished run went, `onRuns(runs)` shows the runs whenever they are read, `onDone()` follows a finished run.
 */
export function runNowButton(name, { listRuns, describe, onRuns, onDone }) {
  const status = h('div', { class: 'run-status', role: 'status' });
  const button = h('button', {
    type: 'button',
    async onclick() {
      button.disabled = true;
      fill(status, h('p', { class: 'muted' }, `Starting ${name}…`));
      try {
        const { RunId: runId } = await runFunction(name);
        fill(status, h('p', { class: 'muted' }, `${name} is running…`));
        const started = Date.now();
        for (let attempt = 0; Date.now() - started < maxWait; attempt++) {
          await wait(delays[Math.min(attempt, delays.length - 1)]);
          if (!button.isConnected) return;
          const runs = await listRuns();
          onRuns(runs);
          const run = runs.find((item) => item.RunId === runId);
          if (run && run.Status !== 'Running') {
            fill(status, h('p', { class: run.Status === 'Completed' ? 'ok-text' : 'danger-text' }, describe(run)));
            onDone?.();
            return;
          }
        }
        fill(status, h('p', { class: 'muted' }, `${name} has not finished yet; its run appears here when it does.`));
      } catch (error) {
        fill(status, errorBox(error));
      } finally {
        button.disabled = false;
      }
    },
  }, 'Run now');
  return { button, status };
}
