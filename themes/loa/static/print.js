// Print support: a QR code to the page's canonical URL on printed leaflets, drawn with the
// qrcode-generator library shipped with the theme (vendor/qrcode.js, MIT); no network.
//
// The library only serves printing, so the page does not load it: it is read when the reader
// prints (the "In tờ rơi" button or the browser's own print), in `beforeprint`. The browser lays
// the page out for paper as soon as that event returns, so a script loaded the usual way would
// arrive too late: the library is read synchronously there, once (a 34 KB file from the site
// itself; the browser may keep it cached for the next print).
(function () {
  var box = document.querySelector('.print-qr');
  var canon = document.querySelector('link[rel="canonical"]');
  var src = document.currentScript && document.currentScript.getAttribute('data-qrcode');
  // The image's text, in the page's language: `{url}` is the address.
  var alt = (document.currentScript && document.currentScript.getAttribute('data-qr-alt')) || 'Mã QR tới {url}';
  if (!box || !canon || !src) return;
  function library() {
    if (typeof qrcode === 'function') return true;
    try {
      var request = new XMLHttpRequest();
      request.open('GET', src, false);
      request.send();
      // Global code, like a <script>: `var qrcode` becomes a global.
      if (request.status === 200) (0, eval)(request.responseText);
    } catch (e) {
      return false;
    }
    return typeof qrcode === 'function';
  }
  window.addEventListener('beforeprint', function () {
    if (box.firstChild || !library()) return;
    var qr = qrcode(0, 'M');
    qr.addData(canon.href);
    qr.make();
    box.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true, alt: alt.replace('{url}', canon.href) });
  });
})();
