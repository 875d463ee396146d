/* Before a document is saved or posted, the quantities are said.
 *
 * Post asks with the totals it will move (every line's SKU and quantity — the shipped
 * quantities on a reserved document — and the sum), so a wrong quantity is seen before stock
 * moves. A quantity above the plausible limit (settings.QUANTITY_CONFIRM_ABOVE, on the Post
 * button and the scan box as data-quantity-limit) needs its own "yes" on Save as well as on
 * Post: one slip of a scanner into a quantity must not become four trillion boxes.
 */
'use strict';
(function() {
    function lineTotals() {
        const rows = Array.from(document.querySelectorAll('#lines-group tr.form-row:not(.empty-form)'));
        return rows.filter((row) => !row.querySelector('input[name$="-DELETE"]:checked')).map((row) => {
            const product = row.querySelector('td.field-product');
            const chosen = product && product.querySelector('.select2-selection__rendered');
            const name = (chosen ? chosen.textContent : product ? product.textContent : '')
                .replace(/^×/, '').split(' — ')[0].trim();
            const input = row.querySelector('input.shipped-input') ||
                row.querySelector('input[name$="-quantity"]');
            const cell = row.querySelector('td.field-quantity');
            const text = input ? input.value : cell ? cell.textContent : '';
            return {name, quantity: parseInt(text, 10)};
        }).filter((line) => line.name && line.name !== '---------' && !Number.isNaN(line.quantity));
    }

    function limitOf(element) {
        const limit = parseInt((element && element.dataset.quantityLimit) || '', 10);
        return Number.isNaN(limit) ? Infinity : limit;
    }

    function implausible(lines, limit) {
        return lines.filter((line) => Math.abs(line.quantity) > limit)
            .map((line) => `${line.name}: ${line.quantity.toLocaleString('en')} is more than ` +
                 `${limit.toLocaleString('en')}. Is that right?`);
    }

    function postQuestion(button) {
        const lines = lineTotals();
        const total = lines.reduce((sum, line) => sum + line.quantity, 0);
        const shown = lines.slice(0, 12).map((line) => `  ${line.name} × ${line.quantity}`);
        if (lines.length > shown.length) {
            shown.push(`  … and ${lines.length - shown.length} more lines`);
        }
        return [
            `Post ${button.dataset.number}? It moves ${lines.length} line(s), ${total} in total:`,
            ...shown,
            ...implausible(lines, limitOf(button)),
            'Its stock moves now; only cancelling can reverse it.',
        ].join('\n');
    }

    function init() {
        const asking = new Set();
        document.querySelectorAll('button.post-document').forEach((button) => {
            const ask = (event) => {
                button.dataset.asked = postQuestion(button);
                if (!window.confirm(button.dataset.asked)) {
                    event.preventDefault();
                    event.stopImmediatePropagation();
                }
            };
            const own = button.form && button.form.id === 'post-document-form' ? button.form : null;
            if (own && !asking.has(own)) {
                asking.add(own);  // one question per submit, whichever of its buttons
                own.addEventListener('submit', (event) => {
                    const by = event.submitter && event.submitter.classList.contains('post-document') ?
                        event.submitter : button;
                    by.dataset.asked = postQuestion(by);
                    if (!window.confirm(by.dataset.asked)) {
                        event.preventDefault();
                    }
                });
            } else if (!own) {
                button.addEventListener('click', ask);
            }
        });
        // Enter in a shipped quantity goes to the next one; it never submits the Post form.
        document.addEventListener('keydown', (event) => {
            if (event.key !== 'Enter' || !event.target.classList.contains('shipped-input')) {
                return;
            }
            event.preventDefault();
            const all = Array.from(document.querySelectorAll('input.shipped-input'));
            const next = all[all.indexOf(event.target) + 1];
            (next || event.target).focus();
        });
        const box = document.getElementById('scan-entry');
        const form = box && box.closest('form');
        if (form) {
            form.addEventListener('submit', (event) => {
                if (event.submitter && event.submitter.classList.contains('post-document')) {
                    return;  // asked already, with the totals
                }
                const warnings = implausible(lineTotals(), limitOf(box));
                if (warnings.length && !window.confirm(warnings.join('\n'))) {
                    event.preventDefault();
                }
            });
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
