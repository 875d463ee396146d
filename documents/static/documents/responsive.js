/* Each cell of the documents list and of a document's lines carries its column's name, so
 * that on a narrow screen (responsive.css) a row can show as a card of "name: value" pairs
 * instead of a table wider than the screen. */
'use strict';
(function() {
    function label(table) {
        const heads = Array.from(table.querySelectorAll('thead th')).map((th) => th.innerText.trim());
        table.querySelectorAll('tbody tr').forEach((row) => {
            Array.from(row.children).forEach((cell, n) => {
                if (heads[n] && !cell.dataset.label) {
                    cell.dataset.label = heads[n];
                }
            });
        });
    }

    function init() {
        document.querySelectorAll('#result_list, #lines-group table').forEach(label);
        document.addEventListener('formset:added', () => {
            document.querySelectorAll('#lines-group table').forEach(label);
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
