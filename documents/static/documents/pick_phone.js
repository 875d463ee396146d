/* Picking task by task on a phone (admin/documents/picklist/phone.html).
 *
 * The tasks come in walking order; the first one not confirmed is shown. Its steps: scan the
 * shelf, scan the product (and its lot, unless the product's GS1 code carries it), then count:
 * each scan of the product (or +1) counts one up, Confirm sends the count. Fewer than asked
 * asks why first. Every scan is checked by the server (a wrong shelf, product or lot is a hard
 * stop: said, buzzed and kept on screen until OK). Each task's progress is kept in
 * localStorage and its confirmation carries a request id made once, so a reload or a lost
 * connection resends the same confirmation, never a second one. The last confirmation asks
 * the server to finish the list (post its documents, or leave them for a supervisor).
 */
'use strict';
(function() {
    const root = document.getElementById('pick-phone');
    if (!root) {
        return;
    }
    const tasks = JSON.parse(document.getElementById('pick-tasks').textContent);
    const el = (id) => document.getElementById(id);
    const input = el('scan-code');
    const feedback = window.wmsScan;
    const STEP_TEXT = {
        shelf: 'Go to the shelf and scan it',
        product: 'Scan the product',
        lot: 'Scan the lot',
        count: 'Scan each one (or +1), then Confirm',
    };
    const phone = window.wmsPhone(root, 'pick', scanned);

    function stateKey(task) {
        return `wms-pick:${root.dataset.list}:${task.key}`;
    }

    function load(task) {
        return phone.load(stateKey(task), () => ({step: 'shelf', count: 0}));
    }

    function save(task, state) {
        phone.save(stateKey(task), state);
    }

    function current() {
        return tasks.find((t) => t.picked === null);
    }

    const {queued, send, stop} = phone;

    function show() {
        const task = current();
        const done = tasks.filter((t) => t.picked !== null).length;
        el('pick-progress').textContent = `Task ${Math.min(done + 1, tasks.length)} of ${tasks.length}`;
        el('pick-task').hidden = !task;
        el('pick-short').hidden = true;
        if (!task) {
            el('pick-plus').hidden = el('pick-confirm').hidden = true;
            input.hidden = true;
            return;
        }
        const state = load(task);
        el('pick-step').textContent = STEP_TEXT[state.step];
        el('pick-task').dataset.step = state.step;
        el('pick-location').textContent = task.location;
        el('pick-sku').textContent = task.sku;
        el('pick-name').textContent = task.name;
        el('pick-lot').textContent = task.lot ?
            `Lot ${task.lot}${task.expires_on ? ` · expires ${task.expires_on}` : ''} ` +
            '(first to expire, first out)' : '';
        el('pick-count').textContent = state.count;
        el('pick-asked').textContent = task.quantity;
        el('pick-packs').textContent = task.packs || '';
        el('pick-plus').hidden = el('pick-confirm').hidden = state.step !== 'count';
        input.hidden = false;
        input.focus();
    }

    async function scanned(code) {
        const task = current();
        if (!task || phone.stopped()) {
            return;
        }
        const state = load(task);
        const step = state.step === 'count' ? 'product' : state.step;
        let reply;
        try {
            reply = await send('check', {task: task.key, step, code});
        } catch (error) {
            stop(`No connection: ${code} was not checked. Scan it again.`);
            return;
        }
        if (!reply.answer.ok) {
            stop(reply.answer.detail || `${code} was refused.`);
            return;
        }
        feedback.good();
        if (state.step === 'shelf') {
            state.step = 'product';
        } else if (state.step === 'product') {
            state.lot = reply.answer.lot;
            state.step = task.lot && !reply.answer.lot ? 'lot' : 'count';
            state.count = state.step === 'count' ? Math.min(reply.answer.count, task.quantity) : 0;
        } else if (state.step === 'lot') {
            state.step = 'count';
            state.count = 1;
        } else {
            countUp(task, state, reply.answer.count);
        }
        save(task, state);
        show();
    }

    function countUp(task, state, n) {
        if (state.count + n > task.quantity) {
            stop(`Only ${task.quantity} asked: put the extra back.`);
            return;
        }
        state.count += n;
    }

    el('pick-plus').addEventListener('click', () => {
        const task = current();
        const state = load(task);
        countUp(task, state, 1);
        save(task, state);
        show();
    });

    el('pick-confirm').addEventListener('click', () => {
        const task = current();
        const state = load(task);
        if (state.count < task.quantity) {
            el('pick-short').hidden = false;
            el('pick-short').querySelector('button').focus();
            return;
        }
        queued(() => confirm(task, ''));
    });

    el('pick-short').querySelectorAll('.reason').forEach((button) => {
        button.addEventListener('click', () => {
            queued(() => confirm(current(), button.textContent.trim()));
        });
    });
    el('pick-short-back').addEventListener('click', show);

    async function confirm(task, reason) {
        const state = load(task);
        state.request = state.request || phone.uuid4();  // kept before sending: a retry is the same
        save(task, state);
        let reply;
        try {
            reply = await send('confirm', {
                task: task.key, quantity: state.count, reason, request_id: state.request,
            });
        } catch (error) {
            stop('No connection: nothing was lost. Press Confirm again when back online.');
            return;
        }
        if (reply.answer.ok || reply.status === 409) {
            task.picked = reply.answer.ok ? reply.answer.picked : reply.answer.quantity;
            phone.forget(stateKey(task));
            if (!reply.answer.ok) {
                stop(reply.answer.detail);
            } else {
                feedback.good();
            }
            show();
            if (!current()) {
                await finish();
            }
        } else {
            stop(reply.answer.detail || 'The confirmation was refused.');
        }
    }

    async function finish() {
        const box = el('pick-done');
        box.hidden = false;
        box.textContent = 'All picked. Finishing…';
        let reply;
        try {
            reply = await send('finish', {});
        } catch (error) {
            box.textContent = 'All picked, but the server cannot be reached: reload to finish.';
            return;
        }
        if (!reply.answer.ok) {
            box.textContent = reply.answer.detail;
            return;
        }
        const lines = reply.answer.posted.map((d) =>
            `${d.number} posted` + (d.backorder ? `; backorder ${d.backorder} holds the rest` : ''));
        reply.answer.left.forEach((n) => lines.push(`${n} left for a supervisor to post`));
        box.textContent = `Done. ${lines.join('. ') || 'Nothing left to post'}.`;
        box.dataset.finished = 'true';
    }

    show();
    if (!current() && tasks.length) {
        queued(finish);
    }
    phone.ready();
})();
