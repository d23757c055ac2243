// Keep the header's language switch pointing at this page's twin in the other
// language. Instant navigation replaces the page content and the <head>, but not
// the header, so after every page change the switch's links are re-read from the
// page's own <meta name="nnlit:alternate"> tags (overrides/main.html writes them
// from the links booktools/hooks.py computes).
(function () {
  function relink() {
    document.querySelectorAll('meta[name="nnlit:alternate"]').forEach(function (meta) {
      var lang = meta.getAttribute("data-hreflang");
      var href = new URL(meta.getAttribute("content"), location.href).href;
      document.querySelectorAll('.md-header .md-select__link[hreflang="' + lang + '"]')
        .forEach(function (link) { link.href = href; });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(relink);
  } else {
    document.addEventListener("DOMContentLoaded", relink);
  }
})();
