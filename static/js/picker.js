// The searchable pickers (crm.forms.pickers, templates/includes/picker.html): the <select>
// that holds the chosen record is hidden behind a combobox; htmx fills its listbox from
// crm:picker as the user types. ↓/↑ move through the results, Enter chooses, Esc closes.
// Choosing writes the one option into the <select> and fires its "change" (so htmx
// redraws what depends on it, e.g. the client's contacts) and clears the pickers that
// depend on it (an opportunity of another client).
(function () {
  "use strict";

  function parts(picker) {
    return {
      select: picker.querySelector("select"),
      input: picker.querySelector("[data-picker-input]"),
      menu: picker.querySelector("[data-picker-menu]"),
    };
  }
  function options(picker) {
    return Array.from(picker.querySelectorAll("[data-picker-option]"));
  }
  function isOpen(picker) {
    return parts(picker).menu.classList.contains("show");
  }
  function open(picker) {
    const p = parts(picker);
    const hasContent = p.menu.textContent.trim() !== "";
    p.menu.classList.toggle("show", hasContent);
    p.input.setAttribute("aria-expanded", hasContent ? "true" : "false");
  }
  function close(picker) {
    const p = parts(picker);
    p.menu.classList.remove("show");
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }
  function activate(picker, index) {
    const p = parts(picker);
    const list = options(picker);
    list.forEach(function (option, at) {
      const on = at === index;
      option.classList.toggle("active", on);
      option.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        p.input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }
  function activeIndex(picker) {
    return options(picker).findIndex(function (o) {
      return o.classList.contains("active");
    });
  }
  function setValue(picker, value, label) {
    const p = parts(picker);
    const previous = p.select.value;
    Array.from(p.select.options).forEach(function (option) {
      if (option.value !== "") option.remove();
    });
    if (value !== "") {
      p.select.add(new Option(label, value, true, true));
    } else {
      p.select.value = "";
    }
    p.input.value = label;
    p.input.dataset.pickerLabel = label;
    if (previous !== value) {
      p.select.dispatchEvent(new Event("change", { bubbles: true }));
      const form = p.select.form;
      if (form) {
        form.querySelectorAll("[data-picker]").forEach(function (other) {
          if (other !== picker && other.dataset.pickerDependsOn === p.select.name) {
            setValue(other, "", "");
          }
        });
      }
    }
  }
  function choose(picker, option) {
    setValue(picker, option.dataset.value, option.dataset.label);
    close(picker);
  }
  // Leaving the box: an emptied box clears the choice, anything else shows the choice again.
  function settle(picker) {
    const p = parts(picker);
    close(picker);
    if (p.input.value.trim() === "") {
      if (p.select.value !== "") setValue(picker, "", "");
    } else {
      p.input.value = p.select.value !== "" ? p.input.dataset.pickerLabel : p.input.value;
    }
  }

  function setUp(root) {
    root.querySelectorAll("[data-picker]:not([data-picker-ready])").forEach(function (picker) {
      const p = parts(picker);
      picker.dataset.pickerReady = "1";
      p.select.hidden = true;
      p.select.tabIndex = -1;
      picker.querySelector("[data-picker-box]").hidden = false;
      const label = document.querySelector('label[for="' + p.select.id + '"]');
      if (label) label.htmlFor = p.input.id;
      if (p.select.value === "") p.input.dataset.pickerLabel = "";
      // The box's own "change" is not the field's: only the <select> speaks for it.
      p.input.addEventListener("change", function (event) {
        event.stopPropagation();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
  document.body.addEventListener("htmx:load", function (event) {
    setUp(event.detail.elt.parentNode || document);
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    const input = event.detail.elt;
    if (!input.matches || !input.matches("[data-picker-input]")) return;
    const picker = input.closest("[data-picker]");
    const params = event.detail.parameters;
    params.q = input.value;
    params.field = picker.querySelector("select").id;
    delete params[input.name];
    const dependsOn = picker.dataset.pickerDependsOn;
    const form = input.form;
    if (dependsOn && form && form.elements[dependsOn]) {
      params.client = form.elements[dependsOn].value;
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const picker = event.detail.target.closest && event.detail.target.closest("[data-picker]");
    if (!picker || event.detail.target !== parts(picker).menu) return;
    if (document.activeElement === parts(picker).input) open(picker);
    activate(picker, -1);
  });

  document.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("[data-picker-input]")) return;
    const picker = input.closest("[data-picker]");
    const list = options(picker);
    const at = activeIndex(picker);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen(picker)) open(picker);
      if (list.length) activate(picker, Math.min(at + 1, list.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (list.length) activate(picker, Math.max(at - 1, 0));
    } else if (event.key === "Enter") {
      if (isOpen(picker)) {
        event.preventDefault(); // never sends the form while choosing
        if (at >= 0) choose(picker, list[at]);
        else if (list.length === 1) choose(picker, list[0]);
      }
    } else if (event.key === "Escape") {
      if (isOpen(picker)) {
        event.preventDefault();
        close(picker);
      }
    } else if (event.key === "Tab") {
      settle(picker);
    }
  });
  // Options are chosen on mousedown, before the box loses the focus.
  document.addEventListener("mousedown", function (event) {
    const option = event.target.closest && event.target.closest("[data-picker-option]");
    if (!option) return;
    event.preventDefault();
    choose(option.closest("[data-picker]"), option);
  });
  document.addEventListener("focusout", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("[data-picker-input]")) return;
    settle(input.closest("[data-picker]"));
  });
})();
