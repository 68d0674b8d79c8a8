/* otree-asgi: window.forminputs, the form's inputs by field name.
 *
 *   forminputs.age.value = 30;
 *   forminputs.choice            // radio group: a RadioNodeList of its buttons
 *   forminputs.choice.value      // the checked button's value
 *
 * Looked up on each access, so it works from scripts that run before the form exists.
 * The form is #form (oTree's page form), else the page's first form.
 */
(function (window, document) {
  'use strict';

  function pageForm() {
    return document.getElementById('form') || document.forms[0] || null;
  }

  function lookup(name) {
    var form = pageForm();
    if (!form || typeof name !== 'string') {
      return undefined;
    }
    var found = form.elements.namedItem(name);
    return found === null ? undefined : found;
  }

  function names() {
    var form = pageForm();
    var result = [];
    if (!form) {
      return result;
    }
    for (var i = 0; i < form.elements.length; i++) {
      var name = form.elements[i].name;
      if (name && result.indexOf(name) === -1) {
        result.push(name);
      }
    }
    return result;
  }

  var forminputs = new Proxy({}, {
    get: function (target, name) {
      return lookup(name);
    },
    has: function (target, name) {
      return lookup(name) !== undefined;
    },
    ownKeys: function () {
      return names();
    },
    getOwnPropertyDescriptor: function (target, name) {
      var value = lookup(name);
      if (value === undefined) {
        return undefined;
      }
      return {value: value, enumerable: true, configurable: true, writable: false};
    },
    set: function () {
      return false;
    }
  });

  window.forminputs = forminputs;
  if (window.otree) {
    window.otree.forminputs = forminputs;
  }
})(window, document);
