/* otree-asgi: live pages. liveSend(data) sends JSON to the page's live_method; replies call
 * the page's liveRecv(data).
 *
 * Every reply carries a number (otree_id). When the socket reconnects, its URL asks for the
 * replies after the last one received, so none sent while the connection was down is lost.
 * Needs common.js (makeReconnectingWebSocket) loaded first.
 */
(function (window, document) {
  'use strict';

  var script = document.getElementById('otree-live');
  var baseUrl = script.dataset.socketUrl;
  var lastId = parseInt(script.dataset.since || '0', 10) || 0;
  var opened = false;

  function url() {
    var extra = '&otree_since=' + lastId + (opened ? '&otree_reconnect=1' : '');
    return otree.socketUrl(baseUrl + extra);
  }

  var socket = makeReconnectingWebSocket(url);

  socket.addEventListener('open', function () {
    opened = true;
  });

  socket.addEventListener('message', function (event) {
    var data = otree.parseMessage(event);
    if (data === null) {
      return;
    }
    if (data.otree_success === false) {
      console.error('liveSend: the server could not run live_method' +
        (data.otree_error ? ':\n' + data.otree_error : ' (see the server log).'));
      return;
    }
    if (typeof data.otree_id === 'number' && data.otree_id > lastId) {
      lastId = data.otree_id;
    }
    if (typeof window.liveRecv === 'function') {
      window.liveRecv(data.live_method_payload);
    }
  });

  /* Messages sent before the socket is open (liveSend({}) on load) are queued, then sent. */
  function liveSend(data) {
    socket.send(JSON.stringify(data));
  }

  window.liveSocket = socket;
  window.liveSend = liveSend;

  // Enter in an input field would submit the page's form: on live pages it should not.
  document.addEventListener('keypress', function (event) {
    if (event.key === 'Enter' && event.target && event.target.tagName === 'INPUT') {
      event.preventDefault();
    }
  });
})(window, document);
