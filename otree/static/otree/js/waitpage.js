/* otree-asgi: wait pages.
 *
 * The wait page's markup has an element with id "otree-wait-page" and a
 * data-socket-url attribute (/wait_page?..., /subsession_wait_page?..., /group_by_arrival_time?...).
 * The server sends {"status": "ready"} when the wait is over; any message other than
 * {"error": ...} reloads the page, and the reload is redirected to the next page.
 * So that nobody stays stuck, the page also reloads itself (the server then sends "ready"
 * at once if the wait is over): every 20-40 s while the socket is not connected
 * (WebSockets blocked, server restarting), every 60-120 s while it is (a lost message).
 * Needs common.js.
 */
(function (window, document) {
  'use strict';

  var otree = window.otree;
  var DISCONNECTED_MS = [20000, 40000];
  var CONNECTED_MS = [60000, 120000];
  var fallbackTimer = null;
  var fallbackRange = null;

  function schedule(range) {
    if (fallbackTimer !== null && fallbackRange === range) {
      return;  // keep the running countdown
    }
    if (fallbackTimer !== null) {
      window.clearTimeout(fallbackTimer);
    }
    var delay = range[0] + Math.random() * (range[1] - range[0]);
    fallbackRange = range;
    fallbackTimer = window.setTimeout(otree.reloadPage, delay);
  }

  function armFallback() {
    schedule(DISCONNECTED_MS);
  }

  function connectedFallback() {
    schedule(CONNECTED_MS);
  }

  function start() {
    if (otree.waitPageSocket) {
      return;  // started by the page itself: otree.startWaitPage(makeReconnectingWebSocket(url))
    }
    var path = otree.socketUrlOf('otree-wait-page');
    if (!path) {
      armFallback();
      return;
    }
    var socket;
    try {
      socket = otree.makeReconnectingWebSocket(path);
    } catch (e) {
      armFallback();
      return;
    }
    listen(socket);
  }

  // Wait pages call otree.startWaitPage(makeReconnectingWebSocket("/wait_page?...")), oTree's
  // way of naming the wait page socket in the page (tools that drive oTree pages look for it).
  function listen(socket) {
    otree.waitPageSocket = socket;

    function sendVisibility() {
      if (socket.readyState === 1) {
        socket.send(JSON.stringify({tab_hidden: document.hidden === true}));
      }
    }

    socket.onopen = function () {
      connectedFallback();
      if (document.hidden) {
        sendVisibility();
      }
    };
    socket.onclose = armFallback;
    socket.onerror = armFallback;
    socket.onmessage = function (event) {
      var data = otree.parseMessage(event);
      if (data && typeof data === 'object' && 'error' in data) {
        if (window.console) {
          window.console.error('Wait page: ' + data.error);
        }
        armFallback();
        return;
      }
      otree.reloadPage();
    };
    document.addEventListener('visibilitychange', sendVisibility);
    // Until the first connection opens, the fallback stands by.
    armFallback();
  }

  otree.startWaitPage = function (socket) {
    if (!otree.waitPageSocket) {
      listen(socket);
    }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
