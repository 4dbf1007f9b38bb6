// Print support: a QR code to the page's canonical URL for printed leaflets. Uses the
// qrcode-generator library shipped with the theme (vendor/qrcode.js, MIT); no network.
(function () {
  var box = document.querySelector('.print-qr');
  var canon = document.querySelector('link[rel="canonical"]');
  if (!box || !canon || typeof qrcode !== 'function') return;
  var qr = qrcode(0, 'M');
  qr.addData(canon.href);
  qr.make();
  box.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true, alt: 'Mã QR tới ' + canon.href });
})();
