// /ui/: the functions as the OpenFaaS portal lists them, and a live SNF view per function, polled
// from the gateway's own API (same origin, same basic auth as the page). No dependencies: text
// goes in through textContent only, so nothing from the API is ever parsed as HTML.
'use strict';
(function () {
  const REFRESH_MS = 1000;
  const HISTORY = 60;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const live = new Map(); // name -> { panel, prev, history: [{pps, fps}] }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function getJson(path) {
    const res = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function fmt(v, digits) {
    if (v === undefined || v === null || !Number.isFinite(v)) return '–';
    return v.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function renderFunctions(fns) {
    const body = document.querySelector('#functions tbody');
    body.replaceChildren(...fns.map((f) => {
      const tr = el('tr', { 'data-fn': f.name });
      tr.append(el('td', {}, f.name), el('td', {}, f.image || ''),
        el('td', { class: 'num', 'data-col': 'replicas' }, fmt(f.replicas || 0)),
        el('td', { class: 'num', 'data-col': 'invocations' }, fmt(f.invocationCount || 0)));
      return tr;
    }));
    document.getElementById('no-functions').hidden = fns.length > 0;
  }

  const STATS = [
    ['units', 'units'], ['meanUtilization', 'mean utilization'], ['packetsPerSec', 'packets/s'],
    ['flowletsPerSec', 'flowlets/s'], ['received', 'packets received'], ['flowlets', 'flowlets started'],
    ['moved', 'flowlets moved'], ['seamless', 'moved seamlessly'], ['stateLost', 'state lost'],
    ['flows', 'flows'], ['inFlight', 'in flight'],
  ];

  function newPanel(name) {
    const panel = el('div', { class: 'fn', 'data-fn': name });
    panel.append(el('h3', {}, name));
    const dl = el('dl', { class: 'stats' });
    for (const [key, label] of STATS) dl.append(el('dt', {}, label), el('dd', { 'data-stat': key }, '–'));
    const spark = document.createElementNS(SVG_NS, 'svg');
    spark.setAttribute('class', 'spark');
    spark.setAttribute('width', '340');
    spark.setAttribute('height', '60');
    spark.setAttribute('viewBox', '0 0 340 60');
    for (const [cls, color] of [['pps', '#1f77b4'], ['fps', '#ff7f0e']]) {
      const line = document.createElementNS(SVG_NS, 'polyline');
      line.setAttribute('class', cls);
      line.setAttribute('stroke', color);
      spark.append(line);
    }
    const legend = el('div', { class: 'legend' });
    legend.append(el('i', { style: 'background:#1f77b4' }), document.createTextNode('packets/s'),
      el('i', { style: 'background:#ff7f0e' }), document.createTextNode('flowlets/s (last minute, each scaled to its own peak)'));
    panel.append(dl, el('div', { class: 'units' }), spark, legend, el('p', { class: 'error', hidden: '' }));
    return panel;
  }

  function set(panel, key, text) {
    panel.querySelector(`[data-stat="${key}"]`).textContent = text;
  }

  function drawSpark(panel, history) {
    for (const key of ['pps', 'fps']) {
      const peak = Math.max(1e-9, ...history.map((h) => h[key]));
      const pts = history.map((h, i) => `${(i * 340) / (HISTORY - 1)},${58 - (h[key] / peak) * 54}`);
      panel.querySelector(`polyline.${key}`).setAttribute('points', pts.join(' '));
    }
  }

  function renderView(entry, v) {
    const p = entry.panel;
    const prev = entry.prev;
    const dt = prev ? (v.timeMs - prev.timeMs) / 1000 : 0;
    const rate = (now, before) => (dt > 0 ? Math.max(0, now - before) / dt : undefined);
    const pps = prev ? rate(v.packets.received, prev.packets.received) : undefined;
    const fps = prev ? rate(v.flowlets.started, prev.flowlets.started) : undefined;
    const util = v.units.length > 0 ? v.units.reduce((s, u) => s + u.utilization, 0) / v.units.length : 0;
    set(p, 'units', fmt(v.units.length));
    set(p, 'meanUtilization', `${fmt(util * 100, 1)} %`);
    set(p, 'packetsPerSec', fmt(pps, 1));
    set(p, 'flowletsPerSec', fmt(fps, 1));
    set(p, 'received', fmt(v.packets.received));
    set(p, 'flowlets', fmt(v.flowlets.started));
    set(p, 'moved', fmt(v.flowlets.moved));
    const share = v.flowlets.moved > 0 ? ` (${fmt((v.flowlets.seamless / v.flowlets.moved) * 100, 1)} %)` : '';
    set(p, 'seamless', `${fmt(v.flowlets.seamless)}${share}`);
    set(p, 'stateLost', fmt(v.stateLost));
    set(p, 'flows', fmt(v.flows));
    set(p, 'inFlight', fmt(v.packets.inFlight));
    p.querySelector('.units').replaceChildren(...v.units.map((u) => {
      const row = el('div', { class: 'unit', 'data-unit': String(u.id) });
      const bar = el('div', { class: 'bar' });
      bar.append(el('span', { class: u.utilization > 1 ? 'over' : '', style: `width:${Math.min(100, u.utilization * 100).toFixed(1)}%` }));
      row.append(el('span', {}, `unit ${u.id}`), bar, el('span', {}, `${fmt(u.utilization * 100, 0)} %`));
      return row;
    }));
    if (pps !== undefined) {
      entry.history.push({ pps, fps: fps || 0 });
      if (entry.history.length > HISTORY) entry.history.shift();
      drawSpark(p, entry.history);
    }
    p.querySelector('.error').hidden = true;
    entry.prev = v;
  }

  async function refresh() {
    const status = document.getElementById('status');
    try {
      const fns = await getJson('../system/functions');
      renderFunctions(fns);
      const names = new Set(fns.map((f) => f.name));
      for (const [name, entry] of live) if (!names.has(name)) { entry.panel.remove(); live.delete(name); }
      const container = document.getElementById('live');
      await Promise.all(fns.map(async (f) => {
        let entry = live.get(f.name);
        if (entry === undefined) {
          entry = { panel: newPanel(f.name), prev: null, history: [] };
          live.set(f.name, entry);
          container.append(entry.panel);
        }
        try {
          renderView(entry, await getJson(`../system/snf/functions/${encodeURIComponent(f.name)}`));
        } catch (err) {
          const e = entry.panel.querySelector('.error');
          e.textContent = String(err.message || err);
          e.hidden = false;
        }
      }));
      status.textContent = `updated ${new Date().toLocaleTimeString()}`;
      status.className = '';
    } catch (err) {
      status.textContent = `cannot read the gateway: ${err.message || err}`;
      status.className = 'error';
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
