/* Scans never land where they do harm on a document's form.
 *
 * A keyboard-wedge scanner types a whole code in a few milliseconds and ends it with Enter.
 * Typed into any field but the scan input (a line's quantity, a select's type-ahead, a
 * picker's search), it would become that field's value: a quantity of 4006381333948, a
 * receipt turned into a shipment. Here a burst of keys (4 or more, BURST_MS apart on
 * average, then Enter) in another field is taken out of it again — the field gets back the
 * value it had before the burst — handed to the scan input as a scan, and said until acknowledged. A
 * GTIN-like number (8 digits or more) put in a quantity by any means is treated the same.
 *
 * Focus starts in the scan input on a new document's form and comes back to it after a
 * picker (select2) closes, so the next scan goes where scans belong.
 */
'use strict';
(function() {
    const BURST_MS = 50;  // the mean gap of a scanner's keys (people type 100 ms and more)
    const PAUSE_MS = 150;
    const BURST_KEYS = 4;
    const GTIN_LIKE = /^\d{8,}$/;

    function init() {
        const box = document.getElementById('scan-entry');
        if (!box) {
            return;
        }
        const input = box.querySelector('input');
        const form = box.closest('form');
        let burst = null;

        // Errors stay on screen until OK is pressed: the next good scan does not hide them.
        const alertBox = document.createElement('div');
        alertBox.className = 'scan-alert';
        alertBox.setAttribute('role', 'alert');
        alertBox.hidden = true;
        alertBox.innerHTML = '<ul></ul><button type="button" class="button">OK</button>';
        box.append(alertBox);
        alertBox.querySelector('button').addEventListener('click', () => {
            alertBox.hidden = true;
            alertBox.querySelector('ul').replaceChildren();
            input.focus();
        });
        function alertSay(text) {
            const item = document.createElement('li');
            item.textContent = text;
            alertBox.querySelector('ul').append(item);
            alertBox.hidden = false;
            if (window.wmsScan) {
                window.wmsScan.bad();
            }
        }
        box.wmsAlert = alertSay;

        function label(field) {
            const cell = field.closest('td');
            const own = field.id && document.querySelector(`label[for="${field.id}"]`);
            const name = own ? own.textContent : (cell && cell.dataset.label) || field.name || 'a field';
            return name.replace(/:$/, '').trim().toLowerCase();
        }

        function handOver(field, code, before) {
            if (field.tagName === 'SELECT' || 'value' in field) {
                field.value = before;
                field.dispatchEvent(new Event('change', {bubbles: true}));
            }
            if (window.django && window.django.jQuery && field.classList.contains('select2-search__field')) {
                window.django.jQuery(form).find('select.select2-hidden-accessible').select2('close');
            }
            input.focus();
            box.dispatchEvent(new CustomEvent('wms:scan', {detail: {code}}));
            alertSay(`A scan (${code}) landed in ${label(field)}: it was taken out and scanned here.`);
            box.dataset.caught = code;
        }

        document.addEventListener('keydown', (event) => {
            const field = event.target;
            if (field === input || !form.contains(field) && !field.classList.contains('select2-search__field')) {
                return;
            }
            const now = performance.now();
            if (event.key.length === 1) {
                // A run of keys starts after a pause a person makes; it remembers the value
                // the field had before it.
                if (!burst || burst.field !== field || now - burst.last > PAUSE_MS) {
                    burst = {field, before: field.value, code: '', first: now, last: now, keys: 0};
                }
                burst.code += event.key;
                burst.keys += 1;
                burst.last = now;
            } else if (event.key === 'Enter' && burst && burst.field === field &&
                       now - burst.last <= PAUSE_MS && burst.keys >= BURST_KEYS &&
                       (burst.last - burst.first) / (burst.keys - 1) <= BURST_MS) {
                event.preventDefault();
                event.stopImmediatePropagation();
                const caught = burst;
                burst = null;
                handOver(field, caught.code, caught.before);
            }
        }, true);

        // Enter in a picker's search chooses the option that is exactly what was typed, or
        // nothing: the highlighted row may be from before the filtered results arrived (an
        // answer can take longer than a scanner), or another warehouse whose name contains the
        // code. An exact row among those shown, stale or not, is the right one: it is
        // highlighted for select2 to choose.
        document.addEventListener('keydown', (event) => {
            const search = event.target;
            const typed = search.value ? search.value.trim().toLowerCase() : '';
            if (event.key !== 'Enter' || !search.classList.contains('select2-search__field') || !typed) {
                return;  // with nothing typed, Enter takes the highlighted row as select2 does
            }
            const open = search.closest('.select2-container') || document;
            const rows = Array.from(open.querySelectorAll('.select2-results__option[aria-selected]'));
            const isExact = (row) => {
                const text = row.textContent.trim().toLowerCase();
                return text === typed || text.startsWith(`${typed} — `);
            };
            const highlighted = rows.find((row) => row.classList.contains('select2-results__option--highlighted'));
            const exact = rows.find(isExact);
            if (exact && exact !== highlighted) {
                rows.forEach((row) => row.classList.remove('select2-results__option--highlighted'));
                exact.classList.add('select2-results__option--highlighted');
            } else if (!exact) {
                event.preventDefault();
                event.stopImmediatePropagation();
                if (box.wmsSay) {
                    box.wmsSay(`Nothing chosen: no option is exactly "${search.value.trim()}" yet.`, true);
                }
            }
        }, true);

        // A GTIN-like quantity, however it got there (pasted, typed slowly), is a code.
        form.addEventListener('change', (event) => {
            const field = event.target;
            if (field.name && field.name.endsWith('-quantity') && GTIN_LIKE.test(field.value.trim())) {
                const code = field.value.trim();
                handOver(field, code, field.defaultValue && !GTIN_LIKE.test(field.defaultValue) ? field.defaultValue : '1');
            }
        });

        if (!box.dataset.docType) {
            // A new document: the scan input, never the type's select (whose type-ahead turns
            // a receipt into a shipment). Django's change_form.js focuses the first field
            // after this script has run, so again once the page has loaded.
            input.focus();
            window.addEventListener('load', () => input.focus());
        }
        if (window.django && window.django.jQuery) {
            window.django.jQuery(document).on('select2:close', () => setTimeout(() => input.focus(), 0));
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
