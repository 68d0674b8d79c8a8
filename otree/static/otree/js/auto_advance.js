/* otree-asgi: form pages follow the admin's "advance slowest participants".
 *
 * The page has an element with id "otree-auto-advance" whose data-socket-url is
 * /auto_advance?participant_code=...&page_index=...; on {"auto_advanced": true}
 * the page reloads (and the server redirects it to the participant's current page).
 * Needs common.js.
 */
(function (window, document) {
  'use strict';

  var otree = window.otree;

  function start() {
    var path = otree.socketUrlOf('otree-auto-advance');
    if (!path) {
      return;
    }
    var socket;
    try {
      socket = otree.makeReconnectingWebSocket(path);
    } catch (e) {
      return;
    }
    otree.autoAdvanceSocket = socket;
    socket.onmessage = function (event) {
      var data = otree.parseMessage(event);
      if (data && data.auto_advanced) {
        otree.reloadPage();
      } else if (data && data.error && window.console) {
        window.console.error('Auto advance: ' + data.error);
      }
    };
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
