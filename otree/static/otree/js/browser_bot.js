/* Browser bots: fill this page's form with what the participant's bot submits, then submit it. */
(function (window, document) {
  'use strict';
  var script = document.getElementById('otree-browser-bot');
  var form = document.getElementById('form');
  if (!script || !form) { return; }
  var DELAY_MS = 400;  // long enough to see each page go by

  function banner(text, isError) {
    var box = document.createElement('div');
    box.className = 'alert py-1 px-2 small otree-browser-bot-status ' + (isError ? 'alert-danger' : 'alert-info');
    box.textContent = text;
    form.parentNode.insertBefore(box, form);
  }

  function hidden(name, value) {
    var input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  }

  function setField(name, value) {
    var values = Array.isArray(value) ? value.map(String) : [String(value)];
    var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
    if (!inputs.length) { values.forEach(function (v) { hidden(name, v); }); return; }
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === 'radio' || input.type === 'checkbox') {
        input.checked = input.type === 'checkbox' && inputs.length === 1
          ? ['True', 'true', '1', 'on'].indexOf(values[0]) !== -1 || values[0] === input.value
          : values.indexOf(input.value) !== -1;
      } else if (input.tagName === 'SELECT' && input.multiple) {
        Array.prototype.forEach.call(input.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        input.value = values[0];
      }
    });
  }

  window.fetch(script.dataset.url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
    .then(function (response) { return response.json(); })
    .then(function (answer) {
      if (answer.error) {
        if (!answer.stale) { banner('Browser bot: ' + answer.error, true); }
        return;
      }
      if (answer.finished || answer.wait_page) {
        banner('Browser bot: finished');
        return;
      }
      banner('Browser bot: submitting ' + answer.page);
      Object.keys(answer.data || {}).forEach(function (name) { setField(name, answer.data[name]); });
      form.noValidate = true;  // the server validates, as for a participant
      window.setTimeout(function () { form.submit(); }, DELAY_MS);
    }, function () { banner('Browser bot: the server could not be reached', true); });
})(window, document);
