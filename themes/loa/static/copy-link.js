// Adds a "copy link" button beside each clause permalink of a document page.
// No third-party code; does nothing where the Clipboard API is unavailable. Its words are the
// theme's, in the page's language (`data-copy`, `data-copied` of its script tag).
(function () {
  var script = document.currentScript;
  var copy = (script && script.getAttribute('data-copy')) || 'Sao chép liên kết';
  var copied = (script && script.getAttribute('data-copied')) || 'Đã sao chép';
  if (!navigator.clipboard) return;
  document.querySelectorAll('a.clause-link').forEach(function (a) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'copy-link';
    b.textContent = copy;
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(a.href).then(function () {
        b.textContent = copied;
        setTimeout(function () { b.textContent = copy; }, 2000);
      });
    });
    a.after(b);
  });
})();
