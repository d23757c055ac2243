// Injected by `python -m booktools serve` (booktools/serve.py) into every page:
// reload when this page's edition was rebuilt (or failed to), keeping the scroll.
(function () {
  var me = window.nnlitServe;
  var key = "nnlit-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, parseInt(saved, 10)); });
  }
  function poll() {
    fetch("/__nnlit__/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        if (status.versions[me.edition] !== me.version) {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
        } else {
          setTimeout(poll, 500);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
