(function(){
var box=document.querySelector('.print-qr');
var canon=document.querySelector('link[rel="canonical"]');
var src=document.currentScript&&document.currentScript.getAttribute('data-qrcode');
var alt=(document.currentScript&&document.currentScript.getAttribute('data-qr-alt'))||'Mã QR tới {url}';
if(!box||!canon||!src)return;
function library(){
if(typeof qrcode==='function')return true;
try{
var request=new XMLHttpRequest();
request.open('GET',src,false);
request.send();
if(request.status===200)(0,eval)(request.responseText);
}catch(e){
return false;
}
return typeof qrcode==='function';
}
window.addEventListener('beforeprint',function(){
if(box.firstChild||!library())return;
var qr=qrcode(0,'M');
qr.addData(canon.href);
qr.make();
box.innerHTML=qr.createSvgTag({cellSize:4,margin:2,scalable:true,alt:alt.replace('{url}',canon.href)});
});
})();