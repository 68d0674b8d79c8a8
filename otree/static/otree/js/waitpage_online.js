/* otree-asgi: wait pages of online studies.
 *
 * - The "leave" button (#otree-leave-wait-page) appears once the page's maximum wait has
 *   passed (data-seconds from now). The server decides whether leaving is allowed.
 * - group_by_arrival_time pages (#otree-gbat-inactive): after data-prompt-seconds without
 *   mouse, key or touch activity, ask "Are you still there?"; without an answer within
 *   data-confirm-seconds, go to /GBATInactive (the socket closes, so the server no longer
 *   groups this participant), which links back here.
 */
(function (window, document) {
  'use strict';

  function leaveButton() {
    var form = document.getElementById('otree-leave-wait-page');
    if (!form || !form.hidden) { return; }
    var seconds = parseFloat(form.dataset.seconds || '0');
    window.setTimeout(function () { form.hidden = false; }, Math.max(0, seconds * 1000));
  }

  function inactivityPrompt() {
    var box = document.getElementById('otree-gbat-inactive');
    if (!box) { return; }
    var promptMs = parseFloat(box.dataset.promptSeconds || '120') * 1000;
    var confirmMs = parseFloat(box.dataset.confirmSeconds || '15') * 1000;
    var promptTimer = null;
    var confirmTimer = null;

    function inactive() {
      var back = window.location.pathname + window.location.search;
      window.location.href = '/GBATInactive?return_url=' + encodeURIComponent(back);
    }
    function ask() {
      box.hidden = false;
      confirmTimer = window.setTimeout(inactive, confirmMs);
    }
    function active() {
      if (confirmTimer !== null) { return; }  // only the button answers an open prompt
      window.clearTimeout(promptTimer);
      promptTimer = window.setTimeout(ask, promptMs);
    }
    box.querySelector('button').addEventListener('click', function () {
      window.clearTimeout(confirmTimer);
      confirmTimer = null;
      box.hidden = true;
      active();
    });
    ['mousemove', 'mousedown', 'keydown', 'touchstart', 'scroll'].forEach(function (name) {
      document.addEventListener(name, active, {passive: true});
    });
    active();
  }

  function start() {
    leaveButton();
    inactivityPrompt();
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window, document);
