// Video embeds (the `youtube` and `facebook_video` shortcodes): nothing is requested from
// YouTube or Facebook before the reader acts. The poster is a link to the video; a click
// replaces it with the player (YouTube's privacy-enhanced youtube-nocookie.com, or Facebook's),
// which starts playing. A click with a modifier key, or without script, follows the link.
(function () {
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-video], a[data-video-facebook]');
    if (!a || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    var src = a.getAttribute('data-video') ||
      'https://www.facebook.com/plugins/video.php?autoplay=1&href=' +
      encodeURIComponent(a.getAttribute('data-video-facebook'));
    var f = document.createElement('iframe');
    f.src = src;
    f.title = a.getAttribute('data-video-title') || 'Video';
    f.className = 'video-khung';
    f.setAttribute('allow', 'autoplay; encrypted-media; picture-in-picture; fullscreen');
    f.setAttribute('allowfullscreen', '');
    a.replaceWith(f);
    f.focus();
  });
})();
