import sys, zlib, struct, subprocess
def decode(b):
    assert b[:8]==b'\x89PNG\r\n\x1a\n'
    i=8; idat=b''; plte=None
    while i<len(b):
        n,=struct.unpack('>I',b[i:i+4]); k=b[i+4:i+8]; d=b[i+8:i+8+n]
        if k==b'IHDR': w,h,depth,ct=struct.unpack('>IIBB',d[:10])
        if k==b'PLTE': plte=d
        if k==b'IDAT': idat+=d
        assert zlib.crc32(k+d)==struct.unpack('>I',b[i+8+n:i+12+n])[0]
        i+=12+n
    raw=zlib.decompress(idat); stride=(w*depth+7)//8; bpp=1
    prev=bytearray(stride); out=[]
    for y in range(h):
        f=raw[y*(stride+1)]; line=bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
        for x in range(stride):
            a=line[x-bpp] if x>=bpp else 0; up=prev[x]; c=prev[x-bpp] if x>=bpp else 0
            if f==1: line[x]=(line[x]+a)&255
            elif f==2: line[x]=(line[x]+up)&255
            elif f==3: line[x]=(line[x]+(a+up)//2)&255
            elif f==4:
                p=a+up-c; pa,pb,pc=abs(p-a),abs(p-up),abs(p-c)
                line[x]=(line[x]+(a if pa<=pb and pa<=pc else up if pb<=pc else c))&255
        out.append(bytes(line)); prev=line
    # to RGB through the palette
    px=[]
    for line in out:
        for byte in line:
            for idx in (byte>>4, byte&15): px.append(plte[idx*3:idx*3+3])
    return (w,h,b''.join(px))
bad=0
for path in sys.argv[1:]:
    old=subprocess.run(['git','show','HEAD:'+path],capture_output=True).stdout
    new=open(path,'rb').read()
    same=decode(old)==decode(new)
    bad+= not same
    print('same pixels' if same else 'DIFFERENT', len(old), len(new), path)
print('different:',bad)
