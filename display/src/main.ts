import { mount } from 'svelte';
import ledFontUrl from 'dseg/fonts/DSEG14-Classic/DSEG14Classic-Bold.woff2?url';
import App from './App.svelte';
import './app.css';

// The 14-segment LED face (SIL OFL, bundled: boards often have no internet).
const ledFont = new FontFace('LED', `url(${ledFontUrl})`);
document.fonts.add(ledFont);
void ledFont.load();

mount(App, { target: document.getElementById('app')! });
