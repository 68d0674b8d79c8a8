// Checks our own browser scripts (otree/static/otree/js) in Node with a minimal fake DOM.
// Run by tests/server/test_static.py: `node static_scripts_check.js STATIC_JS_DIR`; exits 1 on failure.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const JS = process.argv[2];
let failures = 0;

function source(name) {
  return fs.readFileSync(path.join(JS, name), 'utf8');
}

// A fresh browser-like global: window, document, location, timers we control.
function makeWindow(opts) {
  opts = opts || {};
  const listeners = {};
  const timers = [];
  const elements = opts.elements || {};
  const win = {
    reloads: 0,
    timers: timers,
    console: {error: function () { win.errors = (win.errors || 0) + 1; }, log: function () {}},
    location: {
      protocol: opts.protocol || 'http:',
      host: opts.host || 'localhost:8000',
      reload: function () { win.reloads += 1; },
    },
    setTimeout: function (fn, delay) { timers.push({fn: fn, delay: delay, cleared: false}); return timers.length; },
    clearTimeout: function (id) { if (timers[id - 1]) { timers[id - 1].cleared = true; } },
    JSON: JSON,
    Math: Math,
    Object: Object,
    Proxy: Proxy,
    document: {
      readyState: 'complete',
      hidden: false,
      forms: opts.forms || [],
      getElementById: function (id) { return elements[id] || null; },
      addEventListener: function (type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
      dispatch: function (type) { (listeners[type] || []).forEach(function (fn) { fn(); }); },
    },
  };
  win.window = win;
  vm.createContext(win);
  return win;
}

function load(win, name) {
  vm.runInContext(source(name), win, {filename: name});
}

// A socket whose events the test fires by hand.
function fakeSocket() {
  return {
    readyState: 0,
    sent: [],
    send: function (data) { this.sent.push(JSON.parse(data)); },
    open: function () { this.readyState = 1; if (this.onopen) { this.onopen({}); } },
    message: function (data) { this.onmessage({data: JSON.stringify(data)}); },
    drop: function () { this.readyState = 3; if (this.onclose) { this.onclose({}); } },
  };
}

function check(name, fn) {
  try {
    fn();
    console.log('ok ' + name);
  } catch (err) {
    failures += 1;
    console.log('FAIL ' + name + '\n' + (err && err.stack || err));
  }
}

function pendingTimers(win) {
  return win.timers.filter(function (t) { return !t.cleared; });
}

// -- common.js ---------------------------------------------------------------------------

check('socket URLs follow the page scheme', function () {
  const http = makeWindow();
  load(http, 'common.js');
  assert.strictEqual(http.otree.socketUrl('/wait_page?a=1'), 'ws://localhost:8000/wait_page?a=1');
  assert.strictEqual(http.otree.socketUrl('live'), 'ws://localhost:8000/live');
  const https = makeWindow({protocol: 'https:', host: 'example.org'});
  load(https, 'common.js');
  assert.strictEqual(https.otree.socketUrl('/chat'), 'wss://example.org/chat');
  assert.strictEqual(typeof https.makeReconnectingWebSocket, 'function');
});

check('makeReconnectingWebSocket uses the vendored ReconnectingWebSocket', function () {
  const win = makeWindow();
  const opened = [];
  win.WebSocket = function (url) {
    opened.push(url);
    this.url = url;
    this.readyState = 0;
    this.addEventListener = function () {};
    this.removeEventListener = function () {};
    this.close = function () {};
  };
  win.WebSocket.CONNECTING = 0;
  win.WebSocket.OPEN = 1;
  win.WebSocket.CLOSING = 2;
  win.WebSocket.CLOSED = 3;
  win.Promise = Promise;
  win.Error = Error;
  win.Date = Date;
  load(win, 'reconnecting-websocket-iife.min.js');
  assert.strictEqual(typeof win.ReconnectingWebSocket, 'function');
  load(win, 'common.js');
  const socket = win.makeReconnectingWebSocket('/auto_advance?participant_code=abc&page_index=2');
  assert.ok(socket instanceof win.ReconnectingWebSocket);
  assert.strictEqual(typeof socket.send, 'function');
});

// -- waitpage.js -------------------------------------------------------------------------

function waitPage(opts) {
  const win = makeWindow({elements: {'otree-wait-page': {dataset: {socketUrl: '/wait_page?session_pk=1'}}}});
  load(win, 'common.js');
  const socket = fakeSocket();
  win.paths = [];
  win.otree.makeReconnectingWebSocket = function (p) { win.paths.push(p); return socket; };
  load(win, 'waitpage.js');
  return {win: win, socket: socket};
}

check('wait page connects to its data-socket-url and reloads on "ready"', function () {
  const t = waitPage();
  assert.deepStrictEqual(t.win.paths, ['/wait_page?session_pk=1']);
  t.socket.open();
  t.socket.message({status: 'ready'});
  assert.strictEqual(t.win.reloads, 1);
  t.socket.message({status: 'ready'});
  assert.strictEqual(t.win.reloads, 1, 'reloads only once');
});

check('wait page reloads on any message but an error', function () {
  const t = waitPage();
  t.socket.open();
  t.socket.message({error: 'Invalid wait page parameters'});
  assert.strictEqual(t.win.reloads, 0);
  t.socket.message({something: 'else'});
  assert.strictEqual(t.win.reloads, 1);
});

check('wait page reports tab visibility', function () {
  const t = waitPage();
  t.socket.open();
  t.win.document.hidden = true;
  t.win.document.dispatch('visibilitychange');
  t.win.document.hidden = false;
  t.win.document.dispatch('visibilitychange');
  assert.deepStrictEqual(t.socket.sent, [{tab_hidden: true}, {tab_hidden: false}]);
});

check('wait page reloads by itself: every 20-40 s while disconnected, 60-120 s while connected', function () {
  const t = waitPage();
  let pending = pendingTimers(t.win);
  assert.strictEqual(pending.length, 1, 'armed until the socket opens');
  assert.ok(pending[0].delay >= 20000 && pending[0].delay <= 40000, 'delay ' + pending[0].delay);
  t.socket.open();
  pending = pendingTimers(t.win);
  assert.strictEqual(pending.length, 1, 'one safety reload while connected');
  assert.ok(pending[0].delay >= 60000 && pending[0].delay <= 120000, 'delay ' + pending[0].delay);
  t.socket.drop();
  pending = pendingTimers(t.win);
  assert.strictEqual(pending.length, 1, 'back to the short countdown when the socket drops');
  assert.ok(pending[0].delay >= 20000 && pending[0].delay <= 40000, 'delay ' + pending[0].delay);
  t.socket.drop();
  assert.strictEqual(pendingTimers(t.win).length, 1, 'a second close keeps the running countdown');
  pendingTimers(t.win)[0].fn();
  assert.strictEqual(t.win.reloads, 1);
});

check('wait page without a socket URL still reloads eventually', function () {
  const win = makeWindow();
  load(win, 'common.js');
  load(win, 'waitpage.js');
  const pending = pendingTimers(win);
  assert.strictEqual(pending.length, 1);
  pending[0].fn();
  assert.strictEqual(win.reloads, 1);
});

// -- auto_advance.js ---------------------------------------------------------------------

check('form page reloads when auto-advanced, not on errors', function () {
  const win = makeWindow({elements: {'otree-auto-advance': {dataset: {socketUrl: '/auto_advance?participant_code=x&page_index=1'}}}});
  load(win, 'common.js');
  const socket = fakeSocket();
  let connectedTo = null;
  win.otree.makeReconnectingWebSocket = function (p) { connectedTo = p; return socket; };
  load(win, 'auto_advance.js');
  assert.strictEqual(connectedTo, '/auto_advance?participant_code=x&page_index=1');
  socket.open();
  socket.message({error: 'Participant not found in database.'});
  assert.strictEqual(win.reloads, 0);
  socket.message({auto_advanced: true});
  assert.strictEqual(win.reloads, 1);
});

// -- formInputs.js -----------------------------------------------------------------------

check('forminputs returns the form inputs by name, looked up at access time', function () {
  const win = makeWindow();
  load(win, 'formInputs.js');
  assert.strictEqual(win.forminputs.age, undefined, 'no form yet');
  const age = {name: 'age', value: '30'};
  const radios = [{name: 'choice', value: 'A'}, {name: 'choice', value: 'B'}];
  radios.value = 'B';
  const byName = {age: age, choice: radios};
  const form = {
    elements: Object.assign([age, radios[0], radios[1]], {
      namedItem: function (n) { return Object.prototype.hasOwnProperty.call(byName, n) ? byName[n] : null; },
    }),
  };
  win.document.getElementById = function (id) { return id === 'form' ? form : null; };
  assert.strictEqual(win.forminputs.age, age);
  assert.strictEqual(win.forminputs.choice.value, 'B');
  assert.strictEqual(win.forminputs.missing, undefined);
  assert.ok('age' in win.forminputs);
  assert.deepStrictEqual(Object.keys(win.forminputs), ['age', 'choice']);
});

if (failures) {
  console.log(failures + ' failed');
  process.exit(1);
}
console.log('all passed');
