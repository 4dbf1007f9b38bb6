(function(){
document.addEventListener('click',function(e){
var a=e.target.closest&&e.target.closest('a[data-video], a[data-video-facebook]');
if(!a||e.button||e.ctrlKey||e.metaKey||e.shiftKey||e.altKey)return;
e.preventDefault();
var src=a.getAttribute('data-video')||
'https://www.facebook.com/plugins/video.php?autoplay=1&href='+
encodeURIComponent(a.getAttribute('data-video-facebook'));
var f=document.createElement('iframe');
f.src=src;
f.title=a.getAttribute('data-video-title')||'Video';
f.className='video-khung';
f.setAttribute('allow','autoplay; encrypted-media; picture-in-picture; fullscreen');
f.setAttribute('allowfullscreen','');
a.replaceWith(f);
f.focus();
});
})();