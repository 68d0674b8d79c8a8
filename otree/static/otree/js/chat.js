/* otree-asgi: the {{ chat }} widget. Connects each .otree-chat element to its /chat socket;
 * on (re)connecting the server sends the channel's history, then new messages as they come.
 * Participants' text is inserted as text, never as HTML. Needs common.js loaded first.
 */
(function (window, document) {
  'use strict';

  function appendMessages(widget, vars, box, messages) {
    for (var i = 0; i < messages.length; i++) {
      var message = messages[i];
      var row = document.createElement('div');
      row.className = 'otree-chat__msg';
      var name = document.createElement('span');
      name.className = 'otree-chat__nickname';
      name.textContent = message.participant_id === vars.participant_id ?
        vars.nickname_i_see_for_myself : message.nickname;
      var body = document.createElement('span');
      body.className = 'otree-chat__body';
      body.textContent = message.body;
      row.appendChild(name);
      row.appendChild(body);
      box.appendChild(row);
    }
    box.scrollTop = box.scrollHeight;
  }

  function start(widget) {
    if (widget.dataset.otreeChatStarted) {
      return;
    }
    widget.dataset.otreeChatStarted = '1';
    var vars = JSON.parse(widget.dataset.otreeChat);
    var box = widget.querySelector('.otree-chat__messages');
    var input = widget.querySelector('.otree-chat__input');
    var socket = makeReconnectingWebSocket(vars.socket_path);

    socket.addEventListener('open', function () {
      // The server sends the whole history on every connection.
      box.textContent = '';
    });
    socket.addEventListener('message', function (event) {
      var messages = otree.parseMessage(event);
      if (Array.isArray(messages)) {
        appendMessages(widget, vars, box, messages);
      }
    });

    function send() {
      var body = input.value;
      if (!body) {
        return;
      }
      socket.send(JSON.stringify({body: body, nickname_signed: vars.nickname_signed}));
      input.value = '';
    }

    widget.querySelector('.otree-chat__btn-send').addEventListener('click', send);
    input.addEventListener('keypress', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();  // send the message, not the page's form
        send();
      }
    });
  }

  var widgets = document.querySelectorAll('.otree-chat[data-otree-chat]');
  for (var i = 0; i < widgets.length; i++) {
    start(widgets[i]);
  }
})(window, document);
