/* A new document's form shows what its type uses: the destination only for a transfer, the
 * origin only for a return, the line columns of its type (as a saved draft of that type shows
 * them: no destination on a receipt, no expiry on a shipment; the list comes from the server,
 * #line-columns), and quantities bounded as the type allows (the server checks the same rules
 * on save). A hidden column's inputs are disabled, so nothing left in them is sent. */
'use strict';
(function() {
    // The smallest quantity a line of each type may have; adjustments are signed.
    const MIN_QUANTITY = {
        receipt: 1, shipment: 1, transfer: 1, count: 0, adjustment: null, 'return': 1,
    };

    function init() {
        const type = document.getElementById('id_doc_type');
        if (!type || type.tagName !== 'SELECT') {
            return;  // a saved document keeps its type; the server renders its fields
        }
        const destination = document.querySelector('.form-row.field-destination_warehouse');
        const origin = document.querySelector('.form-row.field-origin');
        const data = document.getElementById('line-columns');
        const columns = data ? JSON.parse(data.textContent) : null;
        const all = columns ? new Set(Object.values(columns).flat()) : new Set();

        function fitColumns() {
            const shown = new Set(columns[type.value] || all);
            all.forEach((name) => {
                const hide = !shown.has(name);
                document.querySelectorAll(`#lines-group th.column-${name}, #lines-group td.field-${name}`)
                    .forEach((cell) => {
                        cell.hidden = hide;
                        cell.querySelectorAll('input, select').forEach((input) => {
                            input.disabled = hide;
                        });
                    });
            });
        }

        function fit() {
            if (columns) {
                fitColumns();
            }
            if (destination) {
                destination.hidden = type.value !== 'transfer';
            }
            if (origin) {
                origin.hidden = type.value !== 'return';
            }
            const min = MIN_QUANTITY[type.value];
            document.querySelectorAll('#lines-group input[name$="-quantity"]').forEach((input) => {
                if (min === null || min === undefined) {
                    input.removeAttribute('min');
                } else {
                    input.min = min;
                }
            });
        }
        type.addEventListener('change', fit);
        document.addEventListener('formset:added', fit);
        fit();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
