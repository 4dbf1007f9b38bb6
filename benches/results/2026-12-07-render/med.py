import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
for v in dict.fromkeys(r['variant'] for r in rows):
    rs = [r for r in rows if r['variant'] == v]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    cpu = statistics.median(float(r['user']) + float(r['sys']) for r in rs)
    print(f"{v}: n={len(rs)} wall {med('wall'):.2f} s, user {med('user'):.2f}, sys {med('sys'):.2f}, user+sys {cpu:.2f}, "
          f"render stage {med('render_ms')/1000:.2f} s, peak {med('maxrss_kb')/1024:.0f} MiB, files {rs[0]['files']}, dirs {rs[0]['dirs']}, "
          f"load {min(float(r['load1']) for r in rs)}-{max(float(r['load1']) for r in rs)}")
