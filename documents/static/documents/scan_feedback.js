/* What a scan sounds and feels like, shared by the scan pages: a short high beep for a good
 * scan, a low double buzz (and a vibration, where the device has one) for a refused one, and
 * the code as the scanner meant it: an AIM symbology prefix (]C1, ]d2, ]Q3, ]E0 ...) removed.
 * window.wmsScan = {good(), bad(), clean(code)}. */
'use strict';
(function() {
    let audio = null;

    function tone(frequency, start, length) {
        try {
            audio = audio || new (window.AudioContext || window.webkitAudioContext)();
            const osc = audio.createOscillator();
            const gain = audio.createGain();
            osc.frequency.value = frequency;
            osc.type = frequency < 400 ? 'square' : 'sine';
            gain.gain.value = 0.15;
            osc.connect(gain).connect(audio.destination);
            osc.start(audio.currentTime + start);
            osc.stop(audio.currentTime + start + length);
        } catch (error) {
            // no sound on this device: the screen still says it
        }
    }

    function signal(kind) {
        document.body.dataset.lastSignal = kind;  // what was played, for whoever checks
    }

    window.wmsScan = {
        good() {
            tone(1800, 0, 0.07);
            signal('good');
        },
        bad() {
            tone(220, 0, 0.15);
            tone(220, 0.22, 0.15);
            if (navigator.vibrate) {
                navigator.vibrate([120, 80, 120]);
            }
            signal('bad');
        },
        clean(code) {
            return code.trim().replace(/^\][A-Za-z][0-9A-Za-z]/, '');
        },
    };
})();
