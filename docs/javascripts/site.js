// MLEP Companion: typeset the maths with the vendored KaTeX (docs/javascripts/vendor/katex),
// and hand Material the vendored Mermaid, loaded only on pages that have a diagram.
// `document$` is Material's page observable: it fires on the first load and after every
// instant-navigation page switch, so maths is typeset on every page however it was reached.
(function () {
  "use strict";

  // Material draws ```mermaid blocks with a global `mermaid` and fetches one from a CDN when
  // there is none. This stand-in keeps it offline and light: the vendored 3.5 MB script is
  // loaded the first time a page actually has a diagram, then takes over the global.
  var MERMAID = document.currentScript.src.replace(/site\.js(\?.*)?$/, "vendor/mermaid/mermaid.min.js");
  var loading = null;
  var settings = null;
  function realMermaid() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = MERMAID;
        script.onload = function () {
          if (settings) {
            window.mermaid.initialize(settings);
          }
          resolve(window.mermaid);
        };
        script.onerror = function () {
          reject(new Error("could not load " + MERMAID));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  if (typeof window.mermaid === "undefined") {
    window.mermaid = {
      initialize: function (options) {
        settings = options;
      },
      render: function () {
        var args = arguments;
        return realMermaid().then(function (real) {
          return real.render.apply(real, args);
        });
      },
      parse: function () {
        var args = arguments;
        return realMermaid().then(function (real) {
          return real.parse.apply(real, args);
        });
      },
    };
  }

  var TEX = [
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];
  // Notebook markdown keeps Jupyter's dollar delimiters.
  var NOTEBOOK_TEX = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false },
  ].concat(TEX);

  function typeset(root) {
    if (typeof renderMathInElement !== "function") {
      return;
    }
    // Markdown pages: pymdownx.arithmatex (generic mode) wraps each formula in .arithmatex,
    // as \( ... \) in a span or \[ ... \] in a div: typeset it in place.
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      var tex = el.textContent.trim();
      var display = tex.indexOf("\\[") === 0;
      if (!/^\\[\[(]/.test(tex)) {
        return; // already typeset
      }
      katex.render(tex.slice(2, -2), el, { displayMode: display, throwOnError: false });
    });
    // Lab pages (mkdocs-jupyter): maths sits in the rendered markdown cells.
    root.querySelectorAll(".jp-MarkdownCell .jp-RenderedMarkdown").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: NOTEBOOK_TEX,
        throwOnError: false,
        ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function (doc) {
      typeset(doc.body || document.body);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document.body);
    });
  }
})();
