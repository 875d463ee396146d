/* Quantities as the screens show them: stock steps in the product's unit.
 *
 * A product with decimals 3 in kilograms counts grams; 1250 steps read "1.250". The text is
 * built from the integer's digits, never through a float, so nothing is ever rounded.
 */
'use strict';
window.wmsQuantities = (function() {
    function format(steps, decimals) {
        const digits = String(steps).replace('-', '');
        const sign = String(steps).startsWith('-') ? '-' : '';
        if (!decimals) {
            return sign + digits;
        }
        const padded = digits.padStart(decimals + 1, '0');
        return `${sign}${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
    }

    return {format};
})();
