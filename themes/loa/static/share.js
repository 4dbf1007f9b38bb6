// "Chia sẻ" button: the phone's share sheet (Zalo, Messenger, …) through the Web Share API,
// or copying the link where it is unavailable. No third-party script is loaded. Its words are
// the theme's, in the page's language (`data-share-copied` of the button).
(function () {
  document.querySelectorAll('button[data-share-url]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var url = b.getAttribute('data-share-url');
      var title = b.getAttribute('data-share-title') || document.title;
      if (navigator.share) {
        navigator.share({ title: title, url: url }).catch(function () {});
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () { b.textContent = b.getAttribute('data-share-copied') || 'Đã sao chép liên kết'; });
      }
    });
  });
})();
