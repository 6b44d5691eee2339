import { mount } from 'svelte';
import App from './App.svelte';
import '../../client/styles/base.css';
import './app.css';

mount(App, { target: document.getElementById('app')! });
