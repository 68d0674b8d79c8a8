/* otree-asgi: helpers shared by every participant page.
 *
 * Defines window.otree (a namespace for our scripts) and the global
 * makeReconnectingWebSocket(path), which user code in oTree templates may call.
 * Needs reconnecting-websocket-iife.min.js (the global ReconnectingWebSocket) loaded first.
 */
(function (window, document) {
  'use strict';

  var otree = window.otree = window.otree || {};

  /* Absolute ws:// or wss:// URL for a path on this server ("/wait_page?x=1"). */
  function socketUrl(path) {
    if (/^wss?:\/\//i.test(path)) {
      return path;
    }
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    if (path.charAt(0) !== '/') {
      path = '/' + path;
    }
    return scheme + window.location.host + path;
  }

  /* A WebSocket that reconnects by itself after the connection drops. `path` may be a
   * function returning the path, called again for every (re)connection. */
  function makeReconnectingWebSocket(path, options) {
    var url = typeof path === 'function' ? function () { return socketUrl(path()); } : socketUrl(path);
    if (typeof window.ReconnectingWebSocket !== 'function') {
      // The library did not load: fall back to a plain socket (no reconnect).
      return new window.WebSocket(typeof url === 'function' ? url() : url);
    }
    var settings = {
      minReconnectionDelay: 1000 + Math.random() * 2000,
      maxReconnectionDelay: 10000,
      connectionTimeout: 8000
    };
    if (options) {
      for (var key in options) {
        if (Object.prototype.hasOwnProperty.call(options, key)) {
          settings[key] = options[key];
        }
      }
    }
    return new window.ReconnectingWebSocket(url, [], settings);
  }

  /* Parse a socket message's JSON body; null if it is not JSON. */
  function parseMessage(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return null;
    }
  }

  /* Reload the page once (later calls do nothing). */
  var reloading = false;
  function reloadPage() {
    if (reloading) {
      return;
    }
    reloading = true;
    window.location.reload();
  }

  /* The data-socket-url of the script tag (or element) with this id, or null. */
  function socketUrlOf(elementId) {
    var element = document.getElementById(elementId);
    if (!element || !element.dataset) {
      return null;
    }
    return element.dataset.socketUrl || null;
  }

  otree.socketUrl = socketUrl;
  otree.makeReconnectingWebSocket = makeReconnectingWebSocket;
  otree.parseMessage = parseMessage;
  otree.reloadPage = reloadPage;
  otree.socketUrlOf = socketUrlOf;
  window.makeReconnectingWebSocket = makeReconnectingWebSocket;
})(window, document);

// Forms with data-confirm="question" ask before they submit (an inline onsubmit would need 'unsafe-inline').
document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
        event.preventDefault();
    }
}, true);
