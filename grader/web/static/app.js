// The only script: live URL check on the candidate form, and live grading progress.
// Every page works without it.
(function () {
  "use strict";
  var input = document.querySelector("input[data-check]");
  if (input) {
    var out = document.getElementById("repo_url-check");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var url = input.value.trim();
      if (!url) { out.textContent = ""; out.className = "check"; return; }
      timer = setTimeout(function () {
        fetch(input.dataset.check + "?url=" + encodeURIComponent(url), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (a) {
            out.textContent = a.ok ? a.message : a.message + ". " + (a.hint ? a.hint.charAt(0).toUpperCase() + a.hint.slice(1) + "." : "");
            out.className = "check " + (a.ok ? "ok" : "bad");
          });
      }, 300);
    });
  }
  var steps = document.getElementById("steps");
  if (steps && steps.dataset.step !== "done") {
    var order = Array.prototype.map.call(steps.querySelectorAll(".step"), function (li) { return li.dataset.name; });
    var show = function (step) {
      var at = order.indexOf(step);
      steps.querySelectorAll(".step").forEach(function (li, i) {
        li.classList.toggle("past", i < at);
        if (i === at) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      });
    };
    show(steps.dataset.step);
    var poll = function () {
      fetch(steps.dataset.progress, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          show(p.step);
          document.getElementById("status").textContent = p.words + "…";
          if (p.done) {
            fetch(location.href).then(function (r) { return r.text(); }).then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              document.getElementById("content").innerHTML = doc.getElementById("content").innerHTML;
              var s = document.getElementById("steps");
              if (s) { s.querySelectorAll(".step").forEach(function (li) { li.classList.add("past"); }); }
            });
          } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1000);
  }
})();
