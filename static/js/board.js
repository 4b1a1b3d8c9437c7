/* Pipeline board (CRM → Oportunidades): drag a card onto another column to move its stage.
 *
 * Uses the HTML5 drag-and-drop API (dragstart, dragover, drop, dragend) with listeners on
 * the document, so the cards and columns that htmx swaps in keep working. The drop POSTs
 * to the card's move URL through htmx.ajax with the CSRF header of <body hx-headers>; the
 * server answers with the refreshed board, the card as it is now (a refused move) or an
 * HX-Redirect (BANT questions, "Cerrar Venta", "Perdida"). Without JavaScript, and from the
 * keyboard, each card's stage selector and "Mover" button do the same.
 */
(function () {
  "use strict";

  var dragged = null;
  var TARGET_CLASS = "board-drop-target";

  function closest(node, selector) {
    return node instanceof Element ? node.closest(selector) : null;
  }

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function clearTargets() {
    document.querySelectorAll("." + TARGET_CLASS).forEach(function (zone) {
      zone.classList.remove(TARGET_CLASS);
    });
  }

  function acceptsDrop(zone) {
    return zone && dragged && zone.dataset.dropStage !== dragged.dataset.stage;
  }

  function move(card, stage) {
    var form = card.querySelector("form.board-move");
    var next = form ? form.querySelector("input[name=next]").value : "";
    if (window.htmx) {
      window.htmx.ajax("POST", card.dataset.moveUrl, {
        source: card,
        target: "#board",
        swap: "outerHTML",
        headers: csrfHeaders(),
        values: { to_stage: stage, version: card.dataset.version, next: next },
      });
    } else if (form) {
      // No htmx: the card's own form does a plain POST to the same URL.
      form.querySelector("select[name=to_stage]").value = stage;
      form.submit();
    }
  }

  document.addEventListener("dragstart", function (event) {
    var card = closest(event.target, "[data-move-url]");
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("board-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragover", function (event) {
    var zone = closest(event.target, "[data-drop-stage]");
    if (!acceptsDrop(zone)) {
      return;
    }
    event.preventDefault(); // allows the drop here
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains(TARGET_CLASS)) {
      clearTargets();
      zone.classList.add(TARGET_CLASS);
    }
  });

  document.addEventListener("dragleave", function (event) {
    var zone = closest(event.target, "[data-drop-stage]");
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.classList.remove(TARGET_CLASS);
    }
  });

  document.addEventListener("drop", function (event) {
    var zone = closest(event.target, "[data-drop-stage]");
    if (!acceptsDrop(zone)) {
      return;
    }
    event.preventDefault();
    var card = dragged;
    clearTargets();
    move(card, zone.dataset.dropStage);
  });

  // After a move the board is new: keyboard users continue from the moved card's name.
  document.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById("board");
    if (!board || !board.dataset.movedCard) {
      return;
    }
    var card = document.getElementById(board.dataset.movedCard);
    delete board.dataset.movedCard; // once: a later "Ver más" must not move the focus back
    var link = card && card.querySelector("h3 a");
    if (link) {
      link.focus();
    }
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("board-dragging");
    }
    dragged = null;
    clearTargets();
  });
})();
