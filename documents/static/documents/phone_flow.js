/* What the phone's task pages share (picking: pick_phone.js, counting: count_phone.js).
 *
 * window.wmsPhone(root, prefix, onScan) wires the page whose container is ``root`` (with
 * data-action-url and data-csrf) and whose elements are named ``<prefix>-alert``,
 * ``<prefix>-alert-text`` and ``<prefix>-alert-ok``, and the scan field #scan-code: each
 * scan (the code as the scanner meant it) goes to onScan(code) in turn. It returns:
 *   queued(job)        run job() after every earlier one, in the order asked; root's
 *                      data-pending says how many are left
 *   send(action, body) POST JSON to the page's action URL + action: {status, answer}
 *   stop(text)         a hard stop: said, buzzed, kept on screen; scans are dropped until OK
 *   stopped()          whether a stop is on screen
 *   uuid4()            a request id, made once per confirmation so a retry is the same one
 *   load(key, empty) / save(key, state) / forget(key): state kept on the phone (a reload)
 *   ready()            says the page is ready (data-ready), once its first view is shown
 */
'use strict';
window.wmsPhone = function(root, prefix, onScan) {
    const el = (id) => document.getElementById(id);
    const input = el('scan-code');
    const feedback = window.wmsScan;
    let busy = Promise.resolve();
    let pending = 0;
    let stopped = false;

    function queued(job) {
        pending += 1;
        root.dataset.pending = pending;
        busy = busy.then(job).finally(() => {
            pending -= 1;
            root.dataset.pending = pending;
        });
    }

    function uuid4() {
        const b = crypto.getRandomValues(new Uint8Array(16));
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }

    function load(key, empty) {
        try {
            return JSON.parse(localStorage.getItem(key)) || empty();
        } catch (error) {
            return empty();
        }
    }

    async function send(action, body) {
        const response = await fetch(root.dataset.actionUrl + action + '/', {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': root.dataset.csrf},
            body: JSON.stringify(body),
        });
        let answer = {};
        try {
            answer = await response.json();
        } catch (error) {
            answer = {detail: `The server answered ${response.status}.`};
        }
        return {status: response.status, answer};
    }

    function stop(text) {
        stopped = true;
        el(`${prefix}-alert-text`).textContent = text;
        el(`${prefix}-alert`).hidden = false;
        feedback.bad();
        el(`${prefix}-alert-ok`).focus();
    }

    el(`${prefix}-alert-ok`).addEventListener('click', () => {
        stopped = false;
        el(`${prefix}-alert`).hidden = true;
        input.focus();
    });

    input.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter') {
            return;
        }
        event.preventDefault();
        const code = feedback.clean(input.value);
        input.value = '';
        if (code) {
            queued(() => onScan(code));
        }
    });

    return {
        queued,
        send,
        stop,
        stopped: () => stopped,
        uuid4,
        load,
        save: (key, state) => localStorage.setItem(key, JSON.stringify(state)),
        forget: (key) => localStorage.removeItem(key),
        ready() {
            root.dataset.pending = pending;
            root.dataset.ready = 'true';
        },
    };
};
