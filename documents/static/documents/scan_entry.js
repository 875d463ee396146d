/* Scan-first line entry on a draft document.
 *
 * One input takes what a keyboard-wedge scanner types (a barcode, a SKU or a GS1 element
 * string, ended by Enter). The server resolves each code (GET /api/v1/scan/); scans are sent
 * one after the other, in the order they were read, so scanning faster than the network
 * answers still adds the right products. A known product increments its line or fills a new
 * one; an unknown code is said in the status line and changes nothing.
 *
 * Keyboard: scan, scan, ...; Tab goes to the quantity of the line last scanned; Enter there
 * comes back to the scan input. Enter in a field of the form never submits the document:
 * saving takes a click (or Tab to a button and Space/Enter on it).
 */
'use strict';
(function() {
    const $ = window.django && window.django.jQuery;

    function lineRows(group) {
        return Array.from(group.querySelectorAll('tr.form-row:not(.empty-form)')).filter(
            (row) => !row.querySelector('input[name$="-DELETE"]:checked')
        );
    }

    function productOf(row) {
        const select = row.querySelector('select[name$="-product"]');
        return select ? select.value : '';
    }

    function quantityInput(row) {
        return row.querySelector('input[name$="-quantity"]');
    }

    function setCell(row, name, text) {
        const cell = row.querySelector(`td.field-${name} p`);
        if (cell) {
            cell.textContent = text;
        }
    }

    function emptyRow(group) {
        const free = lineRows(group).find((row) => !productOf(row));
        if (free) {
            return free;
        }
        const add = group.querySelector('.add-row a');
        if (!add) {
            return null;  // the formset is at its maximum
        }
        add.click();  // Django's inlines.js adds the row and sets up its product picker
        const rows = lineRows(group);
        return rows[rows.length - 1];
    }

    function choose(row, product) {
        const select = row.querySelector('select[name$="-product"]');
        const label = `${product.sku} — ${product.name}`;
        const option = Array.from(select.options).find((o) => o.value === String(product.id));
        if (option) {
            option.selected = true;
        } else {
            select.append(new Option(label, product.id, true, true));
        }
        if ($) {
            $(select).trigger('change');  // select2 shows the chosen option
        }
    }

    function init() {
        const box = document.getElementById('scan-entry');
        const group = document.getElementById('lines-group');
        if (!box || !group) {
            return;
        }
        const form = box.closest('form');
        const input = box.querySelector('input');
        const status = box.querySelector('.scan-status');
        const warehouse = form.querySelector('[name="warehouse"]');
        let queue = Promise.resolve();
        let pending = 0;
        let lastRow = null;
        const counted = new WeakSet();  // lines scanned on this page

        function say(text, ok) {
            status.textContent = text;
            status.classList.toggle('scan-error', !ok);
            status.classList.toggle('scan-ok', ok);
            box.classList.toggle('scan-failed', !ok);
        }

        function docType() {
            const type = form.querySelector('select[name="doc_type"]');
            return type ? type.value : box.dataset.docType;
        }

        function apply(scan) {
            let row = lineRows(group).find((r) => productOf(r) === String(scan.product.id));
            const step = scan.quantity || 1;
            const qty = row ? quantityInput(row) : null;
            if (row && qty) {
                // A count's line starts at its book quantity: its first scan replaces it with
                // what is counted, the next ones add to that.
                const fresh = docType() === 'count' && !counted.has(row);
                qty.value = (fresh ? 0 : parseInt(qty.value, 10) || 0) + step;
            } else {
                row = emptyRow(group);
                if (!row) {
                    say(`Not added: the document has as many lines as it can take.`, false);
                    return;
                }
                choose(row, scan.product);
                quantityInput(row).value = step;
            }
            setCell(row, 'unit', scan.product.unit_display);
            if (scan.available !== undefined) {
                setCell(row, 'in_stock', String(scan.available));
            }
            group.querySelectorAll('tr.scan-last').forEach((r) => r.classList.remove('scan-last'));
            row.classList.add('scan-last');
            counted.add(row);
            lastRow = row;
            const extra = [scan.lot && `lot ${scan.lot}`, scan.expires_on && `expires ${scan.expires_on}`,
                scan.serial && `serial ${scan.serial}`].filter(Boolean).join(', ');
            say(`${scan.product.sku} — ${scan.product.name}: ${quantityInput(row).value} ` +
                `${scan.product.unit_display}${extra ? ` (${extra})` : ''}`, true);
        }

        async function resolve(code) {
            const params = new URLSearchParams({code: code});
            if (warehouse && warehouse.value) {
                params.set('warehouse', warehouse.value);
            }
            let response;
            try {
                response = await fetch(`${box.dataset.scanUrl}?${params}`, {
                    credentials: 'same-origin', headers: {Accept: 'application/json'},
                });
            } catch (error) {
                say(`Not added: the server cannot be reached (${code}).`, false);
                return;
            }
            let body = {};
            try {
                body = await response.json();
            } catch (error) {
                body = {detail: `the server answered ${response.status}`};
            }
            if (response.ok) {
                apply(body);
            } else {
                say(`Not added: ${body.detail || code}`, false);
            }
        }

        function enqueue(code) {
            pending += 1;
            box.dataset.pending = pending;
            queue = queue.then(() => resolve(code)).finally(() => {
                pending -= 1;
                box.dataset.pending = pending;
            });
        }

        input.addEventListener('keydown', (event) => {
            if (event.key === 'Enter') {
                event.preventDefault();
                const code = input.value.trim();
                input.value = '';
                if (code) {
                    enqueue(code);
                }
            } else if (event.key === 'Tab' && !event.shiftKey && lastRow && lastRow.isConnected) {
                event.preventDefault();
                const qty = quantityInput(lastRow);
                qty.focus();
                qty.select();
            }
        });

        // Enter in a field never submits: a scan that lands in a quantity ends with one.
        form.addEventListener('keydown', (event) => {
            const target = event.target;
            if (event.key !== 'Enter' || target === input || target.tagName !== 'INPUT') {
                return;
            }
            if (['submit', 'button', 'checkbox', 'radio'].includes(target.type)) {
                return;
            }
            event.preventDefault();
            if (target.name && target.name.endsWith('-quantity')) {
                input.focus();
            }
        });
        box.dataset.pending = 0;
        box.dataset.ready = 'true';
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
