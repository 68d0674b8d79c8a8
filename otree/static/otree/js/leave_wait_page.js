/* otree-asgi: a wait page's "leave" button appears once its maximum wait has passed.
 * The server decides whether leaving is allowed; this only shows the button on time.
 */
(function (window, document) {
  'use strict';
  function start() {
    var form = document.getElementById('otree-leave-wait-page');
    if (!form || !form.hidden) { return; }
    var seconds = parseFloat(form.dataset.seconds || '0');
    window.setTimeout(function () { form.hidden = false; }, Math.max(0, seconds * 1000));
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
