// The staff console's one script, served as a file (the pages'
// Content-Security-Policy runs no inline script): today's page fetches its
// live part every 3 seconds and puts it in place. The refresh is the page's
// doing, not the member's, so the console does not count it as activity: a
// session left alone still ends after its idle time, and then the page goes
// to sign-in. Without JavaScript the page still shows, without updates.
(function () {
  'use strict';
  var live = document.getElementById('live');
  if (!live) {
    return;
  }
  function refresh() {
    fetch('/today/live', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401) {
          window.location.assign('/login');
          return null;
        }
        return r.ok ? r.text() : null;
      })
      .then(function (text) {
        if (text === null) {
          return;
        }
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var main = doc.querySelector('main');
        live.innerHTML = (main || doc.body).innerHTML;
      })
      .catch(function () {
        // The station is restarting or the network is down: try again at
        // the next tick.
      });
  }
  window.setInterval(refresh, 3000);
})();
