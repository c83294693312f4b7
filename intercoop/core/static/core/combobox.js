/* Autocomplete text boxes: the WAI-ARIA "combobox with listbox popup" pattern.
   Markup (rendered by directory.widgets.OrganizationPicker, or by hand):
     <span class="combobox">
       <input role="combobox" aria-controls="L" aria-expanded="false" data-combobox="KIND"
              data-source="/api/v1/...">
       <ul id="L" role="listbox" hidden></ul>
       <span role="status" aria-live="polite"></span>
     </span>
   KIND "organization": the box shows "Name — Locality" once one is chosen while a hidden
   input, which takes over the box's name, carries the slug: typing an exact slug still
   works, and without JavaScript the box itself is submitted.
   KIND "place": the choice is announced by a "combobox:choose" event (the map listens).
   Keys: ArrowDown/ArrowUp move through the options (aria-activedescendant), Enter
   chooses, Escape closes the list (or clears the box when closed). */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };

  function organizationLabel(item) {
    return item.name + (item.locality ? " — " + item.locality : "");
  }

  function placeLabel(item) {
    var parts = [item.name];
    if (item.region) { parts.push(item.region); }
    if (item.country_name || item.country) { parts.push(item.country_name || item.country); }
    return parts.join(", ");
  }

  function placeDetail(item) {
    if (item.organizations) {
      return ngettext("%s organisation", "%s organisations", item.organizations)
        .replace("%s", item.organizations);
    }
    return "";
  }

  function setUp(input) {
    var kind = input.dataset.combobox;
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var wrapper = input.closest(".combobox") || input.parentNode;
    var status = wrapper.querySelector("[role=status]");
    if (!listbox) { return; }
    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var hidden = null;

    if (kind === "organization" && input.name) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = input.value;
      input.removeAttribute("name");
      input.after(hidden);
    }

    function announce(text) { if (status) { status.textContent = text; } }

    function open() {
      if (!items.length) { return; }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(index) {
      var options = listbox.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      if (kind === "organization") {
        input.value = organizationLabel(item);
        if (hidden) { hidden.value = item.slug; }
      } else {
        input.value = placeLabel(item);
      }
      close();
      announce(gettext("Chosen") + ": " + input.value);
      input.dispatchEvent(new CustomEvent("combobox:choose", { detail: item, bubbles: true }));
    }

    function render(more) {
      listbox.innerHTML = "";
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var main = document.createElement("span");
        main.textContent = kind === "organization" ? organizationLabel(item) : placeLabel(item);
        option.appendChild(main);
        var detail = kind === "organization" ? item.slug : placeDetail(item);
        if (detail) {
          var small = document.createElement("small");
          small.className = "muted";
          small.textContent = " " + detail;
          option.appendChild(small);
        }
        option.addEventListener("mousedown", function (e) { e.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!items.length) {
        close();
        announce(gettext("No results"));
        return;
      }
      open();
      var text = ngettext("%s result", "%s results", items.length).replace("%s", items.length);
      if (more) { text += ". " + gettext("Type more to narrow them"); }
      announce(text + ". " + gettext("Use the up and down arrow keys to choose."));
    }

    function search() {
      var q = input.value.trim();
      if (!q) { items = []; listbox.innerHTML = ""; close(); announce(""); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = input.dataset.source + (input.dataset.source.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(q);
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) {
          items = Array.isArray(data) ? data : (data.results || []);
          render(!Array.isArray(data) && data.more);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      if (hidden) { hidden.value = input.value.trim(); }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });

    input.addEventListener("keydown", function (e) {
      var isOpen = !listbox.hidden;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!isOpen) { open(); if (!e.altKey && items.length) { activate(0); } return; }
        activate(active + 1 >= items.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (!isOpen) { open(); if (items.length) { activate(items.length - 1); } return; }
        activate(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (isOpen && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (isOpen) { e.preventDefault(); close(); }
        else if (input.value) {
          e.preventDefault();
          input.value = "";
          if (hidden) { hidden.value = ""; }
          items = [];
          listbox.innerHTML = "";
        }
      } else if (e.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init() {
    document.querySelectorAll("input[data-combobox]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
