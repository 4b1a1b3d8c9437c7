// The navbar's global search: htmx fills #global-search-results as the user types; this
// shows and hides that dropdown and moves through its results with the keyboard
// (↓/↑ between the box and the results, Esc closes, Enter follows the focused link).
(function () {
  "use strict";
  const form = document.querySelector("[data-global-search]");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const menu = form.querySelector("#global-search-results");

  function hits() {
    return Array.from(menu.querySelectorAll("[data-global-search-hit]"));
  }
  function open() {
    const hasContent = menu.textContent.trim() !== "" && input.value.trim() !== "";
    menu.classList.toggle("show", hasContent);
    input.setAttribute("aria-expanded", hasContent ? "true" : "false");
  }
  function close() {
    menu.classList.remove("show");
    input.setAttribute("aria-expanded", "false");
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === menu) open();
  });
  input.addEventListener("input", function () {
    if (input.value.trim() === "") close();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && hits().length) {
      event.preventDefault();
      open();
      hits()[0].focus();
    } else if (event.key === "Escape") {
      close();
    }
  });
  menu.addEventListener("keydown", function (event) {
    const list = hits();
    const at = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (at < list.length - 1) list[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (at > 0) list[at - 1].focus();
      else input.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
})();
