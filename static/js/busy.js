// Progress on long actions, and no action sent twice (every page loads this file).
//
// - Every form that posts (but those htmx sends) is sent once: a second click or Enter while
//   the first request runs is ignored, and its buttons are disabled once the browser has read
//   the pressed button's name and value. A form with data-busy="…" also shows a spinner with
//   that text, in a status region next to its buttons, until the next page arrives.
// - A link with data-busy="…" (the exports) is fetched here, with the spinner and its text, and
//   saved under the name the server gives; a failure shows data-busy-failed="…". A second click
//   while it runs is ignored. Opened in a new tab or window (a modifier key), it is left alone.
//
// - A form that creates something carries a random key (rodedraden/idempotency): sent again
//   with it, the server gives the first answer instead of a second record. Its pages are never
//   cached, so Back fetches the form anew, with a new key, while the browser puts back what was
//   typed; here the key it was sent with is put back too (kept per tab, in sessionStorage), so
//   pressing the button again after Back is a replay, not a second signal.
//
// Without JavaScript the same forms and links work as they are: the browser shows its own
// progress, and the server refuses what was sent twice where that matters (versions, states).
(function () {
  "use strict";

  function statusOf(element) {
    var holder = element.closest("[data-busy-status]") || element;
    var status = holder.querySelector(".busy-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "busy-status";
      status.setAttribute("role", "status");
      holder.appendChild(status);
    }
    return status;
  }

  function show(status, text, busy) {
    status.textContent = "";
    if (!text) {
      return;
    }
    if (busy) {
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm";
      spinner.setAttribute("aria-hidden", "true");
      status.appendChild(spinner);
    }
    status.appendChild(document.createTextNode(text));
  }

  function buttons(form) {
    return form.querySelectorAll("button[type='submit'], button:not([type]), input[type='submit']");
  }

  var KEY_FIELD = "idempotency_key";

  function keyStore(form) {
    return "rodedraden:sent-key:" + (form.getAttribute("action") || window.location.pathname);
  }

  function remembered(name) {
    try {
      return window.sessionStorage.getItem(name);
    } catch (error) {
      return null; // storage refused (private mode, a policy): keys as the server made them
    }
  }

  function remember(name, value) {
    try {
      window.sessionStorage.setItem(name, value);
    } catch (error) {
      // as above
    }
  }

  var navigation = window.performance && window.performance.getEntriesByType
    ? window.performance.getEntriesByType("navigation")[0]
    : null;
  if (navigation && navigation.type === "back_forward") {
    document.querySelectorAll("form input[name='" + KEY_FIELD + "']").forEach(function (input) {
      var sent = remembered(keyStore(input.form));
      if (sent) {
        input.value = sent;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form instanceof HTMLFormElement && form.querySelector("input[name='" + KEY_FIELD + "']");
    if (input && input.value) {
      remember(keyStore(form), input.value);
    }
  });

  // The status regions exist empty from the start, so that their text is announced.
  document.querySelectorAll("form[data-busy], a[data-busy]").forEach(statusOf);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
      return;
    }
    if (form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) {
      return;
    }
    if (form.dataset.sending === "1") {
      event.preventDefault(); // sent already: the first request is on its way
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    // After this task: the browser has put the pressed button's name and value in the request.
    window.setTimeout(function () {
      buttons(form).forEach(function (button) {
        button.disabled = true;
      });
      if (form.dataset.busy) {
        show(statusOf(form), form.dataset.busy, true);
      }
    }, 0);
  });

  // Back to a page from the browser's cache (the back button): its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (button) {
        button.disabled = false;
      });
      if (form.dataset.busy) {
        show(statusOf(form), "", false);
      }
    });
  });

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-busy]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") {
      return; // on its way already
    }
    var status = statusOf(link);
    link.setAttribute("aria-disabled", "true");
    show(status, link.dataset.busy, true);
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = filename(response, "download");
          save.hidden = true;
          document.body.appendChild(save);
          save.click();
          save.remove();
          window.setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 60000);
          show(status, "", false);
        });
      })
      .catch(function () {
        show(status, link.dataset.busyFailed || "", false);
      })
      .finally(function () {
        link.removeAttribute("aria-disabled");
      });
  });
})();
