import { mount } from 'svelte';
import digitFontUrl from 'dseg/fonts/DSEG7-Classic/DSEG7Classic-Bold.woff2?url';
import App from './App.svelte';
import { LED_LETTER_RANGE, buildLedLetterFont } from './lib/ledFont.js';
import '../../client/styles/base.css';
import './app.css';

// One family, two faces by character: digits (and the clock's colon) in the 7-segment face
// (SIL OFL, bundled: boards often have no internet), letters in the dot matrix, so no prefix
// letter is drawn like a digit. Both cover every weight: no synthetic bold smearing the dots.
const faces = [
  new FontFace('LED', `url(${digitFontUrl})`, { unicodeRange: 'U+0020, U+002D-003A', weight: '100 900' }),
  new FontFace('LED', buildLedLetterFont(), { unicodeRange: LED_LETTER_RANGE, weight: '100 900' }),
];
for (const face of faces) {
  document.fonts.add(face);
  void face.load();
}

mount(App, { target: document.getElementById('app')! });
