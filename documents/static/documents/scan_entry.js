/* Scan-first line entry on a draft document.
 *
 * One input takes what a keyboard-wedge scanner types (a barcode, a SKU, a location's barcode
 * or path, or a GS1 element string, ended by Enter). The server resolves each code
 * (GET /api/v1/scan/); scans are sent one after the other, in the order they were read, so
 * scanning faster than the network answers still adds the right products. A known product
 * increments its line or fills a new one; an unknown code is said in the status line and
 * changes nothing.
 *
 * A location scan sets the current location, which the lines scanned next are given: where a
 * receipt puts goods away, where a shipment takes them from, the location an adjustment or a
 * count changes. A transfer has two: a location of the source warehouse sets "from", one of
 * the destination warehouse sets "to"; within one warehouse scans alternate from, to, from...
 * A "to" also goes to the lines scanned since their "from" that have no destination yet, so
 * both "from, products, to" and "from, to, products" work. A location outside the document's
 * warehouse(s) is refused aloud. A line is the same line when product, lot and location(s)
 * are: a GS1 scan of another lot makes a new line.
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

    function field(row, name) {
        return row.querySelector(`[name$="-${name}"]`);
    }

    function valueOf(row, name) {
        const input = field(row, name);
        return input ? input.value.trim() : '';
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

    function choose(select, id, label) {
        if (!select) {
            return;
        }
        const option = Array.from(select.options).find((o) => o.value === String(id));
        if (option) {
            option.selected = true;
        } else {
            select.append(new Option(label, id, true, true));
        }
        if ($) {
            $(select).trigger('change');  // select2 shows the chosen option
        }
    }

    // What the scanned code says the lot is: the serial for a serial-tracked product, the
    // lot for a lot-tracked one, nothing for an untracked one (the server would refuse it).
    function lotOf(scan) {
        const tracking = scan.product.tracking;
        if (tracking === 'serial') {
            return scan.serial || scan.lot || '';
        }
        return tracking === 'lot' ? scan.lot || scan.serial || '' : '';
    }

    const PLACE_LABEL = {
        receipt: 'Put away at', shipment: 'Take from', adjustment: 'Location', count: 'Location',
    };

    function init() {
        const box = document.getElementById('scan-entry');
        const group = document.getElementById('lines-group');
        if (!box || !group) {
            return;
        }
        const form = box.closest('form');
        const input = box.querySelector('input');
        const status = box.querySelector('.scan-status');
        const where = box.querySelector('.scan-where');
        const warehouse = form.querySelector('[name="warehouse"]');
        const destination = form.querySelector('[name="destination_warehouse"]');
        const here = {from: null, to: null};  // the current location(s): {id, path, warehouse}
        let sinceFrom = [];  // transfer lines scanned since "from" was set
        let queue = Promise.resolve();
        let pending = 0;
        let lastRow = null;
        const counted = new WeakSet();  // lines scanned on this page

        function say(text, ok) {
            status.textContent = text;
            status.classList.toggle('scan-error', !ok);
            status.classList.toggle('scan-ok', ok);
            box.classList.toggle('scan-failed', !ok);
            if (!ok && box.wmsAlert) {
                box.wmsAlert(text);  // scan_guard.js: kept until acknowledged, with a buzz
            } else if (ok && window.wmsScan) {
                window.wmsScan.good();
            }
        }

        function docType() {
            const type = form.querySelector('select[name="doc_type"]');
            return type ? type.value : box.dataset.docType;
        }

        function showWhere() {
            const type = docType();
            let text = '';
            if (type === 'transfer') {
                text = `From ${here.from ? here.from.path : '—'} → to ${here.to ? here.to.path : '—'}`;
            } else {
                text = `${PLACE_LABEL[type] || 'Location'}: ${here.from ? here.from.path : '—'}`;
            }
            where.textContent = text;
        }

        function applyLocation(scan) {
            const place = {id: String(scan.location), path: scan.location_path,
                warehouse: String(scan.warehouse)};
            const source = warehouse ? warehouse.value : '';
            if (!source && warehouse && !place.path.includes('/')) {
                // A warehouse's own code (its root location) chooses the document's warehouse.
                choose(warehouse, place.warehouse, place.path);
                say(`Warehouse: ${place.path}`, true);
                return;
            }
            if (!source) {
                say(`Not used: choose the document's warehouse before scanning ${place.path}.`, false);
                return;
            }
            const transfer = docType() === 'transfer';
            const target = transfer && destination ? destination.value : '';
            const inSource = place.warehouse === source;
            const inTarget = transfer && place.warehouse === target;
            if (!inSource && !inTarget) {
                say(`Not used: ${place.path} is not in the document's warehouse` +
                    `${transfer ? 's' : ''}.`, false);
                return;
            }
            // Within one warehouse the scan after a "from" is its "to"; otherwise the warehouse
            // says which one it is.
            const asTarget = inSource && inTarget ? Boolean(here.from && !here.to) : inTarget;
            if (!asTarget) {
                here.from = place;
                if (inTarget) {
                    here.to = null;  // within one warehouse: a new from/to pair starts
                }
                sinceFrom = [];
                say(`${transfer ? 'From' : PLACE_LABEL[docType()] || 'Location'}: ${place.path}`, true);
            } else {
                here.to = place;
                sinceFrom.filter((row) => row.isConnected && !valueOf(row, 'destination_location'))
                    .forEach((row) => setLocation(row, 'destination_location', place));
                sinceFrom = [];
                say(`To: ${place.path}`, true);
            }
            showWhere();
        }

        function setLocation(row, name, place) {
            choose(field(row, name), place.id, place.path);
        }

        function sameLine(row, scan, lot) {
            return productOf(row) === String(scan.product.id) &&
                valueOf(row, 'lot_code') === lot &&
                valueOf(row, 'location') === (here.from ? here.from.id : '') &&
                (!field(row, 'destination_location') || docType() !== 'transfer' ||
                    valueOf(row, 'destination_location') === (here.to ? here.to.id : ''));
        }

        function apply(scan) {
            if (scan.kind === 'location') {
                applyLocation(scan);
                return;
            }
            if (warehouse && !warehouse.value) {
                // Not kept for a warehouse chosen later: the lines would move whatever that
                // warehouse turns out to be, a picker's wrong row included.
                say(`Not added: choose the document's warehouse (scan its code) before ` +
                    `${scan.product.sku}.`, false);
                return;
            }
            const lot = lotOf(scan);
            let row = lineRows(group).find((r) => sameLine(r, scan, lot));
            if (row && lot && scan.product.tracking === 'serial') {
                // A serial is one piece: a second scan of it is a mistake, said now rather
                // than as quantity 2 refused at Save.
                say(`Not added: serial ${lot} of ${scan.product.sku} is already on this ` +
                    'document.', false);
                return;
            }
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
                choose(field(row, 'product'), scan.product.id,
                    `${scan.product.sku} — ${scan.product.name}`);
                quantityInput(row).value = step;
                fillNew(row, scan, lot);
            }
            setCell(row, 'unit', scan.product.unit_display);
            if (scan.available !== undefined) {
                setCell(row, 'in_stock', String(scan.available));
            }
            group.querySelectorAll('tr.scan-last').forEach((r) => r.classList.remove('scan-last'));
            row.classList.add('scan-last');
            counted.add(row);
            lastRow = row;
            const extra = [scan.packaging && `${scan.packaging}: +${scan.quantity}`,
                scan.lot && `lot ${scan.lot}`, scan.expires_on && `expires ${scan.expires_on}`,
                scan.serial && `serial ${scan.serial}`, here.from && `at ${here.from.path}`,
                docType() === 'transfer' && here.to && `to ${here.to.path}`,
            ].filter(Boolean).join(', ');
            const shown = window.wmsQuantities.format(quantityInput(row).value,
                scan.product.decimals);
            say(`${scan.product.sku} — ${scan.product.name}: ${shown} ` +
                `${scan.product.unit_display}${extra ? ` (${extra})` : ''}`, true);
            if (scan.product.tracking !== 'none' && !lot && needsLot()) {
                say(`${scan.product.sku} is tracked by ${scan.product.tracking}: scan its GS1 ` +
                    `code with the ${scan.product.tracking}, or type it on the line.`, false);
            }
        }

        // Types that put stock at one lot: a tracked product's line must name it.
        function needsLot() {
            return ['receipt', 'adjustment', 'count', 'return'].includes(docType());
        }

        function fillNew(row, scan, lot) {
            const lotInput = field(row, 'lot_code');
            if (lotInput && lot) {
                lotInput.value = lot;
            }
            const expiry = field(row, 'expires_on');
            if (expiry && scan.expires_on && docType() === 'receipt') {
                expiry.value = scan.expires_on;
            }
            if (here.from) {
                setLocation(row, 'location', here.from);
            }
            if (docType() === 'transfer') {
                if (here.to) {
                    setLocation(row, 'destination_location', here.to);
                } else {
                    sinceFrom.push(row);
                }
            }
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

        // A scan that landed in another field of the form, handed over by scan_guard.js.
        box.addEventListener('wms:scan', (event) => enqueue(event.detail.code));
        box.wmsSay = say;

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
        // Another warehouse: the current locations of the old one no longer apply, and the
        // "in stock" of every line is read again for the new one (one request for all lines;
        // an answer overtaken by a later change is dropped).
        let stockAsked = 0;
        async function refreshStock() {
            const asked = ++stockAsked;
            const rows = lineRows(group).filter((r) => productOf(r) && r.querySelector('td.field-in_stock p'));
            const chosen = warehouse ? warehouse.value : '';
            if (!rows.length || !chosen) {
                rows.forEach((r) => setCell(r, 'in_stock', ''));
                return;
            }
            const params = new URLSearchParams({warehouse: chosen});
            rows.forEach((r) => params.append('product', productOf(r)));
            box.dataset.stock = 'loading';
            let found = null;
            try {
                const response = await fetch(`${box.dataset.stockUrl}?${params}`, {
                    credentials: 'same-origin', headers: {Accept: 'application/json'},
                });
                found = response.ok ? (await response.json()).in_stock : null;
            } catch (error) {
                found = null;
            }
            if (asked !== stockAsked) {
                return;
            }
            rows.forEach((r) => setCell(r, 'in_stock', found ? String(found[productOf(r)] || 0) : '?'));
            if (!found) {
                say('The stock of the new warehouse could not be read.', false);
            }
            box.dataset.stock = 'done';
        }

        function warehousesChanged() {
            if (here.from && (!warehouse || here.from.warehouse !== warehouse.value)) {
                here.from = null;
            }
            if (here.to && (!destination || here.to.warehouse !== destination.value)) {
                here.to = null;
            }
            showWhere();
        }

        function onChange(element, handler) {
            if (!element) {
                return;
            }
            if ($) {
                $(element).on('change', handler);  // also what select2 triggers
            } else {
                element.addEventListener('change', handler);
            }
        }
        onChange(warehouse, () => {
            warehousesChanged();
            refreshStock();
        });
        onChange(destination, warehousesChanged);
        onChange(form.querySelector('select[name="doc_type"]'), showWhere);
        showWhere();
        box.dataset.pending = 0;
        box.dataset.ready = 'true';
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
