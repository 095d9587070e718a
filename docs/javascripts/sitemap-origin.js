// MLEP Companion: instant navigation on any address the site is served from.
// Material's instant navigation (mkdocs.yml: navigation.instant) follows only the links that
// sitemap.xml lists, and the sitemap names site_url (http://127.0.0.1:8000/). Material moves
// each address to the page's protocol and host name but keeps site_url's port, so on any other
// port (a test server, `mkdocs serve -a 127.0.0.1:8001`) no link matched: every click reloaded
// the whole page, and search was not ready for a second or more after each one. This script,
// loaded before Material's bundle (docs/_overrides/main.html), gives the sitemap Material reads
// the page's own origin.
(function () {
  "use strict";
  var native = XMLHttpRequest.prototype;
  var open = native.open;
  var responseText = Object.getOwnPropertyDescriptor(native, "responseText").get;

  function ownOrigin(xml) {
    return xml.replace(/<loc>https?:\/\/[^/<]+/g, "<loc>" + location.origin);
  }

  native.open = function (method, url) {
    var target = new URL(String(url), location.href);
    if (target.origin === location.origin && /\/sitemap\.xml$/.test(target.pathname)) {
      // read the answer as text (Material asks for a blob) and hand Material the rewritten one
      var wanted = "";
      Object.defineProperty(this, "responseType", {
        configurable: true,
        get: function () { return wanted; },
        set: function (value) { wanted = value; },
      });
      Object.defineProperty(this, "response", {
        configurable: true,
        get: function () {
          var text = ownOrigin(responseText.call(this));
          return wanted === "blob" ? new Blob([text], { type: "text/xml" }) : text;
        },
      });
    }
    return open.apply(this, arguments);
  };
})();
