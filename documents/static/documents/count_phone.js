/* Counting a count shelf by shelf on a phone (admin/documents/document/count_phone.html).
 *
 * The shelves come in walking order; the first one not confirmed is shown. Scan the shelf (any
 * other is a hard stop), then everything on it: each scan counts what it names up (a product:
 * one unit; a case: its pieces; a GS1 count or weight: what it says), a lot-tracked product
 * scanned without its lot asks for the lot next. Each line's quantity can be set with - and +
 * or typed. Confirm shelf sends what was counted; nothing counted is sent only by Shelf is
 * empty. A blind count's page carries no book quantity at all. The shelf's progress is kept in
 * localStorage and its confirmation carries a request id made once (phone_flow.js), so a
 * reload or a lost answer resends the same confirmation; a shelf another counter confirmed
 * first is said (who) and skipped. After the last shelf the server is asked to finish: the
 * count is posted, or left for a supervisor.
 */
'use strict';
(function() {
    const root = document.getElementById('count-phone');
    const data = document.getElementById('count-shelves');
    if (!root || !data) {
        return;
    }
    const shelves = JSON.parse(data.textContent);
    const el = (id) => document.getElementById(id);
    const input = el('scan-code');
    const feedback = window.wmsScan;
    const phone = window.wmsPhone(root, 'count', scanned);
    // A number this long typed into a quantity is a code that landed there, not a count.
    const CODE_LENGTH = 8;

    function stateKey(shelf) {
        return `wms-count:${root.dataset.count}:${shelf.id}`;
    }

    function load(shelf) {
        return phone.load(stateKey(shelf), () => ({step: 'shelf', items: []}));
    }

    function save(shelf, state) {
        phone.save(stateKey(shelf), state);
    }

    function current() {
        return shelves.find((s) => s.done === null);
    }

    // Stock steps as the unit reads them ("1.250" kg), and back, exactly.
    function units(steps, decimals) {
        if (!decimals) {
            return String(steps);
        }
        const digits = String(steps).padStart(decimals + 1, '0');
        return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
    }

    function toSteps(text, decimals) {
        const found = /^(\d{1,12})(?:[.,](\d*))?$/.exec(text.trim());
        if (!found || (found[2] || '').length > decimals) {
            return null;
        }
        return Number(found[1]) * 10 ** decimals + Number((found[2] || '').padEnd(decimals, '0') || 0);
    }

    function what(item) {
        return `${item.sku} ${item.name}${item.lot ? ` · lot ${item.lot}` : ''}`;
    }

    function make(tag, className, text, label) {
        const node = document.createElement(tag);
        node.className = className;
        if (tag === 'button') {
            node.type = 'button';
        }
        if (text !== null) {
            node.textContent = text;
        }
        if (label) {
            node.setAttribute('aria-label', label);
        }
        return node;
    }

    function showItems(state) {
        el('count-items').replaceChildren(...state.items.map((item, index) => {
            const row = make('li', '', null);
            row.dataset.index = index;
            const quantity = make('input', 'quantity', null, `${item.sku} counted`);
            quantity.inputMode = item.decimals ? 'decimal' : 'numeric';
            quantity.value = units(item.quantity, item.decimals);
            const numbers = make('div', 'qty', null);
            numbers.append(
                make('button', 'big minus', '−', `one less ${item.sku}`),
                quantity,
                make('span', 'unit', item.unit),
                make('button', 'big plus', '+', `one more ${item.sku}`),
            );
            row.append(make('span', 'what', what(item)), numbers);
            return row;
        }));
    }

    function show() {
        const shelf = current();
        const done = shelves.filter((s) => s.done !== null).length;
        el('count-progress').textContent = shelf ?
            `Shelf ${done + 1} of ${shelves.length}` :
            `All ${shelves.length} shelves counted`;
        el('count-shelf').hidden = !shelf;
        if (!shelf) {
            el('count-items').replaceChildren();
            el('count-confirm').hidden = el('count-empty').hidden = true;
            input.hidden = true;
            return;
        }
        const state = load(shelf);
        el('count-shelf').dataset.step = state.step;
        el('count-step').textContent = {
            shelf: 'Go to the shelf and scan it',
            lot: state.lotFor ? `Scan the lot of ${state.lotFor.sku}` : '',
            count: 'Scan everything on the shelf, then Confirm',
        }[state.step];
        el('count-location').textContent = shelf.location;
        el('count-expected').replaceChildren(...shelf.expected.map((line) => {
            const row = document.createElement('li');
            row.textContent = `${what(line)}: ${units(line.book, line.decimals)} on the books`;
            return row;
        }));
        showItems(state);
        const total = state.items.reduce((sum, item) => sum + item.quantity, 0);
        el('count-confirm').hidden = state.step === 'shelf' || total === 0;
        el('count-empty').hidden = state.step === 'shelf' || total > 0;
        input.hidden = false;
        input.focus();
    }

    function add(state, item) {
        const same = state.items.find((i) => i.product === item.product && i.lot === item.lot);
        if (same) {
            same.quantity += item.quantity;
        } else {
            state.items.push(item);
        }
    }

    async function scanned(code) {
        const shelf = current();
        if (!shelf || phone.stopped()) {
            return;
        }
        const state = load(shelf);
        const step = state.step === 'count' ? 'item' : state.step;
        const body = {shelf: shelf.id, step, code};
        if (step === 'lot') {
            body.product = state.lotFor.product;
        }
        let reply;
        try {
            reply = await phone.send('check', body);
        } catch (error) {
            phone.stop(`No connection: ${code} was not checked. Scan it again.`);
            return;
        }
        const answer = reply.answer;
        if (!answer.ok) {
            if (step === 'lot') {
                // The product waiting for its lot is dropped: scan it again, or set it aside.
                delete state.lotFor;
                state.step = 'count';
                save(shelf, state);
                show();
            }
            phone.stop(answer.detail || `${code} was refused.`);
            return;
        }
        feedback.good();
        if (step === 'shelf') {
            state.step = 'count';
        } else if (step === 'lot') {
            add(state, {...state.lotFor, lot: answer.lot});
            delete state.lotFor;
            state.step = 'count';
        } else if (answer.needs_lot) {
            state.lotFor = item(answer);
            state.step = 'lot';
        } else if (!answer.shelf) {
            add(state, item(answer));
        }
        save(shelf, state);
        show();
    }

    function item(answer) {
        const {product, sku, name, unit, decimals, lot} = answer;
        return {product, sku, name, unit, decimals, lot, quantity: answer.count};
    }

    // The quantities: - and + by one unit, or typed (a code that lands here is scanned).
    el('count-items').addEventListener('click', (event) => {
        const button = event.target.closest('button');
        if (!button) {
            return;
        }
        const shelf = current();
        const state = load(shelf);
        const line = state.items[button.closest('li').dataset.index];
        const step = 10 ** line.decimals;
        line.quantity = Math.max(0, line.quantity + (button.classList.contains('plus') ? step : -step));
        save(shelf, state);
        show();
    });

    function typed(field) {
        if (field.dataset.taken) {
            return;  // Enter took it; the change event that follows as it is replaced must not
        }
        field.dataset.taken = 'true';
        const shelf = current();
        const state = load(shelf);
        const line = state.items[field.closest('li').dataset.index];
        const text = field.value.trim();
        if (text.replace(/\D/g, '').length >= CODE_LENGTH) {
            phone.queued(() => scanned(feedback.clean(text)));
        } else if (toSteps(text, line.decimals) === null) {
            phone.stop(`${text} is not a quantity of ${line.sku}.`);
        } else {
            line.quantity = toSteps(text, line.decimals);
            save(shelf, state);
        }
        show();
    }

    el('count-items').addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && event.target.matches('input.quantity')) {
            event.preventDefault();
            typed(event.target);
        }
    });
    el('count-items').addEventListener('focusin', (event) => {
        if (event.target.matches('input.quantity')) {
            event.target.select();  // what is typed (or scanned) replaces the number
        }
    });
    el('count-items').addEventListener('change', (event) => {
        if (event.target.matches('input.quantity')) {
            typed(event.target);
        }
    });

    el('count-confirm').addEventListener('click', () => phone.queued(() => confirm(current(), false)));
    el('count-empty').addEventListener('click', () => phone.queued(() => confirm(current(), true)));

    async function confirm(shelf, empty) {
        if (!shelf) {
            return;
        }
        const state = load(shelf);
        state.request = state.request || phone.uuid4();  // kept before sending: a retry is the same
        save(shelf, state);
        const items = empty ? [] : state.items.filter((i) => i.quantity > 0);
        let reply;
        try {
            reply = await phone.send('confirm', {
                shelf: shelf.id,
                request_id: state.request,
                empty,
                items: items.map((i) => ({product: i.product, lot: i.lot, quantity: i.quantity})),
            });
        } catch (error) {
            phone.stop('No connection: nothing was lost. Press Confirm again when back online.');
            return;
        }
        if (!reply.answer.ok && reply.status !== 409) {
            phone.stop(reply.answer.detail || 'The confirmation was refused.');
            return;
        }
        shelf.done = reply.answer.ok ?
            {counted: reply.answer.counted, empty: reply.answer.empty} :
            {counted: reply.answer.counted, by: reply.answer.confirmed_by};
        phone.forget(stateKey(shelf));
        if (reply.answer.ok) {
            feedback.good();
        } else {
            phone.stop(reply.answer.detail);
        }
        show();
        if (!current()) {
            await finish();
        }
    }

    async function finish() {
        const box = el('count-done');
        box.hidden = false;
        box.textContent = 'Every shelf is counted. Finishing…';
        let reply;
        try {
            reply = await phone.send('finish', {});
        } catch (error) {
            box.textContent = 'Every shelf is counted, but the server cannot be reached: reload to finish.';
            return;
        }
        const answer = reply.answer;
        if (!answer.ok) {
            box.textContent = answer.detail;
            return;
        }
        // Posted by this request, or by the count's other counter meanwhile.
        box.textContent = answer.status === 'posted' ?
            `Done. ${answer.number} is posted: the stock is what was counted.` :
            `Done. ${answer.number} is left for a supervisor to check and post.`;
        box.dataset.finished = 'true';
    }

    // Shelves confirmed (here, or by another counter) need nothing kept on the phone.
    shelves.filter((s) => s.done !== null).forEach((s) => phone.forget(stateKey(s)));
    show();
    if (!current() && shelves.length) {
        phone.queued(finish);
    }
    phone.ready();
})();
