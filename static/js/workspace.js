// The tagging workspace: keep the keyboard where it was. When a change replaces a signal's
// tags (htmx swaps the block), the focused control may be gone (a removed tag, an accepted
// suggestion); focus then goes to that signal's theme field, and stays on the page.
(function () {
  "use strict";
  var lastBlock = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    lastBlock = target && target.classList.contains("signal-tags") ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lastBlock) {
      return;
    }
    var block = document.getElementById(lastBlock);
    lastBlock = null;
    if (!block || (document.activeElement && document.activeElement !== document.body)) {
      return;
    }
    var field = block.querySelector("input[name='name']");
    if (field) {
      field.focus();
    }
  });
})();
