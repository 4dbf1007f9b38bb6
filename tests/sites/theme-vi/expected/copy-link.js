(function(){
if(!navigator.clipboard)return;
document.querySelectorAll('a.clause-link').forEach(function(a){
var b=document.createElement('button');
b.type='button';
b.className='copy-link';
b.textContent='Sao chép liên kết';
b.addEventListener('click',function(){
navigator.clipboard.writeText(a.href).then(function(){
b.textContent='Đã sao chép';
setTimeout(function(){b.textContent='Sao chép liên kết'},2000);
});
});
a.after(b);
});
})();