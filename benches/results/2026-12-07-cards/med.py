import sys, statistics as st
# med.py FILE CARDS: medians of user+sys by label, and the cards' CPU (less the nocards build)
rows=[l.split('\t') for l in open(sys.argv[1]) if l.strip()]
cards=int(sys.argv[2]); by={}
for r in rows:
    e,u,s,m=map(float,r[3].split()); by.setdefault(r[1],[]).append((u+s,u,s,e))
med={k:[st.median(x[i] for x in v) for i in range(4)] for k,v in by.items()}
for k,(us,u,s,e) in med.items(): print(f"{k}: user+sys {us:.2f} user {u:.2f} sys {s:.2f} wall {e:.2f} (n={len(by[k])})")
for k in med:
    if k!='nocards':
        c=med[k][0]-med['nocards'][0]; cu=med[k][1]-med['nocards'][1]; cs=med[k][2]-med['nocards'][2]
        print(f"{k} cards: {c:.2f} s CPU = {1000*c/cards:.2f} ms/card (user {1000*cu/cards:.2f}, sys {1000*cs:.0f} ms total)")
